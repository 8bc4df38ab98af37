"""Import writes: store an upload with its preview, then apply it once, all or nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.utils import timezone

from audit.services import audit_record
from people.models import User
from programs.models import Program

from . import enrolments, people
from .csvcheck import RowError
from .models import BatchStatus, ImportBatch, ImportKind
from .plans import Plan, sorted_errors

logger = logging.getLogger(__name__)


def build_plan(*, kind: str, content: str, actor: User, program: Program | None) -> Plan:
    if kind == ImportKind.PEOPLE:
        return people.plan(content, actor=actor)
    if program is None:
        raise ValueError("An enrolment import needs a program.")
    return enrolments.plan(content, program=program)


def _error_report(errors: list[RowError]) -> list[dict[str, object]]:
    return [e.as_dict() for e in sorted_errors(errors)]


@transaction.atomic
def batch_preview(
    *, kind: str, content: str, filename: str, uploaded_by: User, program: Program | None = None
) -> ImportBatch:
    """Checks the file against the current data and keeps it, ready to confirm or as a report."""
    plan = build_plan(kind=kind, content=content, actor=uploaded_by, program=program)
    return ImportBatch.objects.create(
        kind=kind,
        program=program,
        uploaded_by=uploaded_by,
        filename=filename[:255],
        content=content,
        row_count=plan.row_count,
        status=BatchStatus.PREVIEWED if plan.ok else BatchStatus.FAILED,
        summary={**plan.counts(), "preview": plan.preview},
        errors=_error_report(plan.errors),
    )


@dataclass(frozen=True)
class ApplyOutcome:
    applied: bool
    message: str


def batch_apply(*, batch_id: int, actor: User) -> ApplyOutcome:
    try:
        return _apply(batch_id=batch_id, actor=actor)
    except DatabaseError:
        # Typically someone created the same person while this ran. The transaction rolled
        # back, so the report says so rather than the user seeing an error page.
        logger.exception("Import batch %s failed in the database", batch_id)
        message = "The data changed while importing. Nothing was imported; upload the file again."
        ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.PREVIEWED).update(
            status=BatchStatus.FAILED,
            errors=[{"line": 0, "column": "", "message": message}],
        )
        return ApplyOutcome(False, message)


@transaction.atomic
def _apply(*, batch_id: int, actor: User) -> ApplyOutcome:
    # The claim and the writes share one transaction: a second click waits on the row lock,
    # then finds the batch no longer "previewed" and does nothing; a crash leaves it previewed.
    claimed = ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.PREVIEWED).update(
        status=BatchStatus.APPLYING
    )
    if not claimed:
        return ApplyOutcome(False, "This file was already imported or rejected; nothing changed.")
    batch = ImportBatch.objects.select_related("program").get(pk=batch_id)
    # Check again: the directory may have changed since the preview.
    plan = build_plan(kind=batch.kind, content=batch.content, actor=actor, program=batch.program)
    if not plan.ok or plan.apply is None:
        batch.status = BatchStatus.FAILED
        batch.errors = _error_report(plan.errors)
        batch.save(update_fields=["status", "errors"])
        return ApplyOutcome(
            False,
            "The data changed since the preview and some rows are now invalid. "
            "Nothing was imported.",
        )
    extra = plan.apply()
    batch.status = BatchStatus.APPLIED
    batch.applied_at = timezone.now()
    batch.summary = {**plan.counts(), **extra, "preview": plan.preview}
    batch.save(update_fields=["status", "applied_at", "summary"])
    counts = plan.counts()
    audit_record(
        actor=actor,
        action=f"import.{batch.kind}.applied",
        obj=batch,
        program=batch.program,
        payload={"filename": batch.filename, **counts},
    )
    return ApplyOutcome(
        True,
        f"Imported: {counts['create']} created, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged.",
    )
