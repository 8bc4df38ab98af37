"""Panels other apps' pages include without their views knowing about mentorships."""

from django import template

from programs.models import Program

from .. import selectors
from ..models import MentorshipStatus, ResetRequest

register = template.Library()


@register.inclusion_tag("mentorships/_program_panel.html")
def pairings_panel(program: Program) -> dict:
    counts = selectors.status_counts(program)
    return {
        "program": program,
        "statuses": [(label, counts.get(v, 0)) for v, label in MentorshipStatus.choices],
        "total": sum(counts.values()),
        "open_resets": ResetRequest.objects.filter(
            mentorship__program=program, resolved_at__isnull=True
        ).count(),
    }
