"""Celery configuration and a real round trip through a worker on Redis."""

import pytest
from django.conf import settings

from mentorship_site.celery import app
from tests.factories import UserFactory


def test_it_serializes_with_json_and_limits_task_time():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.task_acks_late is True


def test_it_has_a_static_beat_schedule_of_registered_tasks():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.worker
def test_it_round_trips_a_task_through_a_real_worker(celery_worker_process):
    UserFactory.create_batch(3)
    result = celery_worker_process.client.send_task(
        "tests.echo", args=["hello"], queue=celery_worker_process.queue
    )
    # The worker answered from the same database: it saw the three committed users.
    assert result.get(timeout=20) == "hello:3"
