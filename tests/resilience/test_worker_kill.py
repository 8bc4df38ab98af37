"""A worker killed with SIGKILL mid-job: the broker redelivers the task and it completes once.

Each test runs real `celery worker` processes on a private Redis. Tasks are acknowledged late,
so the killed worker's task stays in Redis's unacked set; a worker started after the
visibility timeout (shortened to a few seconds here through CELERY_VISIBILITY_TIMEOUT) puts it
back on the queue and runs it again. Idempotent services make the second run finish the work
without doing any of it twice.
"""

from __future__ import annotations

import re
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db.models import Count
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import AssessmentRequest, AssessmentRound, SurveyInvitation
from matching import services as matching_services
from matching.models import MatchingRun, Proposal, RunStatus
from mentorships.models import Mentorship
from outbox import services as outbox_services
from outbox.models import OutboxMessage, OutboxStatus
from programs.models import Program
from reminders.models import DeliveryStatus, EmailLog, ReminderSent
from tests.factories import HRFactory

from .bulk import due_pairings, matching_program
from .helpers import PrivateRedis, Worker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 5
WORKER_ENV = {
    "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    # The killed worker's batch of reminders is leased; the new worker takes it over after this.
    "EMAIL_LEASE_SECONDS": str(VISIBILITY_TIMEOUT),
}


@pytest.fixture
def workers(redis_server: PrivateRedis) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(*, wait_ready: bool = True, **env: str) -> Worker:
        worker = Worker(redis_server.url, extra_env={**WORKER_ENV, **env})
        worker.start(wait_ready=wait_ready)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}.")


def wait_past_visibility_timeout(since) -> None:
    """The restarted worker restores only messages unacked for longer than the timeout."""
    age = (timezone.now() - since).total_seconds()
    time.sleep(max(0.0, VISIBILITY_TIMEOUT + 1.5 - age))


def test_it_completes_a_matching_run_once_after_the_worker_is_killed_mid_run(
    workers, monkeypatch
) -> None:
    program = matching_program(mentees=2000, mentors=600)
    first = workers()
    # The run is started through the real outbox, which publishes to the private broker.
    monkeypatch.setattr(outbox_services, "app", first.client)
    run = matching_services.matching_run_start(program=program, by=HRFactory())
    assert OutboxMessage.objects.get().status == OutboxStatus.DISPATCHED

    def explaining() -> bool:
        run.refresh_from_db()
        return not run.is_open or (run.status == RunStatus.RUNNING and run.progress >= 75)

    # Scored and assigned, nothing saved yet: the longest and latest step before the commit.
    wait_for(explaining, 240, "the run to reach the explain step")
    first.kill(signal.SIGKILL)
    run.refresh_from_db()
    killed_at = (run.status, run.progress, run.progress_message)
    assert run.status == RunStatus.RUNNING, killed_at
    assert not run.proposals.exists()

    wait_past_visibility_timeout(run.started_at)
    workers(wait_ready=False)  # the redelivered run occupies it straight away
    wait_for(lambda: not MatchingRun.objects.get(pk=run.pk).is_open, 300, "the redelivered run")

    run.refresh_from_db()
    proposals = Proposal.objects.filter(run=run)
    per_mentee = proposals.values("mentee").annotate(n=Count("id"))
    print(
        f"\nMatching run after SIGKILL at {killed_at}: status {run.status}, "
        f"{run.matched_count} matched, {run.unmatched_count} unmatched, "
        f"{proposals.count()} proposals for {per_mentee.count()} mentees, "
        f"runs of the program {MatchingRun.objects.filter(program=program).count()}, "
        f"mentorships {Mentorship.objects.filter(program=program).count()}"
    )
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert MatchingRun.objects.filter(program=program).count() == 1
    assert run.matched_count > 0
    assert proposals.count() == run.matched_count == per_mentee.count()
    assert run.matched_count + run.unmatched_count == 2000
    # A run only proposes; nothing was paired behind HR's back, twice or at all.
    assert not Mentorship.objects.filter(program=program).exists()


def test_it_sends_each_reminder_once_after_the_worker_is_killed_mid_sweep(
    workers,
) -> None:
    expected = due_pairings(1000)
    first = workers()
    first.client.send_task("reminders.tasks.sweep")
    kill_after = expected // 10
    wait_for(lambda: EmailLog.objects.count() >= kill_after, 240, f"{kill_after} emails")
    first.kill(signal.SIGKILL)  # mid-transaction: PostgreSQL rolls back the open one
    sent_before_kill = EmailLog.objects.count()
    assert 0 < sent_before_kill < expected, "the kill should land half-way through the sweep"

    wait_past_visibility_timeout(ReminderSent.objects.earliest("created_at").created_at)
    workers(wait_ready=False)
    wait_for(
        lambda: not ReminderSent.objects.filter(status=DeliveryStatus.PENDING).exists(),
        600,
        "the redelivered sweep to send the rest",
    )

    keys = ReminderSent.objects.values_list("mentorship", "recipient", "kind", "period_start")
    sent = EmailLog.objects.count()
    logs_per_reminder = ReminderSent.objects.annotate(n=Count("logs"))
    duplicated = sum(r.n - 1 for r in logs_per_reminder if r.n > 1)
    lost = logs_per_reminder.filter(n=0).count()
    print(
        f"\nReminder sweep after SIGKILL: emails expected {expected}, sent before kill "
        f"{sent_before_kill}, sent {sent}, duplicated {duplicated}, lost {lost}"
    )
    assert len(set(keys)) == len(keys) == expected
    assert sent == expected
    assert duplicated == 0 and lost == 0
    assert not EmailLog.objects.filter(reminder__isnull=True).exists()


def _recipients(folder: Path) -> Counter[str]:
    """How many emails each address got, from the file backend's files (one per send)."""
    found: Counter[str] = Counter()
    for path in folder.iterdir():
        found.update(re.findall(r"^To: (\S+)$", path.read_text(), flags=re.MULTILINE))
    return found


def _kill_mid_sweep(
    workers, folder: Path, *, task: str, rows, recipient: str, expected: int
) -> dict[str, int]:
    """Runs `task` on a worker that writes its emails to files, SIGKILLs it once a tenth of
    `rows` are stamped sent, and lets a new worker finish after the visibility timeout.

    Returns what the files say against what `rows` owed: emails written, duplicated, lost.
    """
    env = {"TANDEM_TEST_EMAIL_DIR": str(folder)}
    first = workers(**env)
    queued_at = timezone.now()
    first.client.send_task(task)
    kill_after = expected // 10
    wait_for(
        lambda: rows.filter(sent_at__isnull=False).count() >= kill_after,
        240,
        f"{kill_after} emails",
    )
    first.kill(signal.SIGKILL)
    before_kill = rows.filter(sent_at__isnull=False).count()
    assert 0 < before_kill < expected, "the kill should land half-way through the sweep"

    wait_past_visibility_timeout(queued_at)
    workers(wait_ready=False, **env)
    wait_for(
        lambda: rows.count() == expected and not rows.filter(sent_at__isnull=True).exists(),
        600,
        "the redelivered sweep to email the rest",
    )
    time.sleep(1)  # the file of the last send is closed after its commit
    got = _recipients(folder)
    owed = Counter(rows.values_list(recipient, flat=True))
    return {
        "expected": expected,
        "before_kill": before_kill,
        "written": sum(got.values()),
        "duplicated": sum(max(0, n - owed[a]) for a, n in got.items()),
        "lost": sum(max(0, n - got[a]) for a, n in owed.items()),
    }


def test_it_sends_each_survey_invitation_after_the_worker_is_killed_mid_sweep(
    workers, tmp_path
) -> None:
    expected = due_pairings(500)  # a mentee and a mentor each: 1,000 invitees
    program = Program.objects.filter(mentorships__isnull=False).distinct().get()
    feedback_services.survey_save(
        program=program,
        kind="mid_point",
        opens_on=date.today(),
        closes_on=date.today() + timedelta(days=14),
        for_mentees=True,
        for_mentors=True,
        for_managers=True,
    )
    found = _kill_mid_sweep(
        workers,
        tmp_path,
        task="feedback.tasks.send_due_surveys",
        rows=SurveyInvitation.objects.all(),
        recipient="user__email",
        expected=expected,
    )
    print(f"\nSurvey sweep after SIGKILL: {found}")
    assert found["lost"] == 0
    # The one window left: killed after the mail server took a message, before the commit.
    assert found["duplicated"] <= 1


def test_it_sends_each_assessment_request_after_the_worker_is_killed_mid_sweep(
    workers, tmp_path
) -> None:
    expected = due_pairings(500)  # the mentee rates themself, the mentor rates them: 1,000
    program = Program.objects.filter(mentorships__isnull=False).distinct().get()
    AssessmentRound.objects.create(program=program, kind="baseline", due_on=date.today())
    found = _kill_mid_sweep(
        workers,
        tmp_path,
        task="feedback.tasks.send_assessment_requests",
        rows=AssessmentRequest.objects.all(),
        recipient="rater__email",
        expected=expected,
    )
    print(f"\nAssessment sweep after SIGKILL: {found}")
    assert found["lost"] == 0
    assert found["duplicated"] <= 1
