"""A run whose worker died for good is requeued, then failed, by the heartbeat check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching import services
from matching.models import MatchingRun, RunStatus
from outbox.models import OutboxMessage

from .helpers import program

pytestmark = pytest.mark.django_db


def _running(prog, *, heartbeat_minutes_ago: float, attempts: int = 1) -> MatchingRun:
    run = services.matching_run_start(program=prog, by=None, enqueue=False)
    beat = timezone.now() - timedelta(minutes=heartbeat_minutes_ago)
    MatchingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        started_at=beat,
        heartbeat_at=beat,
        task_id="dead-task",
        attempts=attempts,
        progress=40,
    )
    return run


def test_it_requeues_a_run_whose_heartbeat_stopped(settings) -> None:
    settings.MATCHING_STALE_AFTER = 3
    run = _running(program(), heartbeat_minutes_ago=4)
    assert services.matching_runs_recover_stale() == {"requeued": 1, "failed": 0}
    run.refresh_from_db()
    assert (run.status, run.task_id, run.progress) == (RunStatus.QUEUED, "", 0)
    assert "stopped responding" in run.progress_message
    assert OutboxMessage.objects.get().args == [run.pk]


def test_it_leaves_a_run_with_a_fresh_heartbeat_alone(settings) -> None:
    settings.MATCHING_STALE_AFTER = 3
    run = _running(program(), heartbeat_minutes_ago=1)
    assert services.matching_runs_recover_stale() == {"requeued": 0, "failed": 0}
    assert MatchingRun.objects.get(pk=run.pk).status == RunStatus.RUNNING


def test_it_fails_a_stale_run_after_its_last_try_and_lets_a_new_run_start(settings) -> None:
    settings.MATCHING_STALE_AFTER = 3
    settings.MATCHING_MAX_ATTEMPTS = 2
    prog = program()
    run = _running(prog, heartbeat_minutes_ago=4, attempts=2)
    assert services.matching_runs_recover_stale() == {"requeued": 0, "failed": 1}
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.finished_at is not None
    assert "stopped responding for 3 minutes" in run.error
    assert services.matching_run_start(program=prog, by=None, enqueue=False).status == "queued"


def test_it_acts_on_a_stale_run_once_when_checked_twice(settings) -> None:
    settings.MATCHING_STALE_AFTER = 3
    _running(program(), heartbeat_minutes_ago=4)
    assert services.matching_runs_recover_stale()["requeued"] == 1
    assert services.matching_runs_recover_stale() == {"requeued": 0, "failed": 0}
    assert OutboxMessage.objects.count() == 1


def test_it_lets_only_the_task_that_holds_a_run_carry_it_on() -> None:
    run = _running(program(), heartbeat_minutes_ago=0)
    # The killed worker's task comes back from the broker after the run went to another task.
    assert services.matching_run_execute(run_id=run.pk, task_id="replacement") is None
    assert MatchingRun.objects.get(pk=run.pk).task_id == "dead-task"


def test_it_shows_why_a_stale_run_failed_on_its_page(settings, hr_user, client_for) -> None:
    settings.MATCHING_MAX_ATTEMPTS = 1
    prog = program(coordinators=[hr_user])
    run = _running(prog, heartbeat_minutes_ago=settings.MATCHING_STALE_AFTER + 1)
    services.matching_runs_recover_stale()
    page = client_for(hr_user).get(run.get_absolute_url()).content.decode()
    assert "The run failed" in page and "stopped responding" in page
