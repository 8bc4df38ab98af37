"""Reads for the learning library, suggestions and certification goals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Q, QuerySet
from django.http import Http404

from core.compiled import compiled_objects, compiled_rows
from mentorships.models import LIVE_STATUSES, Goal, GoalStatus, Mentorship
from programs.models import EnrolmentSkill, Skill

from .models import (
    Certification,
    CertificationGoal,
    ExamResult,
    Resource,
    ResourceCompletion,
)

# Suggestions not yet done, per skill: enough to choose from, not a wall.
SUGGESTED_PER_SKILL = 3
CLOSED_GOALS = (GoalStatus.ACHIEVED, GoalStatus.DROPPED)


def resource_search(*, q: str = "", skill_id: int | None = None, kind: str = "") -> QuerySet:
    qs = Resource.objects.select_related("skill")
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(provider__icontains=q) | Q(skill__name__icontains=q)
        )
    if skill_id:
        qs = qs.filter(skill_id=skill_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("skill__name", "level", "title", "id")


def certification_search(*, q: str = "") -> QuerySet:
    qs = Certification.objects.all()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(issuer__icontains=q))
    return qs.order_by("name", "id")


def skills_by_name() -> dict[str, int]:
    return {name.lower(): pk for pk, name in Skill.objects.values_list("pk", "name")}


def suitable_levels(current: int | None, target: int | None) -> tuple[int, int]:
    """The resource levels suggested to someone at `current` aiming at `target` (1–5 scale):
    from their level to their target (one above their level without a target); everything
    when their level is unknown."""
    if current is None:
        return 1, 5
    return current, max(current, min(target or current + 1, 5))


@dataclass
class SkillSuggestions:
    skill: Skill
    levels: tuple[int, int]
    items: list[dict] = field(default_factory=list)  # {"resource", "done_by": [names], "mine"}


def suggestions(
    mentorship: Mentorship,
    viewer,
    *,
    skill_ids: list[int] | None = None,
    goals: list[Goal] | None = None,
) -> list:
    """Resources for the skills the pair's open goals touch, at the mentee's level for each
    skill (their enrolment in the program). Resources either of them has done come first,
    with who did them. Five queries whatever the number of goals, skills or resources; four
    given `goals` (the pair's goals with their skills prefetched, as the page read them), none
    when those touch no skill; three, their SQL built once, given the goals the mentorship
    page lists (`mentorships.selectors.detail_goals`)."""
    if skill_ids is None and goals is not None:
        if all(hasattr(g, "skill_list") for g in goals):
            return _page_suggestions(mentorship, viewer, goals)
        skill_ids = sorted(
            {s.pk for g in goals if g.status not in CLOSED_GOALS for s in _goal_skills(g)}
        )
    if skill_ids is None:
        skill_ids = sorted(
            set(
                # The pair's open goals' skills: one condition on one goal (an exclude on the
                # relation would drop a skill any closed goal of anyone's names).
                Skill.objects.filter(
                    goals__in=Goal.objects.filter(mentorship=mentorship).exclude(
                        status__in=CLOSED_GOALS
                    )
                ).values_list("pk", flat=True)
            )
        )
    if not skill_ids:
        return []
    skills = {s.pk: s for s in Skill.objects.filter(pk__in=skill_ids)}
    levels = {
        skill_id: suitable_levels(level, target)
        for skill_id, level, target in EnrolmentSkill.objects.filter(
            enrolment__program_id=mentorship.program_id,
            enrolment__user_id=mentorship.mentee_id,
            skill_id__in=skill_ids,
        ).values_list("skill_id", "level", "target_level")
    }
    completions = ResourceCompletion.objects.filter(
        mentorship=mentorship, resource__skill_id__in=skill_ids
    ).select_related("user")
    resources = Resource.objects.filter(skill_id__in=skill_ids).order_by("level", "title", "id")
    return _suggested(viewer, skills, levels, completions, resources)


def _suggested(viewer, skills: dict, levels: dict, completions, resources) -> list:
    """The blocks of suggestions from what was read: the skills by id, the mentee's levels by
    skill id, the pair's completions (in their order), the skills' resources (in level,
    title, id order)."""
    done: dict[int, list] = defaultdict(list)
    for c in completions:
        done[c.resource_id].append(c.user)
    found = []
    per_skill: dict[int, list[Resource]] = defaultdict(list)
    for r in resources:
        per_skill[r.skill_id].append(r)
    for skill_id in sorted(skills, key=lambda pk: skills[pk].name.lower()):
        low, high = levels.get(skill_id, (1, 5))
        block = SkillSuggestions(skills[skill_id], (low, high))
        fresh = 0
        for r in per_skill.get(skill_id, []):
            people = done.get(r.pk, [])
            if not people:
                if not low <= r.level <= high or fresh >= SUGGESTED_PER_SKILL:
                    continue
                fresh += 1
            block.items.append(
                {
                    "resource": r,
                    "done_by": people,
                    "mine": any(u.pk == viewer.pk for u in people),
                }
            )
        block.items.sort(key=lambda i: (not i["done_by"], i["resource"].level))
        if block.items:
            found.append(block)
    return found


def _page_suggestions(mentorship: Mentorship, viewer, goals: list[Goal]) -> list:
    """`suggestions` for the goals the mentorship page listed, with their skills: the same
    reads for every skill the pair's goals name (a handful of rows), their SQL built once,
    each kept for the open goals' skills."""
    skills = {s.pk: s for g in goals if g.status not in CLOSED_GOALS for s in g.skill_list}
    if not skills:
        return []
    levels = {
        skill_id: suitable_levels(level, target)
        for skill_id, level, target in _mentee_levels(mentorship.program_id, mentorship.mentee_id)
        if skill_id in skills
    }
    completions = _pair_completions(mentorship.pk)
    resources = [r for r in _goal_skill_resources(mentorship.pk) if r.skill_id in skills]
    return _suggested(viewer, skills, levels, completions, resources)


@compiled_rows
def _mentee_levels(program_id: int, mentee_id: int) -> QuerySet:
    return EnrolmentSkill.objects.filter(
        enrolment__program_id=program_id, enrolment__user_id=mentee_id
    ).values_list("skill_id", "level", "target_level")


@compiled_objects
def _pair_completions(mentorship_id: int) -> QuerySet[ResourceCompletion]:
    # A completion of a resource of no listed skill is never looked up.
    return ResourceCompletion.objects.filter(mentorship_id=mentorship_id).select_related("user")


@compiled_objects
def _goal_skill_resources(mentorship_id: int) -> QuerySet[Resource]:
    named = Goal.skills.through.objects.filter(goal__mentorship_id=mentorship_id)
    return Resource.objects.filter(skill_id__in=named.values("skill_id")).order_by(
        "level", "title", "id"
    )


def _goal_skills(goal: Goal) -> list:
    # As the mentorship page listed them (`mentorships.selectors.detail_goals`), or prefetched.
    listed = getattr(goal, "skill_list", None)
    return listed if listed is not None else list(goal.skills.all())


def certification_goals(
    mentorship: Mentorship, *, goals: list[Goal] | None = None
) -> list[CertificationGoal]:
    """The pair's certification goals with their exam results. `goals`: the pair's goals as
    the page read them; none means no certification goal either (each is one of them), and no
    query."""
    if goals is not None and not goals:
        return []
    found = _pair_certification_goals(mentorship.pk)
    if not found:
        return []
    results = defaultdict(list)
    for r in _pair_exam_results(mentorship.pk):
        results[r.certification_goal_id].append(r)
    for g in found:
        g.results = results[g.pk]
    return found


@compiled_objects
def _pair_certification_goals(mentorship_id: int) -> QuerySet[CertificationGoal]:
    return (
        CertificationGoal.objects.filter(goal__mentorship_id=mentorship_id)
        .select_related("certification", "goal")
        .order_by("-started_on", "-id")
    )


@compiled_objects
def _pair_exam_results(mentorship_id: int) -> QuerySet[ExamResult]:
    return ExamResult.objects.filter(
        certification_goal__goal__mentorship_id=mentorship_id
    ).order_by("taken_on", "id")


def certification_goal_for_user_or_404(user, pk: int) -> CertificationGoal:
    """The certification goal if `user` is one of the pair or an HR coordinator of the
    program; 404 for everyone else (its existence is the pair's business)."""
    found = (
        CertificationGoal.objects.select_related(
            "certification",
            "goal__mentorship__program",
            "goal__mentorship__mentor",
            "goal__mentorship__mentee",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None or not user.is_authenticated:
        raise Http404("No such certification goal.")
    m = found.goal.mentorship
    if m.is_participant(user):
        return found
    if m.program.is_coordinator(user):
        return found
    raise Http404("No such certification goal.")


def open_certification_goal(
    *, employee, certification: Certification, on: date
) -> CertificationGoal | None:
    """The person's most recent certification goal for `certification` that is still open
    (not attained, not dropped) and had started by `on`; None if there is none."""
    return (
        CertificationGoal.objects.filter(
            goal__mentorship__mentee=employee,
            certification=certification,
            attained_on__isnull=True,
            started_on__lte=on,
        )
        .exclude(goal__status=GoalStatus.DROPPED)
        .select_related("certification", "goal")
        .order_by("-started_on", "-id")
        .first()
    )


def open_certification_goals_coordinated_by(user, *, limit: int = 50) -> list[CertificationGoal]:
    """Open certification goals (not attained, not dropped) of live mentorships in the
    programs `user` coordinates, the `limit` with the soonest targets: where HR records a
    goal's exam. One query."""
    return list(
        CertificationGoal.objects.filter(
            attained_on__isnull=True,
            goal__mentorship__program__coordinators=user,
            goal__mentorship__status__in=LIVE_STATUSES,
        )
        .exclude(goal__status=GoalStatus.DROPPED)
        .select_related("certification", "goal__mentorship__mentee", "goal__mentorship__program")
        .order_by(F("goal__target_date").asc(nulls_last=True), "id")[:limit]
    )


def exam_rows() -> list[tuple]:
    """(employee, taken_on, passed, prepared_from) of every exam result, for the dashboards."""
    return list(
        ExamResult.objects.order_by().values_list(
            "employee_id", "taken_on", "passed", "prepared_from"
        )
    )


def exam_results() -> QuerySet:
    return ExamResult.objects.select_related("employee", "certification").order_by(
        "-taken_on", "-id"
    )
