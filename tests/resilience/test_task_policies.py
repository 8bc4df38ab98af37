"""Every background task survives a crash: late acknowledgement, time limits and capped retries."""

import pytest
from django.conf import settings

from mentorship_site.celery import app

PROJECT_APPS = (
    "people.",
    "programs.",
    "mentorships.",
    "matching.",
    "checkins.",
    "metrics.",
    "imports.",
    "reminders.",
    "feedback.",
    "audit.",
    "outbox.",
)
MAX_RETRIES = 10


def _project_tasks():
    app.loader.import_default_modules()
    return sorted((name, task) for name, task in app.tasks.items() if name.startswith(PROJECT_APPS))


TASKS = _project_tasks()


def test_it_finds_the_crash_sensitive_tasks() -> None:
    names = {name for name, _ in TASKS}
    assert {"matching.tasks.execute_run", "reminders.tasks.sweep", "outbox.tasks.flush"} <= names


@pytest.mark.parametrize(("name", "task"), TASKS, ids=[name for name, _ in TASKS])
def test_it_acknowledges_each_task_only_after_it_finished(name, task) -> None:
    # A worker killed mid-task leaves the message unacknowledged, so Redis redelivers it.
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True


@pytest.mark.parametrize(("name", "task"), TASKS, ids=[name for name, _ in TASKS])
def test_it_limits_each_task_in_time_and_retries(name, task) -> None:
    soft = task.soft_time_limit or app.conf.task_soft_time_limit
    hard = task.time_limit or app.conf.task_time_limit
    assert soft and hard and soft < hard
    assert task.max_retries is not None and task.max_retries <= MAX_RETRIES
    if getattr(task, "autoretry_for", ()):
        assert task.retry_backoff, "automatic retries must back off"


def test_it_fails_fast_when_the_broker_is_down() -> None:
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] <= 5 and options["socket_timeout"] <= 5
    assert settings.CELERY_TASK_PUBLISH_RETRY is False
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_it_redelivers_a_dead_workers_task_soon_after_the_longest_task_could_end() -> None:
    longest = max((task.time_limit or app.conf.task_time_limit) for _, task in TASKS)
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    # Never while a live worker may still hold it; within minutes, not an hour, once it's dead.
    assert longest < visibility <= longest + 120
