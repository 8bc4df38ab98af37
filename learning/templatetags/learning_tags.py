"""Learning suggestions and certification goals embedded in the mentorship page and the
check-in form, without touching those pages' views (as checkins' timeline does)."""

from __future__ import annotations

from django import template

from learning import selectors
from mentorships.models import Mentorship

register = template.Library()


def _context(context, mentorship: Mentorship, viewer, *, with_goals: bool) -> dict:
    participant = mentorship.is_participant(viewer)
    request = context.get("request")
    return {
        "mentorship": mentorship,
        "viewer": viewer,
        "is_participant": participant,
        "is_mentee": participant and viewer.pk == mentorship.mentee_id,
        "suggestions": selectors.suggestions(mentorship, viewer) if participant else [],
        "certification_goals": (
            selectors.certification_goals(mentorship) if participant and with_goals else []
        ),
        "with_goals": with_goals,
        "here": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("learning/_panel_body.html", takes_context=True)
def learning_panel(context, mentorship: Mentorship, viewer) -> dict:
    return _context(context, mentorship, viewer, with_goals=True)


@register.inclusion_tag("learning/_panel_body.html", takes_context=True)
def learning_suggestions(context, mentorship: Mentorship, viewer) -> dict:
    return _context(context, mentorship, viewer, with_goals=False)
