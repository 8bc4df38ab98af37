from typing import Any

from django.db import models

from .models import AuditEvent

# Keys that could carry private content are dropped whatever a caller passes.
FORBIDDEN_KEYS = {"private_notes", "notes", "password", "shared_summary", "description"}


def _event(*, actor, action: str, obj, program, payload) -> AuditEvent:
    clean = {k: v for k, v in (payload or {}).items() if k not in FORBIDDEN_KEYS}
    return AuditEvent(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        program=program,
        payload=clean,
    )


def audit_record_many(
    *,
    actor,
    action: str,
    objs: list[models.Model],
    program=None,
    payload: dict[str, Any] | None = None,
) -> int:
    """`audit_record` for many objects of one bulk action, in one statement."""
    AuditEvent.objects.bulk_create(
        [
            _event(actor=actor, action=action, obj=obj, program=program, payload=payload)
            for obj in objs
        ],
        batch_size=1000,
    )
    return len(objs)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    program=None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    event = _event(actor=actor, action=action, obj=obj, program=program, payload=payload)
    event.save()
    return event
