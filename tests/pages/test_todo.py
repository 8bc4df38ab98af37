"""The home page's to-do list: each role's next things to do, in a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from checkins.models import ActionItem, CheckIn
from imports.models import BatchStatus, ImportBatch, ImportKind
from mentorships.models import Agreement, ResetRequest
from pages.selectors import _probe, _probe_query, _team_counts_query, team_counts, todo_list
from people.models import User
from reminders.models import AtRiskFlag
from tests.factories import (
    EnrolmentFactory,
    HRFactory,
    MentorshipFactory,
    MilestoneFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _participant_world(user, n: int) -> None:
    """n mentorships for `user` with a check-in due, an agreement to confirm, a milestone due
    and an action item."""
    for i in range(n):
        m = MentorshipFactory(mentee=user, started_on=date.today() - timedelta(days=40 + i))
        Agreement.objects.create(mentorship=m)
        MilestoneFactory(goal__mentorship=m, due_date=date.today() + timedelta(days=2))
        checkin = CheckIn.objects.create(
            mentorship=m,
            author=user,
            date=date.today() - timedelta(days=20),
            duration_minutes=30,
            activity="other",
        )
        ActionItem.objects.create(
            checkin=checkin, mentorship=m, owner=user, text=f"Read chapter {i}"
        )


def _hr_world(hr, n: int) -> None:
    for _ in range(n):
        program = ProgramFactory(coordinators=[hr], status="active")
        m = MentorshipFactory(program=program)
        AtRiskFlag.objects.create(mentorship=m, period_start=date.today())
        ResetRequest.objects.create(mentorship=m, raised_by=m.mentee, reason="Not working")
        ImportBatch.objects.create(
            kind=ImportKind.ENROLMENTS,
            program=program,
            uploaded_by=hr,
            filename="people.csv",
            content="",
            status=BatchStatus.PREVIEWED,
        )


def _queries(user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        todo_list(user)
    return len(ctx.captured_queries)


def test_it_lists_a_participants_next_things_to_do():
    me = UserFactory()
    _participant_world(me, 1)
    texts = [item.text for item in todo_list(me).items]
    assert any(t.startswith("Log a check-in with") for t in texts)
    assert any(t.startswith("Confirm your agreement with") for t in texts)
    assert any(t.startswith("Milestone") for t in texts)
    assert "Read chapter 0" in texts


def test_it_says_how_soon_a_check_in_is_due():
    me = UserFactory()
    m = MentorshipFactory(mentee=me, started_on=date.today() - timedelta(days=12))
    Agreement.objects.create(
        mentorship=m, mentor_confirmed_at=timezone.now(), mentee_confirmed_at=timezone.now()
    )
    [item] = todo_list(me).items
    assert item.text == f"Log a check-in with {m.mentor}"
    assert item.due_text == "due in 2 days"  # a fortnightly program: day 14


def test_it_puts_overdue_items_first():
    me = UserFactory()
    m = MentorshipFactory(mentee=me, started_on=date.today() - timedelta(days=5))
    Agreement.objects.create(
        mentorship=m, mentor_confirmed_at=timezone.now(), mentee_confirmed_at=timezone.now()
    )
    MilestoneFactory(goal__mentorship=m, due_date=date.today() - timedelta(days=3), title="Late")
    MilestoneFactory(goal__mentorship=m, due_date=date.today() + timedelta(days=4), title="Soon")
    items = todo_list(me).items
    assert items[0].text == "Milestone “Late”"
    assert items[0].due_text == "3 days overdue"
    assert items[1].text == "Milestone “Soon”"


def test_it_shows_a_manager_the_approvals_waiting():
    boss = UserFactory()
    EnrolmentFactory(user=UserFactory(manager=boss), status="pending")
    texts = [item.text for item in todo_list(boss).items]
    assert texts == ["1 enrolment from your team to approve"]


def test_it_shows_hr_what_waits_in_their_programs_only():
    hr, other_hr = HRFactory(), HRFactory()
    _hr_world(hr, 1)
    texts = [item.text for item in todo_list(hr).items]
    assert any("pairing at risk in" in t for t in texts)
    assert "1 request to reset a pairing" in texts
    assert "Confirm the import of people.csv" in texts
    assert todo_list(other_hr).items == []


def test_it_keeps_a_participants_query_count_constant_as_data_grows():
    small, large = UserFactory(), UserFactory()
    _participant_world(small, 1)
    _participant_world(large, 8)
    assert _queries(large) == _queries(small)


def test_it_keeps_hr_query_count_constant_as_data_grows():
    small, large = HRFactory(), HRFactory()
    _hr_world(small, 1)
    _hr_world(large, 6)
    assert _queries(large) == _queries(small)


def _probed(user, today: date) -> dict:
    row = _probe(user, today=today)
    row.pop("source")
    return row


@pytest.mark.parametrize("days", [0, -20])
def test_it_probes_with_the_query_compiled_once_as_the_orm_would(days):
    """The probe compiled once with stand-ins answers, for each person and day, what the
    queryset built for them answers (a day 20 days back: the milestones aren't due yet)."""
    me, boss = UserFactory(), UserFactory()
    UserFactory(manager=boss)
    _participant_world(me, 2)
    today = date.today() + timedelta(days=days)
    _probe(UserFactory(), today=date.today())  # compiled for someone else, another day
    soon = today + timedelta(days=7)
    for person in (me, boss):
        assert _probed(person, today) == _probe_query(person, today=today, soon=soon).first()
    assert _probed(me, today)["has_milestones"] is (days == 0)


def test_it_counts_a_managers_team_with_the_query_compiled_once_as_the_orm_would():
    head, other = UserFactory(), UserFactory()
    lead = UserFactory(manager=head)
    EnrolmentFactory(user=UserFactory(manager=lead), status="pending")
    UserFactory(manager=other)
    for person in (other, head, lead):
        path = User.objects.get(pk=person.pk).reporting_path
        assert team_counts(person) == _team_counts_query(person.pk, path).first()
    assert team_counts(head) == (2, 1)


def test_it_marks_an_action_item_done_in_one_tap(client_for):
    me = UserFactory()
    _participant_world(me, 1)
    item = ActionItem.objects.get(owner=me)
    body = client_for(me).get("/").content.decode()
    assert "Mark done" in body
    client_for(me).post(f"/checkins/action/{item.pk}/toggle/", {"done": "on", "next": "/"})
    item.refresh_from_db()
    assert item.done_at is not None


def test_it_says_what_happens_next_when_nothing_is_due(client_for):
    body = client_for(HRFactory()).get("/").content.decode()
    assert "Nothing waiting. Pairings at risk" in body
    body = client_for(UserFactory()).get("/").content.decode()
    assert "Once you join a program" in body
