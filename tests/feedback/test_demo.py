import random

from feedback import demo
from feedback.models import AssessmentRequest, SkillRating, SurveyAnswer, SurveyInvitation
from feedback.selectors import skill_growth_rows, survey_results
from tests.factories import (
    EnrolmentFactory,
    EnrolmentSkillFactory,
    MentorshipFactory,
    ProgramFactory,
    UserFactory,
)


def _context(program, mentee) -> dict:
    return {
        "demo": {"hr": None, "mentee": mentee},
        "programs": {"onboarding": program},
        "rng": random.Random(1),
    }


def test_it_seeds_growth_and_visible_survey_groups_and_is_idempotent(program) -> None:
    mentees = []
    for _ in range(4):
        m = MentorshipFactory(program=program, mentor=UserFactory(), mentee=UserFactory())
        EnrolmentSkillFactory(enrolment=EnrolmentFactory(program=program, user=m.mentee), level=2)
        mentees.append(m.mentee)
    demo.seed(_context(program, mentees[0]))
    counts = (
        AssessmentRequest.objects.count(),
        SkillRating.objects.count(),
        SurveyInvitation.objects.count(),
        SurveyAnswer.objects.count(),
    )
    demo.seed(_context(program, mentees[0]))
    assert counts == (
        AssessmentRequest.objects.count(),
        SkillRating.objects.count(),
        SurveyInvitation.objects.count(),
        SurveyAnswer.objects.count(),
    )
    assert all(r["change"] is not None and r["change"] >= 0 for r in skill_growth_rows(program))
    groups = {g["role"]: g for g in survey_results(program)[0]["groups"]}
    assert not groups["mentee"]["hidden"] and not groups["mentor"]["hidden"]


def test_it_does_nothing_for_a_program_without_pairings(db) -> None:
    demo.seed(_context(ProgramFactory(status="active"), None))
    assert not SurveyInvitation.objects.exists() and not AssessmentRequest.objects.exists()
