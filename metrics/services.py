from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.services import audit_record
from learning import services as learning_services
from people.models import User
from people.services import person_role_set

from . import outcome_import
from .models import OutcomeEvent, OutcomeKind


@transaction.atomic
def outcome_event_record(*, employee: User, data: dict, by: User) -> OutcomeEvent:
    """One event recorded by hand; the same event twice is refused, not duplicated."""
    key = OutcomeEvent.key_for(
        data["kind"], data.get("certification_name", ""), data.get("project_name", "")
    )
    try:
        with transaction.atomic():
            return OutcomeEvent.objects.create(
                employee=employee, recorded_by=by, natural_key=key, **data
            )
    except IntegrityError:
        raise ValidationError(
            "This event is already recorded for this person on this date."
        ) from None


@dataclass
class ImportResult:
    created: int
    unchanged: int
    errors: list
    row_count: int

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def outcome_events_import(*, data: bytes, by: User, max_bytes: int | None = None) -> ImportResult:
    """All or nothing: with any bad row nothing is saved. Events already recorded are skipped."""
    users = dict(User.objects.values_list("email", "pk"))
    users = {email.lower(): pk for email, pk in users.items()}
    kwargs = {"max_bytes": max_bytes} if max_bytes else {}
    checked = outcome_import.check(data, users_by_email=users, **kwargs)
    if checked.errors:
        return ImportResult(0, 0, checked.errors, checked.row_count)
    employees = {e["employee_id"] for e in checked.events}
    existing = set(
        OutcomeEvent.objects.filter(employee_id__in=employees).values_list(
            "employee_id", "kind", "occurred_on", "natural_key"
        )
    )
    new = [
        OutcomeEvent(recorded_by=by, **e)
        for e in checked.events
        if (e["employee_id"], e["kind"], e["occurred_on"], e["natural_key"]) not in existing
    ]
    OutcomeEvent.objects.bulk_create(new, batch_size=1000)
    audit_record(
        actor=by,
        action="import.outcomes.applied",
        payload={"created": len(new), "rows": checked.row_count},
    )
    return ImportResult(len(new), len(checked.events) - len(new), [], checked.row_count)


def dashboard_exported(*, by: User, dashboard: str, metric: str | None, program=None) -> None:
    """Exports leave the building: record who took which figures."""
    audit_record(
        actor=by,
        action="dashboard.exported",
        program=program,
        payload={"dashboard": dashboard, "metric": metric or "all"},
    )


def leadership_access_set(*, user: User, granted: bool, by: User) -> User:
    """Grant or revoke the leadership view (no-op when already so), audited."""
    return person_role_set(person=user, role="leadership", granted=granted, by=by)


@transaction.atomic
def certification_exam_record(
    *,
    by: User,
    taken_on,
    passed: bool,
    certification_goal=None,
    certification=None,
    employee: User | None = None,
    prepared_from=None,
):
    """An exam sitting (learning), and for a pass the certification outcome event the
    dashboards count, in one transaction. An event already recorded (imported, say) is kept."""
    result = learning_services.exam_result_record(
        certification_goal=certification_goal,
        certification=certification,
        employee=employee,
        taken_on=taken_on,
        passed=passed,
        prepared_from=prepared_from,
        by=by,
    )
    certification_passes_record(results=[result], by=by)
    return result


@transaction.atomic
def certification_passes_record(*, results: Iterable, by: User) -> None:
    """The certification outcome event of every passed exam (learning's ExamResult, with its
    certification) that has none yet; an event already recorded (imported, say) is kept. One
    INSERT whatever the number of results (ON CONFLICT DO NOTHING on the event's natural key).
    Used by `certification_exam_record` and by the demo (metrics.demo.seed_exam_outcomes)."""
    events = [
        OutcomeEvent(
            employee_id=r.employee_id,
            kind=OutcomeKind.CERTIFICATION,
            occurred_on=r.taken_on,
            natural_key=OutcomeEvent.key_for(OutcomeKind.CERTIFICATION, r.certification.name),
            certification_name=r.certification.name[:150],
            certification_issuer=r.certification.issuer[:150],
            recorded_by=by,
        )
        for r in results
        if r.passed
    ]
    OutcomeEvent.objects.bulk_create(events, batch_size=1000, ignore_conflicts=True)
