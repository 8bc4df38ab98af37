"""Demo rows: two completed assessment rounds and a mid-point survey with answers. Idempotent."""

import random
from datetime import timedelta

from django.utils import timezone

from core.dates import add_months
from mentorships.models import LIVE_STATUSES, Mentorship
from programs.models import EnrolmentSkill, Program

from . import services
from .models import (
    AssessmentRequest,
    AssessmentRound,
    QuestionKind,
    RoundKind,
    SendStatus,
    SkillRating,
    Survey,
    SurveyKind,
)

COMMENTS = [
    "Pairing on real tickets helped more than any course.",
    "We should have met more often in the first month.",
    "My mentor's incident reviews changed how I debug.",
    "Great structure; the check-in templates saved time.",
    "",
]


def seed(context: dict) -> None:
    program: Program = context["programs"]["onboarding"]
    if not Mentorship.objects.filter(program=program, status__in=LIVE_STATUSES).exists():
        return
    # A private generator: the other apps' demo data stays the same whatever we draw here.
    rng = random.Random(2026)
    _seed_assessments(program, context["demo"]["hr"], rng)
    _seed_survey(program, context["demo"].get("mentee"), rng)


def _round(program: Program, kind: str, due_on, hr) -> AssessmentRound:
    round_, _ = AssessmentRound.objects.get_or_create(
        program=program,
        kind=kind,
        due_on=due_on,
        defaults={"status": SendStatus.SENT, "created_by": hr},
    )
    services.assessment_requests_create(round=round_)
    # Demo rows are marked as already emailed so the worker sends nothing for them.
    round_.requests.filter(sent_at__isnull=True).update(sent_at=timezone.now())
    return round_


def _seed_assessments(program: Program, hr, rng: random.Random) -> None:
    baseline = _round(program, RoundKind.BASELINE, program.start_date, hr)
    follow_up = _round(program, RoundKind.FOLLOW_UP, add_months(program.start_date, 1), hr)
    sought: dict[int, list[tuple[int, int]]] = {}
    for user_id, skill_id, level in EnrolmentSkill.objects.filter(
        enrolment__program=program
    ).values_list("enrolment__user_id", "skill_id", "level"):
        sought.setdefault(user_id, []).append((skill_id, level))
    start: dict[tuple[int, int, int], int] = {}
    for round_ in (baseline, follow_up):
        requests = list(round_.requests.filter(completed_at__isnull=True))
        ratings = []
        for req in requests:
            for skill_id, level in sought.get(req.mentee_id, []):
                key = (req.mentee_id, req.rater_id, skill_id)
                if round_ is baseline:
                    value = max(1, min(5, level + rng.choice([-1, 0, 0])))
                    start[key] = value
                else:
                    value = min(5, start.get(key, level) + rng.choice([0, 1, 1, 2]))
                ratings.append(SkillRating(request=req, skill_id=skill_id, level=value))
        SkillRating.objects.bulk_create(ratings, ignore_conflicts=True)
        AssessmentRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
            completed_at=timezone.now()
        )


def _seed_survey(program: Program, demo_mentee, rng: random.Random) -> None:
    today = timezone.localdate()
    survey = Survey.objects.filter(program=program, kind=SurveyKind.MID_POINT).first()
    if survey is None:
        # Opened a week ago, so the demo shows results before the real mid-point arrives.
        survey = services.survey_save(
            program=program,
            kind=SurveyKind.MID_POINT,
            opens_on=today - timedelta(days=7),
            closes_on=today + timedelta(days=14),
            for_mentees=True,
            for_mentors=True,
            for_managers=True,
        )
    services.survey_invitations_create(survey=survey)
    survey.invitations.filter(sent_at__isnull=True).update(sent_at=timezone.now())
    Survey.objects.filter(pk=survey.pk).update(status=SendStatus.SENT)
    questions = list(survey.questions.all())
    for invitation in survey.invitations.filter(answered_at__isnull=True).select_related("survey"):
        # Leave the demo mentee's survey open so their "To answer" page has something in it.
        if demo_mentee is not None and invitation.user_id == demo_mentee.pk:
            continue
        services.survey_answer(
            invitation=invitation,
            ratings={
                q.pk: rng.choice([3, 4, 4, 5, 5])
                for q in questions
                if q.kind == QuestionKind.RATING
            },
            comments={q.pk: rng.choice(COMMENTS) for q in questions if q.kind == QuestionKind.TEXT},
            today=today,
        )
