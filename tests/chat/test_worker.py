"""Real Celery workers on Redis and PostgreSQL send Slack direct messages: each once."""

import uuid
from collections import Counter

import pytest
from django.conf import settings

from chat import services
from chat.models import ChatMessage, MessageStatus
from outbox import services as outbox_services
from tests.conftest import WorkerHandle
from tests.factories import UserFactory

from .servers import TOKEN, FakeSlack

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SEND = "chat.tasks.send"


@pytest.fixture
def fake_slack(settings):
    server = FakeSlack().start()
    settings.SLACK_BOT_TOKEN = TOKEN
    settings.SLACK_API_URL = server.api_url
    yield server
    server.stop()


@pytest.fixture
def workers(fake_slack, transactional_db, monkeypatch):
    """Two workers that talk to the fake Slack. This process's own wake-ups are dropped (it
    runs tasks eagerly), so only the workers send."""
    import redis

    monkeypatch.setattr(outbox_services, "_publish", lambda message: None)
    broker = settings.TEST_BROKER_URL
    redis.Redis.from_url(broker).ping()
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": fake_slack.api_url}
    handles = [WorkerHandle(broker, queue=f"test-{uuid.uuid4().hex[:8]}", env=env) for _ in "ab"]
    try:
        for handle in handles:
            handle.start()
        yield handles
    finally:
        for handle in handles:
            handle.stop()


def _people(fake_slack, prefer, count: int):
    people = [UserFactory(email=f"dm{n}@example.com") for n in range(count)]
    for person in people:
        prefer(person)
    fake_slack.users = {p.email: f"U{n:04d}" for n, p in enumerate(people)}
    return people


def test_a_worker_sends_a_slack_direct_message(workers, fake_slack, prefer):
    [ana] = _people(fake_slack, prefer, 1)
    services.slack_notify(
        users=[ana], kind="test", key="1", title="Your match", text="", link_path="/mentorships/"
    )
    worker = workers[0]
    assert worker.client.send_task(SEND, queue=worker.queue).get(timeout=60)["sent"] == 1
    [post] = fake_slack.posted()
    assert post.params["channel"] == "U0000"
    assert ChatMessage.objects.get().status == MessageStatus.SENT


def test_two_workers_sending_at_once_send_each_message_once(workers, fake_slack, prefer):
    people = _people(fake_slack, prefer, 20)
    services.slack_notify(
        users=people, kind="test", key="2", title="Check-in due", text="", link_path="/"
    )
    results = [h.client.send_task(SEND, queue=h.queue) for h in workers]
    outcomes = [r.get(timeout=120) for r in results]
    assert sum(o["sent"] for o in outcomes) == 20
    channels = Counter(p.params["channel"] for p in fake_slack.posted())
    assert len(channels) == 20 and set(channels.values()) == {1}, "each person once"
    assert ChatMessage.objects.filter(status=MessageStatus.SENT).count() == 20
