"""Reads shared with views and the metrics app. Every function runs a constant number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from programs.models import EnrolmentSkill, Program

from .models import (
    AssessmentRequest,
    AssessmentRound,
    AudienceRole,
    QuestionKind,
    RoundKind,
    SkillRating,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
)

MIN_GROUP = 3


def survey_results(program: Program | int, min_group: int = MIN_GROUP) -> list[dict]:
    """Aggregated answers per survey and audience role; groups under `min_group` are hidden.

    Returns one dict per survey: survey_id, kind, kind_label, opens_on, closes_on, status,
    status_label, invited, answered, groups. Each group: role, role_label, hidden, answers (None when
    hidden), questions [{question_id, text, answers, average, distribution {1..5: n}}],
    comments [str] (no names, sorted so order reveals nothing). Five queries.
    """
    program_id = program.pk if isinstance(program, Program) else program
    surveys = list(Survey.objects.filter(program_id=program_id).order_by("opens_on", "id"))
    ids = [s.pk for s in surveys]
    questions = defaultdict(list)
    for q in SurveyQuestion.objects.filter(survey_id__in=ids, kind=QuestionKind.RATING):
        questions[q.survey_id].append(q)
    invited: dict[tuple[int, str], int] = {}
    answered: dict[tuple[int, str], int] = {}
    for row in (
        SurveyInvitation.objects.filter(survey_id__in=ids)
        .values("survey_id", "role")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(answered_at__isnull=False)))
    ):
        invited[(row["survey_id"], row["role"])] = row["n"]
        answered[(row["survey_id"], row["role"])] = row["done"]
    counts: dict[tuple[int, str, int], dict[int, int]] = defaultdict(dict)
    for row in (
        SurveyAnswer.objects.filter(question__survey_id__in=ids, rating__isnull=False)
        .values("question__survey_id", "invitation__role", "question_id", "rating")
        .annotate(n=Count("pk"))
    ):
        key = (row["question__survey_id"], row["invitation__role"], row["question_id"])
        counts[key][row["rating"]] = row["n"]
    comments: dict[tuple[int, str], list[str]] = defaultdict(list)
    for survey_id, role, text in SurveyAnswer.objects.filter(
        question__survey_id__in=ids, question__kind=QuestionKind.TEXT
    ).exclude(text="").values_list("question__survey_id", "invitation__role", "text"):
        comments[(survey_id, role)].append(text)
    return [
        {
            "survey_id": s.pk,
            "kind": s.kind,
            "kind_label": s.get_kind_display(),
            "opens_on": s.opens_on,
            "closes_on": s.closes_on,
            "status": s.status,
            "status_label": s.get_status_display(),
            "invited": sum(n for (sid, _), n in invited.items() if sid == s.pk),
            "answered": sum(n for (sid, _), n in answered.items() if sid == s.pk),
            "groups": [
                _group(s, role, answered.get((s.pk, role), 0), questions[s.pk], counts,
                       comments.get((s.pk, role), []), min_group)
                for role in AudienceRole.values
                if (s.pk, role) in invited
            ],
        }
        for s in surveys
    ]


def _group(survey: Survey, role: str, n: int, questions: list[SurveyQuestion],
           counts: dict, comments: list[str], min_group: int) -> dict:
    base = {"role": role, "role_label": AudienceRole(role).label}
    if n < min_group:
        return {**base, "hidden": True, "answers": None, "questions": [], "comments": []}
    rows = []
    for q in questions:
        dist = {level: counts.get((survey.pk, role, q.pk), {}).get(level, 0) for level in range(1, 6)}
        total = sum(dist.values())
        average = round(sum(k * v for k, v in dist.items()) / total, 2) if total else None
        rows.append({"question_id": q.pk, "text": q.text, "answers": total,
                     "average": average, "distribution": dist})
    return {**base, "hidden": False, "answers": n, "questions": rows,
            "comments": sorted(comments)}


def surveys_with_counts(program: Program) -> QuerySet[Survey]:
    return Survey.objects.filter(program=program).annotate(
        invited=Count("invitations"),
        answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
    ).order_by("opens_on", "id")


def rounds_with_counts(program: Program) -> QuerySet[AssessmentRound]:
    return AssessmentRound.objects.filter(program=program).annotate(
        requested=Count("requests"),
        completed=Count("requests", filter=Q(requests__completed_at__isnull=False)),
    ).order_by("due_on", "id")


def pending_invitations(user, *, today: date | None = None) -> QuerySet[SurveyInvitation]:
    today = today or timezone.localdate()
    return SurveyInvitation.objects.filter(
        user=user, answered_at__isnull=True, sent_at__isnull=False,
        survey__closes_on__gte=today,
    ).select_related("survey__program").order_by("survey__closes_on", "pk")


def pending_requests(user) -> QuerySet[AssessmentRequest]:
    return AssessmentRequest.objects.filter(
        rater=user, completed_at__isnull=True, sent_at__isnull=False
    ).select_related("round__program", "mentee").order_by("round__due_on", "pk")


def sought_skills(request: AssessmentRequest) -> list[EnrolmentSkill]:
    """The skills the mentee seeks in this program: what every rater scores."""
    return list(
        EnrolmentSkill.objects.filter(
            enrolment__program_id=request.round.program_id, enrolment__user_id=request.mentee_id
        ).select_related("skill").order_by("skill__category", "skill__name")
    )


def skill_growth_rows(
    program: Program | int | None = None, mentee_ids: Iterable[int] | None = None
) -> list[dict]:
    """Per (program, mentee, skill, rater role): the baseline level and the latest later level.

    Keys: program_id, mentee_id, skill_id, skill_name, skill_category, rater_role,
    baseline_level, baseline_on, latest_level, latest_on, latest_kind, change (latest −
    baseline, None when either is missing). Only completed ratings count. The baseline is
    the earliest baseline round; "latest" is the most recent follow-up or final round.
    One query.
    """
    ratings = SkillRating.objects.filter(request__completed_at__isnull=False)
    if program is not None:
        ratings = ratings.filter(
            request__round__program_id=program.pk if isinstance(program, Program) else program
        )
    if mentee_ids is not None:
        ratings = ratings.filter(request__mentee_id__in=list(mentee_ids))
    rows: dict[tuple, dict] = {}
    for r in ratings.values(
        "level", "skill_id", "skill__name", "skill__category", "request__mentee_id",
        "request__rater_role", "request__round__program_id", "request__round__kind",
        "request__round__due_on", "request__round_id",
    ).order_by("request__round__due_on", "request__round_id"):
        key = (r["request__round__program_id"], r["request__mentee_id"], r["skill_id"],
               r["request__rater_role"])
        row = rows.setdefault(key, {
            "program_id": key[0], "mentee_id": key[1], "skill_id": key[2],
            "skill_name": r["skill__name"], "skill_category": r["skill__category"],
            "rater_role": key[3], "baseline_level": None, "baseline_on": None,
            "latest_level": None, "latest_on": None, "latest_kind": None, "change": None,
        })
        due, kind = r["request__round__due_on"], r["request__round__kind"]
        if kind == RoundKind.BASELINE:
            if row["baseline_on"] is None:  # rows come in date order: keep the first
                row["baseline_level"], row["baseline_on"] = r["level"], due
        else:
            row["latest_level"], row["latest_on"], row["latest_kind"] = r["level"], due, kind
    for row in rows.values():
        if row["baseline_level"] is not None and row["latest_level"] is not None:
            row["change"] = row["latest_level"] - row["baseline_level"]
    return list(rows.values())
