"""The lower apps record events with their change; webhooks fan them out. No private text."""

from datetime import date, timedelta

import pytest

from checkins.services import checkin_create
from matching.models import MatchingRun, RunStatus
from matching.services import run_publish
from mentorships.services import mentorship_create, mentorship_end
from outbox.models import Event
from programs.services import enrolment_decide
from reminders.services import reminders_sweep
from tests.factories import (
    EnrolmentFactory,
    HRFactory,
    MentorshipFactory,
    ProgramFactory,
    UserFactory,
)
from webhooks.models import Delivery
from webhooks.services import deliveries_send_due, events_fan_out

pytestmark = pytest.mark.django_db

SECRET_NOTE = "PRIVATE-NOTE-NEVER-SENT"


def test_a_checkin_is_announced_without_any_text(receiver, endpoint_for) -> None:
    m = MentorshipFactory()
    endpoint_for(receiver, m.program, events=["checkin.logged"])
    checkin_create(
        mentorship=m,
        author=m.mentee,
        when=date.today(),
        duration_minutes=45,
        activity="code_review",
        skills=[],
        goals=[],
        milestones=[],
        next_steps="NEXT-STEPS-TEXT",
        private_notes=SECRET_NOTE,
        shared_summary="SHARED-SUMMARY-TEXT",
    )
    events_fan_out()
    deliveries_send_due()
    [got] = receiver.received
    assert got.valid_signature
    assert got.json["data"]["checkin"]["duration_minutes"] == 45
    for text in (SECRET_NOTE, "NEXT-STEPS-TEXT", "SHARED-SUMMARY-TEXT"):
        assert text not in got.body.decode()


def test_an_event_is_not_recorded_when_the_change_rolls_back() -> None:
    m = MentorshipFactory()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the check-in is refused
        checkin_create(
            mentorship=m,
            author=m.mentee,
            when=date.today() + timedelta(days=3),
            duration_minutes=45,
            activity="code_review",
            skills=[],
            goals=[],
            milestones=[],
        )
    assert not Event.objects.exists()


def test_pairing_and_ending_are_announced(receiver, endpoint_for) -> None:
    program = ProgramFactory(status="active")
    mentor, mentee = UserFactory(), UserFactory()
    EnrolmentFactory(program=program, user=mentor, role="mentor")
    EnrolmentFactory(program=program, user=mentee, role="mentee")
    hr = HRFactory()
    m = mentorship_create(program=program, mentor=mentor, mentee=mentee, by=hr)
    mentorship_end(mentorship=m, reason="not_working", note="END-NOTE-TEXT", by=hr)
    assert list(Event.objects.values_list("kind", flat=True)) == [
        "mentorship.created",
        "mentorship.ended",
    ]
    ended = Event.objects.get(kind="mentorship.ended")
    assert ended.data["mentorship"]["end_reason"] == "not_working"
    assert ended.data["mentee"]["email"] == mentee.email
    assert "END-NOTE-TEXT" not in str(ended.data)


def test_an_approved_enrolment_is_announced_and_a_declined_one_is_not() -> None:
    manager = UserFactory()
    first, second = UserFactory(manager=manager), UserFactory(manager=manager)
    program = ProgramFactory()
    approve = EnrolmentFactory(program=program, user=first, status="pending")
    decline = EnrolmentFactory(program=program, user=second, status="pending")
    enrolment_decide(enrolment=approve, approve=True, reason="", by=manager)
    enrolment_decide(enrolment=decline, approve=False, reason="Not now", by=manager)
    [event] = Event.objects.all()
    assert (event.kind, event.program_id, event.data["enrolment"]["id"]) == (
        "enrolment.approved",
        program.pk,
        approve.pk,
    )


def test_publishing_a_run_is_announced_once() -> None:
    program = ProgramFactory(status="matching")
    hr = HRFactory()
    run = MatchingRun.objects.create(program=program, started_by=hr, status=RunStatus.SUCCEEDED)
    MentorshipFactory(program=program, matching_run=run, status="proposed")
    run_publish(run=run, by=hr)
    with pytest.raises(Exception):  # noqa: B017, PT011 - already published
        run_publish(run=run, by=hr)
    [event] = Event.objects.filter(kind="run.published")
    assert event.data["run"] == {"id": run.pk, "pairs": 1, "published_by": hr.pk}


def test_a_pairing_at_risk_is_announced_on_the_transition_only(receiver, endpoint_for) -> None:
    m = MentorshipFactory(started_on=date.today() - timedelta(days=60))
    endpoint_for(receiver, m.program, events=["pairing.at_risk"])
    reminders_sweep(today=date.today())
    reminders_sweep(today=date.today())
    reminders_sweep(today=date.today() + timedelta(days=1))
    [event] = Event.objects.filter(kind="pairing.at_risk")
    assert event.data["mentorship"]["id"] == m.pk
    events_fan_out()
    assert Delivery.objects.count() == 1
