"""Builders for feedback tests: surveys with answers, rounds with requests."""

from datetime import date, timedelta

from django.utils import timezone

from feedback import services
from feedback.models import (
    AssessmentRequest,
    AssessmentRound,
    QuestionKind,
    RaterRole,
    SendStatus,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
)
from tests.factories import UserFactory


def sent_survey(program, kind: str = "mid_point") -> Survey:
    today = date.today()
    survey = services.survey_save(
        program=program,
        kind=kind,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=20),
        for_mentees=True,
        for_mentors=True,
        for_managers=True,
    )
    Survey.objects.filter(pk=survey.pk).update(status=SendStatus.SENT)
    survey.refresh_from_db()
    return survey


def invite(survey: Survey, user=None, role: str = "mentee") -> SurveyInvitation:
    return SurveyInvitation.objects.create(
        survey=survey, user=user or UserFactory(), role=role, sent_at=timezone.now()
    )


def answered(survey: Survey, role: str, ratings: tuple[int, int, int], comment: str = ""):
    invitation = invite(survey, role=role)
    questions = list(survey.questions.all())
    rating_qs = [q for q in questions if q.kind == QuestionKind.RATING]
    text_q = next(q for q in questions if q.kind == QuestionKind.TEXT)
    services.survey_answer(
        invitation=invitation,
        ratings={q.pk: r for q, r in zip(rating_qs, ratings, strict=True)},
        comments={text_q.pk: comment},
    )
    return invitation


def sent_round(program, kind: str = "baseline", due_on: date | None = None) -> AssessmentRound:
    return AssessmentRound.objects.create(
        program=program, kind=kind, due_on=due_on or program.start_date, status=SendStatus.SENT
    )


def request_for(round_, mentee, rater, role: str = RaterRole.MENTEE) -> AssessmentRequest:
    return AssessmentRequest.objects.create(
        round=round_, mentee=mentee, rater=rater, rater_role=role, sent_at=timezone.now()
    )


def answers_count() -> int:
    return SurveyAnswer.objects.count()
