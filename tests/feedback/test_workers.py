"""Two real Celery workers on Redis run each sweep at once: every email goes exactly once.

A worker's emails land in its own locmem outbox, so each sweep's return value (emails it claimed
and sent) is summed instead.
"""

import uuid
from datetime import date, timedelta

import pytest

from feedback import services
from feedback.models import AssessmentRequest, AssessmentRound, SurveyInvitation
from tests.conftest import WorkerHandle
from tests.factories import MentorshipFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _pairs(program, n: int) -> None:
    for _ in range(n):
        MentorshipFactory(program=program, mentee=UserFactory(manager=UserFactory()))


def _run_twice_at_once(first: WorkerHandle, task: str) -> list:
    second = WorkerHandle(first.broker, queue=f"test-{uuid.uuid4().hex[:8]}")
    second.start()
    try:
        results = [h.client.send_task(task, queue=h.queue) for h in (first, second)]
        return [r.get(timeout=120) for r in results]
    finally:
        second.stop()


def test_it_emails_each_invitee_once_when_two_workers_send_surveys(
    celery_worker_process, program
) -> None:
    _pairs(program, 15)
    services.survey_save(
        program=program,
        kind="mid_point",
        opens_on=date.today(),
        closes_on=date.today() + timedelta(days=10),
        for_mentees=True,
        for_mentors=True,
        for_managers=True,
    )
    sent = _run_twice_at_once(celery_worker_process, "feedback.tasks.send_due_surveys")
    assert SurveyInvitation.objects.count() == 45
    assert sum(sent) == 45
    assert not SurveyInvitation.objects.filter(sent_at__isnull=True).exists()


def test_it_emails_each_rater_once_when_two_workers_send_assessments(
    celery_worker_process, program
) -> None:
    _pairs(program, 15)
    AssessmentRound.objects.create(
        program=program, kind="baseline", due_on=date.today(), include_manager=True
    )
    outcomes = _run_twice_at_once(celery_worker_process, "feedback.tasks.send_assessment_requests")
    assert AssessmentRequest.objects.count() == 45
    assert sum(o["sent"] for o in outcomes) == 45
