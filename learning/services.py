"""Writes for the learning library, resource completions and certification goals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from audit.services import audit_record
from mentorships import services as mentorship_services
from mentorships.models import Goal, GoalStatus, Mentorship, Milestone
from mentorships.selectors import require_participant
from people.models import User
from people.permissions import is_hr

from . import resource_import, schedule, selectors
from .models import (
    Certification,
    CertificationGoal,
    ExamResult,
    Resource,
    ResourceCompletion,
)

RESOURCE_FIELDS = ("skill", "title", "provider", "url", "kind", "level")
CERTIFICATION_FIELDS = ("name", "issuer", "objectives", "url")
# A certification goal's target: after today, within three years.
MAX_TARGET_DAYS = 3 * 365


def _require_hr(by: User) -> None:
    if not is_hr(by):
        raise PermissionDenied("Only HR coordinators curate learning resources and certifications.")


# --- the resource library -------------------------------------------------------------------


def _resource_save(resource: Resource, data: dict[str, Any]) -> Resource:
    for name in RESOURCE_FIELDS:
        if name in data:
            setattr(resource, name, data[name])
    try:
        with transaction.atomic():
            resource.save()
    except IntegrityError:
        raise ValidationError("This skill already has a resource with this link.") from None
    return resource


@transaction.atomic
def resource_create(*, data: dict[str, Any], by: User) -> Resource:
    _require_hr(by)
    return _resource_save(Resource(created_by=by), data)


@transaction.atomic
def resource_update(*, resource: Resource, data: dict[str, Any], by: User) -> Resource:
    _require_hr(by)
    return _resource_save(resource, data)


@transaction.atomic
def resource_delete(*, resource: Resource, by: User) -> None:
    """Deletes it and who had done it (the completions mean nothing without it)."""
    _require_hr(by)
    audit_record(
        actor=by, action="learning.resource.deleted", payload={"title": resource.title[:200]}
    )
    resource.delete()


@dataclass
class ImportResult:
    created: int
    updated: int
    errors: list
    row_count: int

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def resources_import(*, data: bytes, by: User) -> ImportResult:
    """All or nothing: with any bad row nothing is saved. A row whose skill and link are already
    in the library updates that resource. Raises resource_import.FileError for a file that
    can't be read at all."""
    _require_hr(by)
    checked = resource_import.check(data, skills_by_name=selectors.skills_by_name())
    if checked.errors:
        return ImportResult(0, 0, checked.errors, checked.row_count)
    existing = {
        (r.skill_id, r.url.lower()): r
        for r in Resource.objects.filter(skill_id__in={row["skill_id"] for row in checked.rows})
    }
    new, changed = [], []
    for row in checked.rows:
        found = existing.get((row["skill_id"], row["url"].lower()))
        if found is None:
            new.append(Resource(created_by=by, **row))
        else:
            for name in ("title", "provider", "kind", "level"):
                setattr(found, name, row[name])
            found.updated_at = timezone.now()
            changed.append(found)
    Resource.objects.bulk_create(new, batch_size=500)
    Resource.objects.bulk_update(
        changed, ["title", "provider", "kind", "level", "updated_at"], batch_size=500
    )
    audit_record(
        actor=by,
        action="learning.resources.imported",
        payload={"created": len(new), "updated": len(changed), "rows": checked.row_count},
    )
    return ImportResult(len(new), len(changed), [], checked.row_count)


@transaction.atomic
def resource_mark_done(*, resource: Resource, mentorship: Mentorship, by: User) -> None:
    """One of the pair has done it; marking it twice changes nothing."""
    require_participant(mentorship, by)
    ResourceCompletion.objects.get_or_create(resource=resource, mentorship=mentorship, user=by)


@transaction.atomic
def resource_mark_not_done(*, resource: Resource, mentorship: Mentorship, by: User) -> None:
    require_participant(mentorship, by)
    ResourceCompletion.objects.filter(resource=resource, mentorship=mentorship, user=by).delete()


# --- the certification catalogue ------------------------------------------------------------


def _certification_save(
    certification: Certification, data: dict[str, Any], skills
) -> Certification:
    for name in CERTIFICATION_FIELDS:
        if name in data:
            setattr(certification, name, data[name])
    if not certification.objective_list:
        raise ValidationError("List at least one exam objective, one per line.")
    try:
        with transaction.atomic():
            certification.save()
    except IntegrityError:
        raise ValidationError(
            "A certification with this name is already in the catalogue."
        ) from None
    certification.skills.set(skills)
    return certification


@transaction.atomic
def certification_create(*, data: dict[str, Any], skills, by: User) -> Certification:
    _require_hr(by)
    return _certification_save(Certification(), data, skills)


@transaction.atomic
def certification_update(
    *, certification: Certification, data: dict[str, Any], skills, by: User
) -> Certification:
    _require_hr(by)
    return _certification_save(certification, data, skills)


@transaction.atomic
def certification_delete(*, certification: Certification, by: User) -> None:
    """Refused once a pair prepares for it or an exam result names it: those stay readable."""
    _require_hr(by)
    try:
        with transaction.atomic():
            certification.skills.clear()
            certification.delete()
    except ProtectedError:
        raise ValidationError(
            "Pairs prepare for this certification or exam results name it: it stays in the "
            "catalogue. Edit it instead."
        ) from None
    audit_record(
        actor=by, action="learning.certification.deleted", payload={"name": certification.name}
    )


# --- certification goals --------------------------------------------------------------------


@transaction.atomic
def certification_goal_create(
    *, mentorship: Mentorship, certification: Certification, target_date: date, by: User
) -> CertificationGoal:
    """A goal (through the mentorship's goal services: the mentee's) whose milestones are the
    exam objectives, spread evenly up to the target date, then the exam on that date."""
    today = timezone.localdate()
    if target_date <= today:
        raise ValidationError("The target date must be after today.")
    if target_date > today + timedelta(days=MAX_TARGET_DAYS):
        raise ValidationError("The target date must be within three years.")
    if CertificationGoal.objects.filter(
        goal__mentorship=mentorship, certification=certification, attained_on__isnull=True
    ).exists():
        raise ValidationError("You are already preparing for this certification together.")
    goal = mentorship_services.goal_create(
        mentorship=mentorship,
        by=by,
        data={
            "title": f"Certification: {certification.name}"[:200],
            "description": f"Prepare for and pass the {certification.name} exam "
            f"({certification.issuer}).",
            "success_measure": "The exam is passed.",
            "target_date": target_date,
            "status": GoalStatus.IN_PROGRESS,
        },
        skills=list(certification.skills.all()),
    )
    objectives = certification.objective_list
    dates = schedule.spread(today, target_date, len(objectives))
    rows = [(title[:200], due) for title, due in zip(objectives, dates, strict=False)]
    rows.append((f"Sit the {certification.name} exam"[:200], target_date))
    mentorship_services.milestones_add(goal=goal, by=by, rows=rows)
    return CertificationGoal.objects.create(
        goal=goal, certification=certification, started_on=today
    )


def _may_record(certification_goal: CertificationGoal, by: User) -> bool:
    m = certification_goal.goal.mentorship
    return m.is_participant(by) or m.program.is_coordinator(by)


@transaction.atomic
def exam_result_record(
    *,
    certification: Certification,
    employee: User,
    taken_on: date,
    passed: bool,
    by: User,
    certification_goal: CertificationGoal | None = None,
    prepared_from: date | None = None,
) -> ExamResult:
    """One exam sitting. On a certification goal (its pair or its program's HR): a pass
    achieves the goal and ticks its exam milestone. Otherwise HR records it for anyone; when
    that person has an open goal for the certification (started by the exam date), the result
    is that goal's, as if recorded on it. The outcome event of a pass is recorded by the caller
    (metrics.services)."""
    if certification_goal is not None:
        if not _may_record(certification_goal, by):
            raise PermissionDenied("Only the pair or their program's HR record this exam.")
        employee = certification_goal.goal.mentorship.mentee
        certification = certification_goal.certification
        prepared_from = certification_goal.started_on
    elif not is_hr(by):
        raise PermissionDenied("Only HR coordinators record exam results for anyone.")
    else:
        # HR's result for someone preparing on a certification goal is that goal's exam: a
        # pass closes the goal as it does when the pair records it.
        certification_goal = selectors.open_certification_goal(
            employee=employee, certification=certification, on=taken_on
        )
        if certification_goal is not None and prepared_from is None:
            prepared_from = certification_goal.started_on
    if taken_on > timezone.localdate():
        raise ValidationError("The exam date can't be in the future.")
    if prepared_from is not None and prepared_from > taken_on:
        raise ValidationError("Preparation can't start after the exam.")
    try:
        with transaction.atomic():
            result = ExamResult.objects.create(
                employee=employee,
                certification=certification,
                certification_goal=certification_goal,
                taken_on=taken_on,
                passed=passed,
                prepared_from=prepared_from,
                recorded_by=by,
            )
    except IntegrityError:
        raise ValidationError("A result for this exam on this date is already recorded.") from None
    if passed and certification_goal is not None:
        _attained(certification_goal, taken_on)
    return result


def _attained(certification_goal: CertificationGoal, on: date) -> None:
    CertificationGoal.objects.filter(pk=certification_goal.pk, attained_on__isnull=True).update(
        attained_on=on
    )
    Goal.objects.filter(pk=certification_goal.goal_id).update(
        status=GoalStatus.ACHIEVED, updated_at=timezone.now()
    )
    # The exam milestone is the last one (due on the target date).
    last = (
        Milestone.objects.filter(goal_id=certification_goal.goal_id, done_at__isnull=True)
        .select_related("goal")
        .order_by("-due_date", "-id")
        .first()
    )
    if last is not None and last.title.startswith("Sit the "):
        Milestone.objects.filter(pk=last.pk).update(
            done_at=timezone.now(), evidence=f"Exam passed on {on:%d %b %Y}."
        )
        # A milestone done changes what the pairing's stored health reads.
        mentorship_services.mentorships_mark_health_stale(ids=[last.goal.mentorship_id])
    certification_goal.refresh_from_db()
