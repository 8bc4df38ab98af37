"""The transactional outbox: tasks survive a broker outage and are sent when it's back."""

import pytest
from celery import Celery

from mentorship_site.celery import app
from outbox import services
from outbox.models import OutboxMessage
from outbox.services import outbox_enqueue, outbox_flush
from tests.worker_app import echo

ECHO = echo.name  # a test-only task, registered by importing it

pytestmark = pytest.mark.django_db


def test_it_runs_the_task_after_commit_in_eager_mode(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(task=ECHO, args=["hi"])
    message.refresh_from_db()
    assert message.status == "dispatched"


def test_it_keeps_the_message_pending_while_the_broker_is_down(
    django_capture_on_commit_callbacks, monkeypatch
):
    # Not set as current: shared tasks elsewhere must keep using the real app.
    dead = Celery("dead", broker="redis://127.0.0.1:1/0", set_as_current=False)  # nothing listens
    dead.conf.broker_transport_options = app.conf.broker_transport_options
    monkeypatch.setattr(services, "app", dead)
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(task=ECHO, args=["hi"])
    message.refresh_from_db()
    assert message.status == "pending"
    assert message.attempts == 1 and message.last_error


def test_it_flushes_pending_messages_in_order():
    first = OutboxMessage.objects.create(task_name=ECHO, args=["1"])
    second = OutboxMessage.objects.create(task_name=ECHO, args=["2"])
    assert outbox_flush() == 2
    assert set(
        OutboxMessage.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    ) == {"dispatched"}


def test_it_sends_nothing_twice_when_flushed_again():
    OutboxMessage.objects.create(task_name=ECHO, args=["1"])
    assert outbox_flush() == 1
    assert outbox_flush() == 0
