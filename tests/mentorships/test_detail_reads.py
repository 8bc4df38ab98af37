"""The participant's mentorship page reads with SQL built once (core.compiled): the same as
the ORM definitions they replace."""

from datetime import date, timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from learning import selectors as learning
from mentorships import selectors
from mentorships.models import ResetRequest
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(db):
    program = factories.ProgramFactory(status="active")
    pairing = factories.MentorshipFactory(program=program)
    enrolment = factories.EnrolmentFactory(program=program, user=pairing.mentee, role="mentee")
    skills = [factories.SkillFactory(name=n, category=c) for n, c in (("Zed", "a"), ("Ann", "b"))]
    factories.EnrolmentSkillFactory(enrolment=enrolment, skill=skills[0], level=2, target_level=4)
    late = factories.GoalFactory(mentorship=pairing, target_date=date.today() + timedelta(days=90))
    early = factories.GoalFactory(mentorship=pairing, target_date=date.today() + timedelta(days=9))
    factories.GoalFactory(mentorship=pairing, target_date=None, status="achieved")
    late.skills.set(skills)
    early.skills.set(skills[1:])
    factories.MilestoneFactory(goal=late, due_date=date.today(), done_at=timezone.now())
    factories.MilestoneFactory(goal=late, due_date=date.today() - timedelta(days=3))
    factories.GoalFactory(mentorship=factories.MentorshipFactory(program=program))  # another's
    return pairing


def _goals(goals, listed: bool) -> list[tuple]:
    return [
        (
            g.pk,
            g.title,
            g.milestones_total,
            g.milestones_done,
            [
                (m.pk, m.title, m.done_at)
                for m in (g.milestone_list if listed else g.milestones.all())
            ],
            [s.pk for s in (g.skill_list if listed else g.skills.all())],
        )
        for g in goals
    ]


def test_it_lists_the_goals_as_goals_with_progress_in_their_order(pair):
    plain = selectors.goals_with_progress(pair).order_by("target_date", "id")
    assert _goals(selectors.detail_goals(pair), True) == _goals(plain, False)


def test_it_reads_the_page_as_the_orm_selector(pair):
    ResetRequest.objects.create(mentorship=pair, raised_by=pair.mentee, reason="x")
    for user in (pair.mentee, pair.mentor):
        fast = selectors.mentorship_detail_for_user_or_404(user, pair.pk)
        plain = selectors.mentorship_page_for_user_or_404(user, pair.pk)
        assert (fast.pk, fast.program.name, fast.mentor.email, fast.mentee.email) == (
            plain.pk,
            plain.program.name,
            plain.mentor.email,
            plain.mentee.email,
        )
        assert fast.open_reset_at == plain.open_reset_at


def test_it_refuses_a_third_user_and_ids_beyond_any_row(pair, stranger):
    for user, pk in ((stranger, pair.pk), (pair.mentee, 2**70), (pair.mentee, 0)):
        with pytest.raises(Http404):
            selectors.mentorship_detail_for_user_or_404(user, pk)


def _suggested(blocks) -> list:
    return [
        (b.skill.pk, b.levels, [(i["resource"].pk, i["mine"], i["done_by"]) for i in b.items])
        for b in blocks
    ]


def test_it_suggests_and_lists_certifications_as_from_the_prefetched_goals(pair, hr_user):
    from learning.models import (
        Certification,
        CertificationGoal,
        ExamResult,
        Resource,
        ResourceCompletion,
    )

    for skill in pair.goals.get(target_date__gt=date.today() + timedelta(days=30)).skills.all():
        for level in range(1, 6):
            Resource.objects.create(
                skill=skill,
                title=f"{skill.name} {level}",
                url=f"https://example.com/{skill.pk}/{level}",
                kind="course",
                level=level,
                created_by=hr_user,
            )
    ResourceCompletion.objects.create(
        resource=Resource.objects.first(), mentorship=pair, user=pair.mentee
    )
    cert = Certification.objects.create(name="CKA", issuer="CNCF", objectives="x")
    goal = factories.GoalFactory(mentorship=pair)
    found = CertificationGoal.objects.create(goal=goal, certification=cert, started_on=date.today())
    ExamResult.objects.create(
        employee=pair.mentee,
        certification=cert,
        certification_goal=found,
        taken_on=date.today(),
        passed=False,
    )
    listed = selectors.detail_goals(pair)
    prefetched = list(selectors.goals_with_progress(pair))
    for viewer in (pair.mentee, pair.mentor):
        fast = learning.suggestions(pair, viewer, goals=listed)
        assert fast and _suggested(fast) == _suggested(
            learning.suggestions(pair, viewer, goals=prefetched)
        )
    assert [
        (g.pk, g.certification.name, g.goal.title, [r.pk for r in g.results])
        for g in learning.certification_goals(pair, goals=listed)
    ] == [(found.pk, "CKA", goal.title, [ExamResult.objects.get().pk])]
