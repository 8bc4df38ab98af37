"""The team dashboard's totals: what can be shown for a small team, without suppression."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from checkins.models import CheckIn, Pulse
from tests.factories import MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _checkin(m, days_ago: int, minutes: int = 60) -> CheckIn:
    return CheckIn.objects.create(
        mentorship=m,
        author=m.mentee,
        date=date.today() - timedelta(days=days_ago),
        duration_minutes=minutes,
        activity="other",
    )


def test_it_shows_a_two_person_teams_totals_and_trend(client_for):
    boss = UserFactory()
    report = UserFactory(manager=boss)
    m = MentorshipFactory(mentee=report)
    _checkin(m, 3)
    _checkin(m, 10, minutes=30)
    _checkin(m, 45)
    body = client_for(boss).get(reverse("metrics:team")).content.decode()
    assert "Your team at a glance" in body
    assert "up from 1" in body  # 2 check-ins in the last 30 days, 1 in the 30 before


def test_it_never_shows_a_small_teams_pulse_in_the_totals(client_for):
    boss = UserFactory()
    report = UserFactory(manager=boss)
    m = MentorshipFactory(mentor=report)
    Pulse.objects.create(checkin=_checkin(m, 2), user=m.mentee, score=1)
    body = client_for(boss).get(reverse("metrics:team")).content.decode()
    section = body.split('data-testid="team-totals"')[1].split("</section>")[0]
    assert "pulse" not in section.lower()


def test_it_links_a_mentor_to_their_own_figures_from_the_profile(client_for):
    me = UserFactory()
    body = client_for(me).get(reverse("people:profile", args=[me.pk])).content.decode()
    assert reverse("checkins:mentor_stats", args=[me.pk]) in body
