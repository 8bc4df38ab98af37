"""The mentorship page's check-in reads with SQL built once (core.compiled): the same as the
ORM definitions they replace."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from checkins import selectors
from checkins.models import Meeting
from mentorships.models import Mentorship
from tests import factories
from tests.checkins.factories import ActionItemFactory, CheckInFactory, PulseFactory

pytestmark = pytest.mark.django_db


def _page_mentorship(pairing) -> Mentorship:
    return Mentorship.objects.select_related("program").get(pk=pairing.pk)


@pytest.mark.parametrize("status", ["active", "paused", "proposed"])
@pytest.mark.parametrize("scores", [[], [1, 2], [2, 5, 4]])
def test_it_tells_the_health_health_for_computes(pairing, status, scores):
    today = date.today()
    for i, score in enumerate(scores):
        checkin = CheckInFactory(mentorship=pairing, date=today - timedelta(days=3 + 40 * i))
        PulseFactory(checkin=checkin, score=score)
    goal = factories.GoalFactory(mentorship=pairing)
    factories.MilestoneFactory(goal=goal, due_date=today - timedelta(days=5))
    factories.MilestoneFactory(
        goal=goal, due_date=today - timedelta(days=1), done_at=timezone.now()
    )
    Mentorship.objects.filter(pk=pairing.pk).update(status=status)
    m = _page_mentorship(pairing)
    info, meeting_at = selectors.health_and_meeting(m, today)
    assert info == selectors.health_for(m, today)
    assert meeting_at is None


def test_it_tells_the_next_scheduled_meeting(pairing, mentee):
    soon = timezone.now() + timedelta(days=2)
    for starts_at, status in (
        (timezone.now() - timedelta(days=1), "scheduled"),
        (soon + timedelta(days=1), "scheduled"),
        (soon - timedelta(days=1), "cancelled"),
        (soon, "scheduled"),
    ):
        Meeting.objects.create(
            mentorship=pairing, starts_at=starts_at, status=status, set_by=mentee
        )
    assert selectors.health_and_meeting(_page_mentorship(pairing), date.today())[1] == soon


def test_it_reads_the_timeline_head_items_and_links_as_the_plain_reads(pairing, mentee, mentor):
    today = date.today()
    checkins = [
        CheckInFactory(mentorship=pairing, date=today - timedelta(days=d)) for d in range(8)
    ]
    skill = factories.SkillFactory()
    goal = factories.GoalFactory(mentorship=pairing)
    for c in checkins[::2]:
        c.skills.set([skill])
        c.goals.set([goal])
        ActionItemFactory(checkin=c)
        ActionItemFactory(checkin=c, owner=mentor, done_at=timezone.now())
    PulseFactory(checkin=checkins[0], user=mentee, score=2)
    PulseFactory(checkin=checkins[0], user=mentor, score=5)
    head = selectors.timeline_head(pairing, mentee, 6)
    plain = list(selectors.timeline_checkins(pairing, mentee)[:6])
    assert [(c.pk, c.own_pulse, c.names_links, c.pair_has_items, c.author.email) for c in head] == [
        (c.pk, c.own_pulse, c.names_links, c.pair_has_items, c.author.email) for c in plain
    ]
    shown = [c.pk for c in plain[: selectors.PAGE_CHECKINS]]
    assert selectors.head_links(pairing) == selectors.checkin_links(shown)
    assert [(i.pk, i.owner.email) for i in selectors.head_action_items(pairing)] == [
        (i.pk, i.owner.email) for i in selectors.timeline_action_items(pairing, shown)
    ]
