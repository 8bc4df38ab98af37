"""A worker lost for good mid-run (SIGKILL, never restarted): the heartbeat check notices.

The run's heartbeat stops; the periodic check (run here by the test, as beat would every
minute) requeues it once MATCHING_STALE_AFTER has passed, long before the broker's
visibility timeout would hand the task out again; a worker started later finishes it.
"""

from __future__ import annotations

import signal
import time

import pytest

from matching import services as matching_services
from matching.models import MatchingRun, RunStatus
from outbox import services as outbox_services
from tests.factories import HRFactory

from .bulk import matching_program
from .helpers import PrivateRedis, Worker
from .test_worker_kill import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
HEARTBEAT = {"MATCHING_HEARTBEAT_SECONDS": "1"}


def test_it_requeues_a_run_whose_worker_died_for_good_within_the_stale_time(
    redis_server: PrivateRedis, monkeypatch, settings
) -> None:
    settings.MATCHING_STALE_AFTER = 0.1  # 6 s
    settings.MATCHING_MAX_ATTEMPTS = 2
    program = matching_program(mentees=2000, mentors=600)
    first = Worker(redis_server.url, extra_env=HEARTBEAT)
    first.start()
    replacement = Worker(redis_server.url, extra_env=HEARTBEAT)
    try:
        monkeypatch.setattr(outbox_services, "app", first.client)
        run = matching_services.matching_run_start(program=program, by=HRFactory())

        def beating() -> bool:
            row = MatchingRun.objects.get(pk=run.pk)
            return row.status == RunStatus.RUNNING and row.heartbeat_at > row.started_at

        wait_for(beating, 60, "the running run's first heartbeat")
        first.kill(signal.SIGKILL)
        killed = time.monotonic()
        run.refresh_from_db()
        assert run.status == RunStatus.RUNNING, run.progress_message
        last_beat, at_kill = run.heartbeat_at, run.progress

        while time.monotonic() - killed < 60:
            if matching_services.matching_runs_recover_stale()["requeued"]:
                break
            time.sleep(0.5)
        detected = time.monotonic() - killed
        run.refresh_from_db()
        print(
            f"\nWorker SIGKILLed mid-run (progress at kill {at_kill}%): requeued "
            f"{detected:.1f} s after the kill with MATCHING_STALE_AFTER "
            f"{settings.MATCHING_STALE_AFTER * 60:.0f} s and a 1 s heartbeat"
        )
        assert run.status == RunStatus.QUEUED
        assert "stopped responding" in run.progress_message
        stale_after = settings.MATCHING_STALE_AFTER * 60
        assert detected <= stale_after + 2.5, "detected later than the configured time"
        assert run.heartbeat_at == last_beat or run.heartbeat_at is None

        replacement.start(wait_ready=False)  # the requeued run occupies it straight away
        wait_for(
            lambda: not MatchingRun.objects.get(pk=run.pk).is_open,
            240,
            "the replacement worker to finish the requeued run",
        )
    finally:
        first.stop()
        replacement.stop()
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.attempts == 2
    assert run.proposals.count() == run.matched_count > 0
    assert MatchingRun.objects.filter(program=program).count() == 1
