from typing import Any

from django.db import models

from .models import AuditEvent

# Keys that could carry private content are dropped whatever a caller passes.
FORBIDDEN_KEYS = {"private_notes", "notes", "password", "shared_summary", "description"}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    program=None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    clean = {k: v for k, v in (payload or {}).items() if k not in FORBIDDEN_KEYS}
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=getattr(actor, "email", "") or "system",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:200] if obj is not None else "",
        program=program,
        payload=clean,
    )
