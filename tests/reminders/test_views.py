from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from reminders.models import AtRiskFlag, CalendarToken, NotificationPreference
from reminders.services import reminders_sweep
from tests.factories import GoalFactory, MilestoneFactory, ProgramFactory

from .factories import checkin, pairing

pytestmark = pytest.mark.django_db
TODAY = date.today()
PREFS = reverse("reminders:preferences")


def _live_token(user) -> str:
    return CalendarToken.objects.get(user=user, revoked_at__isnull=True).token


def _feed(client, token: str):
    return client.get(reverse("reminders:ics", args=[token]))


# --- preferences -----------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login_page(client) -> None:
    response = client.get(PREFS)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_shows_the_defaults_without_storing_a_row(client_for, employee) -> None:
    response = client_for(employee).get(PREFS)
    assert response.status_code == 200
    assert response.context["form"]["email_enabled"].value() is True
    assert not NotificationPreference.objects.exists()


def test_it_saves_the_weekly_digest_choice(client_for, employee) -> None:
    response = client_for(employee).post(PREFS, {"email_enabled": "on", "weekly_digest": "on"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=employee)
    assert (pref.email_enabled, pref.weekly_digest) == (True, True)


def test_it_turns_email_off(client_for, employee) -> None:
    client_for(employee).post(PREFS, {})
    assert NotificationPreference.objects.get(user=employee).email_enabled is False


def test_it_refuses_a_digest_with_email_off_and_says_why(client_for, employee) -> None:
    response = client_for(employee).post(PREFS, {"weekly_digest": "on"})
    assert response.status_code == 200
    assert "turn email on" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_it_changes_only_the_signed_in_users_preferences(client_for, employee, stranger) -> None:
    client_for(stranger).post(PREFS, {})
    assert not NotificationPreference.objects.filter(user=employee).exists()
    assert NotificationPreference.objects.get(user=stranger).email_enabled is False


# --- calendar feed ---------------------------------------------------------------------------


def test_it_creates_a_calendar_link_on_post_only(client_for, employee) -> None:
    c = client_for(employee)
    assert c.get(reverse("reminders:calendar_rotate")).status_code == 405
    assert not CalendarToken.objects.exists()
    c.post(reverse("reminders:calendar_rotate"))
    token = _live_token(employee)
    page = c.get(reverse("reminders:calendar")).content.decode()
    assert f"/reminders/calendar/{token}.ics" in page


def test_it_serves_the_feed_without_login_as_text_calendar(client, client_for, employee) -> None:
    client_for(employee).post(reverse("reminders:calendar_rotate"))
    response = _feed(client, _live_token(employee))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")


def test_it_returns_404_for_an_unknown_token(client) -> None:
    assert _feed(client, "not-a-real-token").status_code == 404


def test_it_kills_the_old_link_when_replaced(client, client_for, employee) -> None:
    c = client_for(employee)
    c.post(reverse("reminders:calendar_rotate"))
    old = _live_token(employee)
    c.post(reverse("reminders:calendar_rotate"))
    new = _live_token(employee)
    assert old != new
    assert _feed(client, old).status_code == 404
    assert _feed(client, new).status_code == 200


def test_it_kills_the_link_when_revoked(client, client_for, employee) -> None:
    c = client_for(employee)
    c.post(reverse("reminders:calendar_rotate"))
    token = _live_token(employee)
    c.post(reverse("reminders:calendar_revoke"))
    assert _feed(client, token).status_code == 404
    assert not CalendarToken.objects.filter(revoked_at__isnull=True).exists()


def test_it_lists_upcoming_check_ins_and_milestones_of_the_owner_only(client, client_for) -> None:
    mine = pairing(days_since=2)
    agreed = pairing(days_since=30, mentee=mine.mentee)
    checkin(agreed, days_ago=1, next_meeting=TODAY + timedelta(days=4))
    MilestoneFactory(
        goal=GoalFactory(mentorship=mine),
        title="Ship the runbook, v2",
        due_date=TODAY + timedelta(days=10),
    )
    theirs = pairing(days_since=2)
    MilestoneFactory(goal=GoalFactory(mentorship=theirs), title="Secret milestone")
    client_for(mine.mentee).post(reverse("reminders:calendar_rotate"))
    body = _feed(client, _live_token(mine.mentee)).content.decode()
    assert body.count("BEGIN:VEVENT") == 3
    assert f"DTSTART;VALUE=DATE:{TODAY + timedelta(days=5):%Y%m%d}" in body  # cadence: 7 - 2
    assert f"DTSTART;VALUE=DATE:{TODAY + timedelta(days=4):%Y%m%d}" in body  # agreed date
    assert "SUMMARY:Milestone due: Ship the runbook\\, v2" in body
    assert "Secret milestone" not in body
    assert f"UID:checkin-{theirs.pk}@" not in body


@override_settings(SITE_URL="https://Mentoring.Acme.example:8443/tandem/")
def test_it_names_calendar_events_after_the_installations_own_host(client, client_for) -> None:
    mine = pairing(days_since=2)
    milestone = MilestoneFactory(
        goal=GoalFactory(mentorship=mine), due_date=TODAY + timedelta(days=3)
    )
    client_for(mine.mentee).post(reverse("reminders:calendar_rotate"))
    body = _feed(client, _live_token(mine.mentee)).content.decode()
    assert f"UID:checkin-{mine.pk}@mentoring.acme.example\r\n" in body
    assert f"UID:milestone-{milestone.pk}@mentoring.acme.example\r\n" in body
    assert "@tandem\r\n" not in body


def test_it_refuses_the_feed_of_a_deactivated_user(client, client_for, employee) -> None:
    client_for(employee).post(reverse("reminders:calendar_rotate"))
    employee.is_active = False
    employee.save()
    assert _feed(client, _live_token(employee)).status_code == 404


# --- at-risk page ----------------------------------------------------------------------------


def _program_with_flags(coordinator, n: int):
    program = ProgramFactory(status="active", meeting_cadence="weekly", coordinators=[coordinator])
    for _ in range(n):
        pairing(days_since=20, program=program)
    reminders_sweep(today=TODAY)
    return program


def test_it_shows_the_coordinator_the_programs_at_risk_pairings(client_for, hr_user) -> None:
    program = _program_with_flags(hr_user, 2)
    response = client_for(hr_user).get(reverse("reminders:at_risk", args=[program.slug]))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 2
    assert "At risk" in response.content.decode()


@pytest.mark.parametrize("who", ["other_hr", "employee"])
def test_it_refuses_the_at_risk_page_to_anyone_else(request, client_for, hr_user, who) -> None:
    program = _program_with_flags(hr_user, 1)
    response = client_for(request.getfixturevalue(who)).get(
        reverse("reminders:at_risk", args=[program.slug])
    )
    assert response.status_code == 403
    assert AtRiskFlag.objects.filter(resolved_at__isnull=True).count() == 1


def test_it_lists_at_risk_pairings_in_constant_queries(
    client_for, hr_user, django_assert_max_num_queries
) -> None:
    program = _program_with_flags(hr_user, 3)
    c = client_for(hr_user)
    url = reverse("reminders:at_risk", args=[program.slug])
    with django_assert_max_num_queries(12):
        c.get(url)
    for _ in range(20):
        pairing(days_since=20, program=program)
    reminders_sweep(today=TODAY)
    with django_assert_max_num_queries(12):
        response = c.get(url)
    assert response.context["page"].paginator.count == 23
