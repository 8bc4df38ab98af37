"""Demo rows for careers: the starter roles, and the demo mentee working towards "Cloud
operations engineer" with one piece of evidence waiting for their mentor. Idempotent."""

from __future__ import annotations

from mentorships.models import LIVE_STATUSES, Mentorship
from programs.models import Enrolment

from .models import ChecklistItem, Evidence, TargetRole, WorkRole
from .services import starter_roles_load, target_role_set

DEMO_TARGET = "Cloud operations engineer"


def seed(context: dict) -> None:
    demo = context["demo"]
    if not WorkRole.objects.filter(title=DEMO_TARGET).exists():
        starter_roles_load(by=demo["hr"])
    mentorship = (
        Mentorship.objects.filter(mentee=demo["mentee"], status__in=LIVE_STATUSES)
        .select_related("program")
        .order_by("pk")
        .first()
    )
    if mentorship is None:
        return
    enrolment = Enrolment.objects.filter(program=mentorship.program, user=mentorship.mentee).first()
    if enrolment is None or TargetRole.objects.filter(enrolment=enrolment).exists():
        return
    role = WorkRole.objects.get(title=DEMO_TARGET)
    target_role_set(enrolment=enrolment, role=role, by=mentorship.mentee)
    item = ChecklistItem.objects.filter(text__startswith="Rotates a leaked credential").first()
    if item is not None:
        Evidence.objects.get_or_create(
            mentorship=mentorship,
            item=item,
            defaults={
                "note": "Rotated the CI deploy key after the audit finding, no failed builds.",
                "link": "https://wiki.example.com/runbooks/key-rotation",
                "submitted_by": mentorship.mentee,
            },
        )
