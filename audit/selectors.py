"""Reads of the audit log."""

from django.db.models import QuerySet

from .models import AuditEvent


def program_events(program_id: int) -> QuerySet[AuditEvent]:
    """A program's audit events, newest first."""
    return (
        AuditEvent.objects.filter(program_id=program_id)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
