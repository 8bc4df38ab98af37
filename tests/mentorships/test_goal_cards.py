"""The mentorship page's goals drawn in Python: the markup the template loop drew."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone

from mentorships.models import Mentorship
from mentorships.selectors import goals_with_progress
from mentorships.templatetags.goal_tags import goal_cards
from tests.factories import GoalFactory, MilestoneFactory, SkillFactory

pytestmark = pytest.mark.django_db

# The goals loop of templates/mentorships/detail.html before it was drawn in Python.
BEFORE = Template(Path(__file__).with_name("goal_cards_before.html").read_text())


def _varied(pairing) -> None:
    full = GoalFactory(
        mentorship=pairing,
        title='Lead <the> "team" & co',
        description="First line <b>\nsecond & line",
        success_measure="Ships <it>",
    )
    full.skills.set([SkillFactory(name="Zeta <b>"), SkillFactory(name="Alpha & co")])
    MilestoneFactory(goal=full, title="Open <one>", evidence="")
    MilestoneFactory(
        goal=full,
        title="Done & dusted",
        done_at=timezone.now() - timedelta(days=2),
        evidence="See https://example.com/a?b=1&c=<2> and www.example.org",
    )
    MilestoneFactory(goal=full, title="With evidence", evidence="notes <here>")
    GoalFactory(mentorship=pairing, title="No milestones", target_date=None)


@pytest.mark.parametrize("status", ["active", "ended"])
@pytest.mark.parametrize("token", ["TOKEN<&>", None])
def test_it_draws_the_goals_as_the_template_loop_did(pairing, status, token):
    _varied(pairing)
    Mentorship.objects.filter(pk=pairing.pk).update(status=status, ended_on=date.today())
    mentorship = Mentorship.objects.get(pk=pairing.pk)
    goals = list(goals_with_progress(mentorship))
    context = {"mentorship": mentorship, "goals": goals, "csrf_token": token}
    assert goal_cards(Context(context), mentorship, goals) == BEFORE.render(Context(context))
