"""The HR health board: ordering, constant queries, nudge and reset."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkins.selectors import health_for_mentorships, next_checkin_due
from checkins.services import mentorship_url
from mentorships.models import Mentorship
from tests import factories
from tests.checkins.factories import CheckInFactory, PulseFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def pair(program, *, last_checkin_days: int | None, started_days: int = 60, **kw) -> Mentorship:
    m = factories.MentorshipFactory(
        program=program, started_on=TODAY - timedelta(days=started_days), **kw
    )
    if last_checkin_days is not None:
        CheckInFactory(mentorship=m, date=TODAY - timedelta(days=last_checkin_days))
    return m


def board_url(program) -> str:
    return reverse("checkins:health_board", args=[program.slug])


def test_it_computes_health_for_many_mentorships(program):
    fine = pair(program, last_checkin_days=2)
    silent = pair(program, last_checkin_days=None)
    unhappy = pair(program, last_checkin_days=3)
    PulseFactory(checkin=unhappy.checkins.get(), score=1)
    late = pair(program, last_checkin_days=15)
    goal = factories.GoalFactory(mentorship=fine)
    factories.MilestoneFactory(goal=goal, due_date=TODAY + timedelta(days=5))
    info = health_for_mentorships(Mentorship.objects.filter(program=program), TODAY)
    assert info[fine.pk].state == "on_track"
    assert info[fine.pk].milestones_total == 1
    assert info[silent.pk].state == "inactive"
    assert info[unhappy.pk].state == "at_risk"
    assert info[unhappy.pk].avg_pulse == 1
    assert info[late.pk].state == "due"


def test_it_flags_overdue_milestones(program):
    m = pair(program, last_checkin_days=1)
    goal = factories.GoalFactory(mentorship=m)
    factories.MilestoneFactory(goal=goal, due_date=TODAY - timedelta(days=3))
    factories.MilestoneFactory(goal=goal, due_date=TODAY + timedelta(days=30))
    info = health_for_mentorships([m], TODAY)[m.pk]
    assert (info.milestones_overdue, info.milestones_total, info.state) == (1, 2, "at_risk")


def test_it_gives_the_next_due_date(program):
    m = pair(program, last_checkin_days=5)
    assert next_checkin_due(m) == TODAY + timedelta(days=9)


def test_it_lists_at_risk_and_inactive_first(client_for, program, hr_user):
    fine = pair(program, last_checkin_days=1)
    due = pair(program, last_checkin_days=16)
    at_risk = pair(program, last_checkin_days=40)
    inactive = pair(program, last_checkin_days=None)
    response = client_for(hr_user).get(board_url(program))
    order = [m.pk for m, _ in response.context["page"].object_list]
    assert order == [at_risk.pk, inactive.pk, due.pk, fine.pk]


def test_it_leaves_finished_pairings_off_the_board(client_for, program, hr_user):
    ended = pair(program, last_checkin_days=1, status="ended")
    response = client_for(hr_user).get(board_url(program))
    assert ended.pk not in [m.pk for m, _ in response.context["page"].object_list]


def test_it_shows_no_individual_notes_or_pulses_on_the_board(client_for, program, hr_user):
    m = pair(program, last_checkin_days=1)
    PulseFactory(checkin=m.checkins.get(), user=m.mentee, score=2)
    PulseFactory(checkin=m.checkins.get(), user=m.mentor, score=4)
    html = client_for(hr_user).get(board_url(program)).content.decode()
    assert "SECRET-NOTE" not in html
    assert "3.0" in html


def test_it_shows_an_empty_state(client_for, program, hr_user):
    html = client_for(hr_user).get(board_url(program)).content.decode()
    assert "No live pairings" in html


def test_it_keeps_the_board_queries_constant(
    client_for, program, hr_user, django_assert_max_num_queries
):
    client = client_for(hr_user)

    def add(n: int) -> None:
        for i in range(n):
            m = pair(program, last_checkin_days=i % 40)
            PulseFactory(checkin=m.checkins.get(), score=3)
            factories.MilestoneFactory(goal=factories.GoalFactory(mentorship=m))

    add(3)
    # 17: with stale rows, the counts are counted and stored (HealthFigures) before and after
    # the refresh; the same number whatever the program's size.
    with django_assert_max_num_queries(17) as three:
        assert client.get(board_url(program)).status_code == 200
    add(17)
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(board_url(program))
    assert len(response.context["page"].object_list) == 20


def test_it_nudges_both_participants_with_a_link(
    client_for, program, hr_user, django_capture_on_commit_callbacks
):
    m = pair(program, last_checkin_days=30)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_user).post(reverse("checkins:nudge", args=[m.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert {tuple(e.to) for e in mail.outbox} == {(m.mentor.email,), (m.mentee.email,)}
    link = mentorship_url(m)
    assert link.startswith(settings.SITE_URL)
    assert link.endswith(reverse("mentorships:detail", args=[m.pk]))
    assert all(link in e.body for e in mail.outbox)


# Refusal policy (docs/security.md): a role page is 403; another program's pairing is 404.
@pytest.mark.parametrize(
    ("who", "nudge_status"), [("other_hr", 404), ("employee", 403), ("stranger", 403)]
)
def test_it_refuses_the_board_and_nudges_to_others(request, client_for, program, who, nudge_status):
    m = pair(program, last_checkin_days=30)
    client = client_for(request.getfixturevalue(who))
    assert client.get(board_url(program)).status_code == 403
    assert client.post(reverse("checkins:nudge", args=[m.pk])).status_code == nudge_status
    assert mail.outbox == []


def test_it_refuses_a_nudge_by_get(client_for, program, hr_user):
    m = pair(program, last_checkin_days=30)
    assert client_for(hr_user).get(reverse("checkins:nudge", args=[m.pk])).status_code == 405
    assert mail.outbox == []


def test_it_asks_for_a_reason_before_a_reset(client_for, program, hr_user):
    m = pair(program, last_checkin_days=40)
    client = client_for(hr_user)
    url = reverse("checkins:reset", args=[m.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    m.refresh_from_db()
    assert m.status == "active"


def test_it_resets_a_pairing_that_is_not_working(client_for, program, hr_user):
    m = pair(program, last_checkin_days=40)
    response = client_for(hr_user).post(
        reverse("checkins:reset", args=[m.pk]), {"note": "No meetings for six weeks."}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.end_reason) == ("ended", "not_working")
    assert "No meetings for six weeks." in m.end_note


@pytest.mark.parametrize(
    ("who", "status"), [("other_hr", 404), ("employee", 403), ("stranger", 403)]
)
def test_it_refuses_a_reset_to_others(request, client_for, program, who, status):
    m = pair(program, last_checkin_days=40)
    client = client_for(request.getfixturevalue(who))
    url = reverse("checkins:reset", args=[m.pk])
    assert client.get(url).status_code == status
    assert client.post(url, {"note": "Because"}).status_code == status
    m.refresh_from_db()
    assert m.status == "active"


def test_it_shows_an_error_when_resetting_an_ended_pairing(client_for, program, hr_user):
    m = pair(program, last_checkin_days=40, status="ended")
    response = client_for(hr_user).post(reverse("checkins:reset", args=[m.pk]), {"note": "Again"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_the_board_queries_dont_change_with_the_size_of_the_program(client_for, program, hr_user):
    """A program of 3 live pairings and of 60 (more than a page): the same queries, and the
    page shows the first 50 in board order."""
    client = client_for(hr_user)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get(board_url(program))  # the navigation's answers kept, as for a returning viewer
    for i in range(3):
        m = pair(program, last_checkin_days=i * 10)
        PulseFactory(checkin=m.checkins.get(), score=3)
    cold = queries(board_url(program))  # computes the 3 pairings' stored health first
    small = queries(board_url(program))
    for i in range(57):
        m = pair(program, last_checkin_days=[1, 16, 25, 40, None][i % 5])
        if m.checkins.exists():
            PulseFactory(checkin=m.checkins.get(), score=1 + i % 5)
        factories.MilestoneFactory(goal=factories.GoalFactory(mentorship=m))
    assert queries(board_url(program)) == cold  # the 57 new ones, in the same queries
    assert queries(board_url(program)) == small
    assert queries(board_url(program) + "?page=2") == small
    response = client.get(board_url(program))
    rows = response.context["page"].object_list
    assert len(rows) == 50
    assert sum(response.context["counts"].values()) == 60
    severities = [info.severity for _, info in rows]
    assert severities == sorted(severities)
