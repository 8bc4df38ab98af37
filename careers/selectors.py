"""Reads for careers: roles with their requirements, current levels, gaps, plans, evidence."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from mentorships.models import Mentorship
from mentorships.selectors import suggested_checkpoints
from people.models import User
from programs.models import Enrolment, EnrolmentRole, EnrolmentSkill, Program, Skill

from . import gap as gaps
from .models import (
    AssessmentCheck,
    CareerPath,
    ChecklistItem,
    Evidence,
    ProgramCareers,
    RoleSkill,
    TargetRole,
    WorkRole,
)


def roles_listing(q: str = "") -> QuerySet[WorkRole]:
    qs = WorkRole.objects.annotate(skill_count=Count("requirements", distinct=True))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs.order_by("family", "title")


def role_detail(pk: int) -> WorkRole:
    try:
        return (
            WorkRole.objects.prefetch_related(
                Prefetch("requirements", RoleSkill.objects.select_related("skill")),
                Prefetch("paths_out", CareerPath.objects.select_related("to_role")),
                Prefetch("paths_in", CareerPath.objects.select_related("from_role")),
            )
        ).get(pk=pk)
    except WorkRole.DoesNotExist:
        raise Http404("No such role.") from None


def requirements_of(role_ids) -> dict[int, list[gaps.Requirement]]:
    found: dict[int, list[gaps.Requirement]] = defaultdict(list)
    for role_id, skill_id, name, level in RoleSkill.objects.filter(
        role_id__in=role_ids
    ).values_list("role_id", "skill_id", "skill__name", "level"):
        found[role_id].append(gaps.Requirement(skill_id, name, level))
    return found


def items_for(skill_ids) -> list[gaps.Item]:
    return [
        gaps.Item(pk, skill_id, level, text)
        for pk, skill_id, level, text in ChecklistItem.objects.filter(
            skill_id__in=list(skill_ids)
        ).values_list("pk", "skill_id", "level", "text")
    ]


def current_levels(user_ids) -> dict[int, dict[int, int]]:
    """user -> skill -> current level (gap.current_level): the latest completed assessment by
    the mentor, else the latest self-assessment, else the level the person declared when
    enrolling as a mentee. Two queries whatever the number of people.

    The assessments are the feedback app's rows, read here through the user's relations.
    """
    user_ids = list(user_ids)
    latest: dict[tuple[int, int, str], tuple] = {}
    rows = User.objects.filter(pk__in=user_ids).values_list(
        "pk",
        "assessments_about__rater_role",
        "assessments_about__completed_at",
        "assessments_about__ratings__skill_id",
        "assessments_about__ratings__level",
    )
    for user_id, role, completed_at, skill_id, level in rows:
        if completed_at is None or skill_id is None:
            continue
        key = (user_id, skill_id, role)
        if key not in latest or latest[key][0] < completed_at:
            latest[key] = (completed_at, level)
    declared: dict[tuple[int, int], int] = {}
    for user_id, skill_id, level in EnrolmentSkill.objects.filter(
        enrolment__user_id__in=user_ids, enrolment__role=EnrolmentRole.MENTEE
    ).values_list("enrolment__user_id", "skill_id", "level"):
        declared[user_id, skill_id] = max(level, declared.get((user_id, skill_id), 0))
    skills_of: dict[int, set[int]] = defaultdict(set)
    for user_id, skill_id, _role in latest:
        skills_of[user_id].add(skill_id)
    for user_id, skill_id in declared:
        skills_of[user_id].add(skill_id)
    out: dict[int, dict[int, int]] = {u: {} for u in user_ids}
    for user_id, skills in skills_of.items():
        for skill_id in skills:
            out[user_id][skill_id] = gaps.current_level(
                mentor_rating=latest.get((user_id, skill_id, "mentor"), (None, None))[1],
                self_rating=latest.get((user_id, skill_id, "mentee"), (None, None))[1],
                declared=declared.get((user_id, skill_id)),
            )
    return out


def evidenced_items(user_ids) -> dict[int, set[int]]:
    """user -> checklist items shown: evidence their mentor confirmed, or met in an assessment
    by their mentor."""
    found: dict[int, set[int]] = defaultdict(set)
    for user_id, item_id in Evidence.objects.filter(
        mentorship__mentee_id__in=list(user_ids), item__isnull=False, confirmed_at__isnull=False
    ).values_list("mentorship__mentee_id", "item_id"):
        found[user_id].add(item_id)
    for user_id, item_id in AssessmentCheck.objects.filter(
        request__mentee_id__in=list(user_ids),
        request__rater_role="mentor",
        request__completed_at__isnull=False,
        met=True,
    ).values_list("request__mentee_id", "item_id"):
        found[user_id].add(item_id)
    return found


def person_gap(user_id: int, role: WorkRole) -> gaps.Gap:
    requirements = requirements_of([role.pk])[role.pk]
    items = items_for({r.skill_id for r in requirements})
    return gaps.compute_gap(
        requirements,
        current_levels([user_id])[user_id],
        items,
        evidenced_items([user_id])[user_id],
    )


def mentee_enrolment(mentorship: Mentorship) -> Enrolment | None:
    return (
        Enrolment.objects.filter(program_id=mentorship.program_id, user_id=mentorship.mentee_id)
        .select_related("target_role__role")
        .first()
    )


def program_careers(program: Program) -> ProgramCareers | None:
    return ProgramCareers.objects.filter(program=program).select_related("default_role").first()


def target_for(enrolment: Enrolment | None, settings: ProgramCareers | None) -> WorkRole | None:
    """The mentee's own choice, else the program's default."""
    if enrolment is not None:
        try:
            return enrolment.target_role.role
        except TargetRole.DoesNotExist:
            pass
    return settings.default_role if settings is not None else None


def plan_dates(mentorship: Mentorship, *, today: date | None = None) -> list[date]:
    """The milestone dates on the program's cadence; the program's end when none is left."""
    dates = suggested_checkpoints(mentorship, today=today)
    return dates or [mentorship.program.end_date]


def evidence_of(mentorship: Mentorship) -> dict[str, dict[int, Evidence]]:
    by_item: dict[int, Evidence] = {}
    by_milestone: dict[int, Evidence] = {}
    for e in Evidence.objects.filter(mentorship=mentorship).select_related("checkin"):
        if e.item_id:
            by_item[e.item_id] = e
        else:
            by_milestone[e.milestone_id] = e
    return {"items": by_item, "milestones": by_milestone}


def evidence_for_participant_or_404(user, pk: int) -> Evidence:
    evidence = Evidence.objects.select_related("mentorship__program").filter(pk=pk).first()
    if evidence is None or not evidence.mentorship.is_participant(user):
        raise Http404("No such evidence.")
    return evidence


def role_choices() -> list[tuple[int, str]]:
    return list(WorkRole.objects.order_by("title").values_list("pk", "title"))


def skills_by_lower_name() -> dict[str, Skill]:
    return {s.name.lower(): s for s in Skill.objects.all()}


def export_data() -> tuple[list[dict], list[dict], list[dict]]:
    needs = requirements_of(WorkRole.objects.values("pk"))
    roles = [
        {
            "title": r.title,
            "family": r.family,
            "description": r.description,
            "skills": [{"skill": n.name, "level": n.level} for n in needs.get(r.pk, [])],
        }
        for r in WorkRole.objects.order_by("family", "title")
    ]
    checklist = [
        {"skill": skill, "level": level, "text": text}
        for skill, level, text in ChecklistItem.objects.order_by(
            "skill__name", "level", "id"
        ).values_list("skill__name", "level", "text")
    ]
    paths = [
        {"from": a, "to": b}
        for a, b in CareerPath.objects.order_by("from_role__title", "to_role__title").values_list(
            "from_role__title", "to_role__title"
        )
    ]
    return roles, checklist, paths


# --- for other apps: matching, metrics ---------------------------------------------------------


def gap_sought_skills(program: Program, enrolments: list[Enrolment]) -> dict[int, list[tuple]]:
    """For a program whose matching reads the gap: enrolment id -> [(skill id, skill name,
    current level, required level)] for each skill of the mentee's gap to their target role.
    Empty when the program doesn't use it. A constant number of queries."""
    settings = program_careers(program)
    if settings is None or not settings.gap_as_sought_skills:
        return {}
    targets = dict(
        TargetRole.objects.filter(enrolment__in=[e.pk for e in enrolments]).values_list(
            "enrolment_id", "role_id"
        )
    )
    role_of = {
        e.pk: targets.get(e.pk, settings.default_role_id)
        for e in enrolments
        if targets.get(e.pk, settings.default_role_id)
    }
    needs = requirements_of(set(role_of.values()))
    levels = current_levels({e.user_id for e in enrolments if e.pk in role_of})
    out: dict[int, list[tuple]] = {}
    for e in enrolments:
        if e.pk not in role_of:
            continue
        found = gaps.compute_gap(needs.get(role_of[e.pk], []), levels.get(e.user_id, {}))
        out[e.pk] = [(g.skill_id, g.name, g.current, g.required) for g in found.skills]
    return out


def target_progress(program_ids) -> list[tuple[int, int, int, int, int, int]]:
    """(program, mentee, met at start, required at start, met now, required now) per mentee
    with a target role."""
    rows = list(
        TargetRole.objects.filter(enrolment__program_id__in=list(program_ids)).values_list(
            "enrolment__program_id",
            "enrolment__user_id",
            "role_id",
            "met_at_start",
            "required_at_start",
        )
    )
    needs = requirements_of({r[2] for r in rows})
    levels = current_levels({r[1] for r in rows})
    out = []
    for program_id, user_id, role_id, met0, req0 in rows:
        met, req = gaps.share_met(needs.get(role_id, []), levels.get(user_id, {}))
        out.append((program_id, user_id, met0, req0, met, req))
    return out


def path_moves() -> set[tuple[str, str]]:
    """The career paths as (from title, to title), lower-case."""
    return {
        (a.lower(), b.lower())
        for a, b in CareerPath.objects.values_list("from_role__title", "to_role__title")
    }


def roles_requiring() -> dict[int, int]:
    """skill id -> the number of roles requiring it."""
    return dict(
        RoleSkill.objects.values("skill_id")
        .annotate(n=Count("role_id"))
        .values_list("skill_id", "n")
    )


def assessment_items(request) -> list[ChecklistItem]:
    """The checklist items of the assessed mentee's target role in the round's program."""
    enrolment = (
        Enrolment.objects.filter(program_id=request.round.program_id, user_id=request.mentee_id)
        .select_related("target_role")
        .first()
    )
    role = target_for(enrolment, program_careers(request.round.program))
    if role is None:
        return []
    needs = requirements_of([role.pk])[role.pk]
    ids = [i.id for i in gaps.role_items(needs, items_for({n.skill_id for n in needs}))]
    return list(ChecklistItem.objects.filter(pk__in=ids).select_related("skill"))
