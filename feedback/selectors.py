"""Reads shared with views and the metrics app. Every function runs a constant number of queries."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.privacy import MIN_GROUP
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


def survey_results(program: Program | int, min_group: int = MIN_GROUP) -> list[dict]:
    """Aggregated answers per survey and audience role; groups under `min_group` are hidden.

    Returns one dict per survey: survey_id, kind, kind_label, opens_on, closes_on, status,
    status_label, invited, answered (None while a group is hidden: the total would give its size
    away), groups. Each group: role, role_label, hidden, answers (None when
    hidden), questions [{question_id, text, answers, average, distribution {1..5: n}}],
    comments [str] (no names, sorted so order reveals nothing). Five queries.
    """
    program_id = program.pk if isinstance(program, Program) else program
    return survey_results_by_program([program_id], min_group=min_group)[program_id]


def survey_results_by_program(
    program_ids: Iterable[int], min_group: int = MIN_GROUP
) -> dict[int, list[dict]]:
    """program id -> `survey_results` for it, for many programs in the same five queries."""
    wanted = list(program_ids)
    surveys = list(Survey.objects.filter(program_id__in=wanted).order_by("opens_on", "id"))
    ids = [s.pk for s in surveys]
    questions = defaultdict(list)
    for q in SurveyQuestion.objects.filter(survey_id__in=ids, kind=QuestionKind.RATING):
        questions[q.survey_id].append(q)
    invited: dict[tuple[int, str], int] = {}
    answered: dict[tuple[int, str], int] = {}
    for survey_id, role, n, done in (
        SurveyInvitation.objects.filter(survey_id__in=ids)
        .values("survey_id", "role")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(answered_at__isnull=False)))
        .values_list("survey_id", "role", "n", "done")
        .order_by()
    ):
        invited[(survey_id, role)] = n
        answered[(survey_id, role)] = done
    counts: dict[tuple[int, str, int], dict[int, int]] = defaultdict(dict)
    for survey_id, role, question_id, rating, n in (
        SurveyAnswer.objects.filter(question__survey_id__in=ids, rating__isnull=False)
        .values("question__survey_id", "invitation__role", "question_id", "rating")
        .annotate(n=Count("pk"))
        .values_list("question__survey_id", "invitation__role", "question_id", "rating", "n")
        .order_by()
    ):
        counts[(survey_id, role, question_id)][rating] = n
    comments: dict[tuple[int, str], list[str]] = defaultdict(list)
    for survey_id, role, text in (
        SurveyAnswer.objects.filter(question__survey_id__in=ids, question__kind=QuestionKind.TEXT)
        .exclude(text="")
        .values_list("question__survey_id", "invitation__role", "text")
    ):
        comments[(survey_id, role)].append(text)
    found: dict[int, list[dict]] = {pk: [] for pk in wanted}
    for s in surveys:
        groups = [
            _group(
                s,
                role,
                answered.get((s.pk, role), 0),
                questions[s.pk],
                counts,
                comments.get((s.pk, role), []),
                min_group,
            )
            for role in AudienceRole.values
            if (s.pk, role) in invited
        ]
        found[s.program_id].append(
            {
                "survey_id": s.pk,
                "kind": s.kind,
                "kind_label": s.get_kind_display(),
                "opens_on": s.opens_on,
                "closes_on": s.closes_on,
                "status": s.status,
                "status_label": s.get_status_display(),
                "invited": sum(n for (sid, _), n in invited.items() if sid == s.pk),
                # None while a group is hidden: the total minus the shown groups would be its size.
                "answered": _total_answered(
                    [answered.get((s.pk, g["role"]), 0) for g in groups], min_group
                ),
                "groups": groups,
            }
        )
    return found


def _total_answered(per_group: list[int], min_group: int = MIN_GROUP) -> int | None:
    """The answers of every group together, or None when a group's own count is hidden."""
    return sum(per_group) if all(n >= min_group for n in per_group) else None


def _group(
    survey: Survey,
    role: str,
    n: int,
    questions: list[SurveyQuestion],
    counts: dict,
    comments: list[str],
    min_group: int,
) -> dict:
    base = {"role": role, "role_label": AudienceRole(role).label}
    if n < min_group:
        return {**base, "hidden": True, "answers": None, "questions": [], "comments": []}
    rows = []
    for q in questions:
        dist = {
            level: counts.get((survey.pk, role, q.pk), {}).get(level, 0) for level in range(1, 6)
        }
        total = sum(dist.values())
        average = round(sum(k * v for k, v in dist.items()) / total, 2) if total else None
        rows.append(
            {
                "question_id": q.pk,
                "text": q.text,
                "answers": total,
                "average": average,
                "distribution": dist,
            }
        )
    return {**base, "hidden": False, "answers": n, "questions": rows, "comments": sorted(comments)}


def surveys_with_counts(program: Program) -> list[Survey]:
    """The program's surveys with invited, refused and answered counts. `answered` is None
    while a group's answers are hidden on the results page (see `survey_results`)."""
    done = Q(invitations__answered_at__isnull=False)
    per_role = {}
    for role in AudienceRole.values:
        per_role[f"invited_{role}"] = Count("invitations", filter=Q(invitations__role=role))
        per_role[f"answered_{role}"] = Count("invitations", filter=done & Q(invitations__role=role))
    surveys = list(
        Survey.objects.filter(program=program)
        .annotate(
            invited=Count("invitations"),
            refused=Count("invitations", filter=~Q(invitations__email_error="")),
            **per_role,
        )
        .order_by("opens_on", "id")
    )
    for s in surveys:
        s.answered = _total_answered(
            [
                getattr(s, f"answered_{role}")
                for role in AudienceRole.values
                if getattr(s, f"invited_{role}")
            ]
        )
    return surveys


def rounds_with_counts(program: Program) -> QuerySet[AssessmentRound]:
    return (
        AssessmentRound.objects.filter(program=program)
        .annotate(
            requested=Count("requests"),
            completed=Count("requests", filter=Q(requests__completed_at__isnull=False)),
            refused=Count("requests", filter=~Q(requests__email_error="")),
        )
        .order_by("due_on", "id")
    )


def pending_invitations(user, *, today: date | None = None) -> QuerySet[SurveyInvitation]:
    today = today or timezone.localdate()
    return (
        SurveyInvitation.objects.filter(
            user=user,
            answered_at__isnull=True,
            sent_at__isnull=False,
            survey__closes_on__gte=today,
        )
        .select_related("survey__program")
        .order_by("survey__closes_on", "pk")
    )


def pending_requests(user) -> QuerySet[AssessmentRequest]:
    return (
        AssessmentRequest.objects.filter(
            rater=user, completed_at__isnull=True, sent_at__isnull=False
        )
        .select_related("round__program", "mentee")
        .order_by("round__due_on", "pk")
    )


def sought_skills(request: AssessmentRequest) -> list[EnrolmentSkill]:
    """The skills the mentee seeks in this program: what every rater scores."""
    return list(
        EnrolmentSkill.objects.filter(
            enrolment__program_id=request.round.program_id, enrolment__user_id=request.mentee_id
        )
        .select_related("skill")
        .order_by("skill__category", "skill__name")
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
        "level",
        "skill_id",
        "skill__name",
        "skill__category",
        "request__mentee_id",
        "request__rater_role",
        "request__round__program_id",
        "request__round__kind",
        "request__round__due_on",
        "request__round_id",
    ).order_by("request__round__due_on", "request__round_id", "request_id"):
        key = (
            r["request__round__program_id"],
            r["request__mentee_id"],
            r["skill_id"],
            r["request__rater_role"],
        )
        row = rows.setdefault(
            key,
            {
                "program_id": key[0],
                "mentee_id": key[1],
                "skill_id": key[2],
                "skill_name": r["skill__name"],
                "skill_category": r["skill__category"],
                "rater_role": key[3],
                "baseline_level": None,
                "baseline_on": None,
                "latest_level": None,
                "latest_on": None,
                "latest_kind": None,
                "change": None,
            },
        )
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


# One row per (program, mentee, skill, rater role): the change from the earliest baseline
# rating to the latest later one. Each rating is coded as ((round's rank in date order) * 2³¹ +
# request id) * 8 + level, so MIN/MAX of the code pick the earliest/latest rating (two raters
# of the same role in one round: the later request counts as later) and code % 8 is its level
# (levels are 1-5). Portable SQL: runs on PostgreSQL and on the SQLite demo database.
_CHANGES_SQL = """
WITH ranked AS (
    SELECT id, program_id, kind, ROW_NUMBER() OVER (ORDER BY due_on, id) AS n
    FROM {round} WHERE program_id IN ({programs})
), coded AS (
    SELECT ranked.program_id, request.mentee_id, rating.skill_id, request.rater_role,
        MIN(CASE WHEN ranked.kind = %s
            THEN (ranked.n * 2147483648 + request.id) * 8 + rating.level END) AS first_code,
        MAX(CASE WHEN ranked.kind <> %s
            THEN (ranked.n * 2147483648 + request.id) * 8 + rating.level END) AS last_code
    FROM {rating} rating
    JOIN {request} request ON request.id = rating.request_id
    JOIN ranked ON ranked.id = request.round_id
    WHERE request.completed_at IS NOT NULL
    GROUP BY ranked.program_id, request.mentee_id, rating.skill_id, request.rater_role
)
SELECT program_id, mentee_id, skill_id, rater_role, (last_code %% 8) - (first_code %% 8)
FROM coded WHERE first_code IS NOT NULL AND last_code IS NOT NULL
"""


def skill_changes(program_ids: Iterable[int]) -> list[tuple[int, int, int, str, int]]:
    """(program, mentee, skill, rater role, change) for every pair with a baseline and a later
    rating, in these programs: the figures of `skill_growth_rows`, computed in the database
    (one query) because the dashboards read them for whole organisations.
    """
    ids = [int(pk) for pk in program_ids]
    if not ids:
        return []
    sql = _CHANGES_SQL.format(
        round=AssessmentRound._meta.db_table,
        rating=SkillRating._meta.db_table,
        request=AssessmentRequest._meta.db_table,
        programs=", ".join(["%s"] * len(ids)),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids, RoundKind.BASELINE.value, RoundKind.BASELINE.value])
        return cursor.fetchall()
