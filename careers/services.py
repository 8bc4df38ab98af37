"""Writes for careers: the role library (form, import, starter data), target roles, the plan
proposed from a gap, evidence and its confirmation (docs/careers.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from audit.services import audit_record
from mentorships import services as mentorship_services
from mentorships.models import LIVE_STATUSES, Goal, Mentorship, Milestone
from people.models import User
from people.permissions import is_hr
from programs.models import Enrolment, Program, Skill

from . import gap as gaps
from . import library, selectors
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

STARTER_FILE = Path(__file__).resolve().parent / "data" / "starter_roles.json"


def _require_hr(by: User) -> None:
    if not is_hr(by):
        raise PermissionDenied("Only HR coordinators can change the role library.")


# --- the role library ----------------------------------------------------------------------


@dataclass
class ImportResult:
    errors: list[tuple[str, str]] = field(default_factory=list)
    roles_created: int = 0
    requirements: int = 0
    items_created: int = 0
    paths_created: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.roles_created} new role(s), {self.requirements} required skill(s) set, "
            f"{self.items_created} new checklist item(s), {self.paths_created} new career path(s)."
        )


def _check(rows: list[library.Row]) -> tuple[list[tuple[str, str]], dict[str, Skill], set[str]]:
    errors: list[tuple[str, str]] = []
    skills = selectors.skills_by_lower_name()
    known = {t.lower() for t in WorkRole.objects.values_list("title", flat=True)}
    titles = set(known)
    for row in rows:
        if row.kind in ("requirement", "role") and row.role:
            titles.add(row.role.lower())
    for row in rows:
        problems = []
        if row.kind not in (*library.KINDS, "role"):
            problems.append("the kind must be requirement, checklist or path")
        if row.kind in ("requirement", "role", "path"):
            if not row.role:
                problems.append("the role is missing")
            elif len(row.role) > 120:
                problems.append("the role's title is longer than 120 characters")
        if row.kind in ("requirement", "role") and library.family_of(row.family) is None:
            problems.append(
                f"“{row.family}” is not a family (use one of {library.families_hint()})"
            )
        if row.kind in ("requirement", "checklist"):
            if not row.skill:
                problems.append("the skill is missing")
            elif row.skill.lower() not in skills:
                problems.append(f"there is no skill called “{row.skill}” in the skills list")
            if library.level_of(row.level) is None:
                problems.append(f"the level must be a whole number from 1 to 5, not “{row.level}”")
        if row.kind == "checklist":
            if not row.text:
                problems.append("the checklist item's text is missing")
            elif len(row.text) > 200:
                problems.append("the checklist item is longer than 200 characters")
        if row.kind == "path":
            if not row.to_role:
                problems.append("the role it leads to is missing")
            elif row.to_role.lower() not in titles:
                problems.append(f"there is no role called “{row.to_role}”")
            elif row.role.lower() == row.to_role.lower():
                problems.append("a role can't lead to itself")
            if row.role and row.role.lower() not in titles:
                problems.append(f"there is no role called “{row.role}”")
        if problems:
            text = "; ".join(problems)
            errors.append((row.where, text[0].upper() + text[1:] + "."))
    return errors, skills, titles


def _apply(rows: list[library.Row], skills: dict[str, Skill], result: ImportResult) -> None:
    roles = {r.title.lower(): r for r in WorkRole.objects.all()}
    for row in rows:
        if row.kind not in ("requirement", "role"):
            continue
        key = row.role.lower()
        family = library.family_of(row.family)
        role = roles.get(key)
        if role is None:
            role = roles[key] = WorkRole.objects.create(
                title=row.role, family=family or "other", description=row.description
            )
            result.roles_created += 1
        elif (family and role.family != family) or (
            row.description and role.description != row.description
        ):
            role.family = family or role.family
            role.description = row.description or role.description
            role.save(update_fields=["family", "description", "updated_at"])
        if row.kind == "requirement":
            RoleSkill.objects.update_or_create(
                role=role,
                skill=skills[row.skill.lower()],
                defaults={"level": library.level_of(row.level)},
            )
            result.requirements += 1
    for row in rows:
        if row.kind == "checklist":
            skill = skills[row.skill.lower()]
            level = library.level_of(row.level)
            exists = ChecklistItem.objects.filter(
                skill=skill, level=level, text__iexact=row.text
            ).exists()
            if not exists:
                ChecklistItem.objects.create(skill=skill, level=level, text=row.text)
                result.items_created += 1
        elif row.kind == "path":
            _, created = CareerPath.objects.get_or_create(
                from_role=roles[row.role.lower()], to_role=roles[row.to_role.lower()]
            )
            result.paths_created += int(created)


def roles_import(*, content: str, fmt: str, by: User, source: str = "import") -> ImportResult:
    """Add or update roles, checklist items and paths from CSV or JSON. All or nothing: with any
    bad row nothing changes and every bad row is reported. Running it twice changes nothing."""
    _require_hr(by)
    rows, errors = library.parse(content, fmt)
    result = ImportResult(errors=list(errors))
    if not rows and not errors:
        result.errors.append(("File", "The file has no rows."))
    problems, skills, _titles = _check(rows)
    result.errors += problems
    if result.errors:
        return result
    try:
        with transaction.atomic():
            _apply(rows, skills, result)
            audit_record(
                actor=by, action=f"careers.roles_{source}", payload={"summary": result.summary()}
            )
    except IntegrityError:
        result = ImportResult(
            errors=[("File", "Someone changed the roles at the same time. Please try again.")]
        )
    return result


def starter_roles_load(*, by: User) -> ImportResult:
    """The starter library (careers/data/starter_roles.json). Loading it again adds only what
    is missing and resets the starter roles' required levels."""
    return roles_import(
        content=STARTER_FILE.read_text(encoding="utf-8"), fmt="json", by=by, source="starter"
    )


@transaction.atomic
def role_save(
    *, role: WorkRole | None, by: User, data: dict[str, Any], requirements: list[tuple[Skill, int]]
) -> WorkRole:
    _require_hr(by)
    title = " ".join((data.get("title") or "").split())
    if not title:
        raise ValidationError({"title": "Give the role a title."})
    clash = WorkRole.objects.annotate(t=Lower("title")).filter(t=title.lower())
    if role is not None:
        clash = clash.exclude(pk=role.pk)
    if clash.exists():
        raise ValidationError({"title": "There is already a role with this title."})
    seen = [s.pk for s, _ in requirements]
    if len(seen) != len(set(seen)):
        raise ValidationError("Each skill can be required once per role.")
    role = role or WorkRole()
    role.title = title
    role.family = data.get("family") or "other"
    role.description = data.get("description", "")
    role.save()
    RoleSkill.objects.filter(role=role).exclude(skill_id__in=seen).delete()
    for skill, level in requirements:
        RoleSkill.objects.update_or_create(role=role, skill=skill, defaults={"level": level})
    audit_record(actor=by, action="careers.role_saved", obj=role)
    return role


@transaction.atomic
def role_delete(*, role: WorkRole, by: User) -> None:
    _require_hr(by)
    audit_record(actor=by, action="careers.role_deleted", payload={"title": role.title})
    role.delete()


@transaction.atomic
def checklist_item_add(*, skill: Skill, level: int, text: str, by: User) -> ChecklistItem:
    _require_hr(by)
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError("Write what the person can show.")
    if not 1 <= int(level) <= 5:
        raise ValidationError("The level must be from 1 to 5.")
    if ChecklistItem.objects.filter(skill=skill, level=level, text__iexact=text).exists():
        raise ValidationError("This checklist item already exists.")
    return ChecklistItem.objects.create(skill=skill, level=level, text=text[:200])


@transaction.atomic
def checklist_item_delete(*, item: ChecklistItem, by: User) -> None:
    _require_hr(by)
    item.delete()


@transaction.atomic
def path_add(*, from_role: WorkRole, to_role: WorkRole, by: User) -> CareerPath:
    _require_hr(by)
    if from_role.pk == to_role.pk:
        raise ValidationError("A role can't lead to itself.")
    path, _ = CareerPath.objects.get_or_create(from_role=from_role, to_role=to_role)
    return path


@transaction.atomic
def path_delete(*, path: CareerPath, by: User) -> None:
    _require_hr(by)
    path.delete()


@transaction.atomic
def program_careers_save(
    *, program: Program, by: User, default_role: WorkRole | None, gap_as_sought_skills: bool
) -> ProgramCareers:
    if not program.is_coordinator(by):
        raise PermissionDenied("Only the program's coordinators can change this.")
    settings, _ = ProgramCareers.objects.update_or_create(
        program=program,
        defaults={"default_role": default_role, "gap_as_sought_skills": gap_as_sought_skills},
    )
    audit_record(actor=by, action="careers.program_settings", obj=settings, program=program)
    return settings


# --- a mentee's target role and plan -----------------------------------------------------------


@transaction.atomic
def target_role_set(*, enrolment: Enrolment, role: WorkRole, by: User) -> TargetRole:
    """The mentee (or the program's coordinator) sets the role they work towards. The share of
    its required skills met now is kept as the start of their progress."""
    if by.pk != enrolment.user_id and not enrolment.program.is_coordinator(by):
        raise PermissionDenied("Only the mentee or the program's coordinators can set this.")
    needs = selectors.requirements_of([role.pk])[role.pk]
    met, required = gaps.share_met(
        needs, selectors.current_levels([enrolment.user_id])[enrolment.user_id]
    )
    target, _ = TargetRole.objects.update_or_create(
        enrolment=enrolment,
        defaults={"role": role, "met_at_start": met, "required_at_start": required, "set_by": by},
    )
    return target


def _require_live(mentorship: Mentorship) -> None:
    if mentorship.status not in LIVE_STATUSES:
        raise ValidationError("This mentorship has ended: nothing more can be added.")


@transaction.atomic
def plan_accept(
    *,
    mentorship: Mentorship,
    by: User,
    role: WorkRole,
    plan: list[gaps.ProposedGoal],
    chosen: dict[int, str],
) -> list[Goal]:
    """Create the chosen goals of a proposed plan, with their milestones, through the
    mentorship's own goal services. `chosen`: skill id -> the goal's title as the pair edited
    it. A goal already in the mentorship for the same skill and title is not added twice."""
    if by.pk != mentorship.mentee_id:
        raise PermissionDenied("Goals belong to the mentee: only they can accept the plan.")
    _require_live(mentorship)
    # A double click waits for the first acceptance and then finds its goals already there.
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    skills = {s.pk: s for s in Skill.objects.filter(pk__in=list(chosen))}
    existing = set(
        Goal.objects.filter(mentorship=mentorship).values_list(Lower("title"), flat=True)
    )
    created = []
    for proposed in plan:
        title = " ".join((chosen.get(proposed.skill_id) or "").split())[:200]
        if proposed.skill_id not in chosen or not title or title.lower() in existing:
            continue
        goal = mentorship_services.goal_create(
            mentorship=mentorship,
            by=by,
            data={
                "title": title,
                "description": f"From the gap to {role.title}.",
                "success_measure": proposed.title,
                "target_date": proposed.target_date,
                "status": "not_started",
            },
            skills=[skills[proposed.skill_id]] if proposed.skill_id in skills else [],
        )
        if proposed.milestones:
            mentorship_services.milestones_add(goal=goal, by=by, rows=proposed.milestones)
        existing.add(title.lower())
        created.append(goal)
    if not created:
        raise ValidationError("Choose at least one goal that isn't already in your plan.")
    return created


# --- evidence --------------------------------------------------------------------------------


@transaction.atomic
def evidence_submit(
    *,
    mentorship: Mentorship,
    by: User,
    item: ChecklistItem | None = None,
    milestone: Milestone | None = None,
    link: str = "",
    note: str = "",
    checkin_id: int | None = None,
) -> Evidence:
    """The mentee shows a checklist item or a milestone done; the mentor then confirms it.
    A milestone is also marked done (the mentorship's own service)."""
    if not mentorship.is_participant(by):
        raise PermissionDenied("Only the two people in this mentorship can do this.")
    if by.pk != mentorship.mentee_id:
        raise PermissionDenied("The mentee logs evidence; the mentor confirms it.")
    _require_live(mentorship)
    if (item is None) == (milestone is None):
        raise ValidationError("Evidence is for one checklist item or one milestone.")
    if milestone is not None and milestone.goal.mentorship_id != mentorship.pk:
        raise PermissionDenied("This milestone belongs to another mentorship.")
    link, note = (link or "").strip(), (note or "").strip()
    if not link and not note and not checkin_id:
        raise ValidationError("Add a link, a note or the check-in it came from.")
    if checkin_id and not mentorship.checkins.filter(pk=checkin_id).exists():
        raise ValidationError("Choose one of your own check-ins.")
    already = ValidationError("Evidence is already logged for this.")
    if Evidence.objects.filter(mentorship=mentorship, item=item, milestone=milestone).exists():
        raise already
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                mentorship=mentorship,
                item=item,
                milestone=milestone,
                link=link,
                note=note,
                checkin_id=checkin_id or None,
                submitted_by=by,
            )
    except IntegrityError:  # the same evidence sent twice at once: one row
        raise already from None
    if milestone is not None and milestone.done_at is None:
        mentorship_services.milestone_mark_done(
            milestone=milestone, by=by, evidence=" ".join(p for p in (link, note) if p)
        )
    return evidence


@transaction.atomic
def evidence_confirm(*, evidence: Evidence, by: User) -> Evidence:
    if by.pk != evidence.mentorship.mentor_id:
        raise PermissionDenied("Only the mentor of this mentorship confirms evidence.")
    _require_live(evidence.mentorship)
    claimed = Evidence.objects.filter(pk=evidence.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=by
    )
    if not claimed:
        raise ValidationError("This evidence is already confirmed.")
    evidence.refresh_from_db()
    return evidence


@transaction.atomic
def assessment_checks_save(*, request, by: User, met_ids: set[int], item_ids: list[int]) -> None:
    """With an assessment, which checklist items the rater saw met (feedback calls this)."""
    if by.pk != request.rater_id:
        raise PermissionDenied("Only the rater of this assessment can answer it.")
    AssessmentCheck.objects.bulk_create(
        [AssessmentCheck(request=request, item_id=i, met=i in met_ids) for i in item_ids],
        ignore_conflicts=True,
    )
