"""Learning suggestions and certification goals embedded in the mentorship page and the
check-in form, without touching those pages' views (as checkins' timeline does)."""

from __future__ import annotations

from django import template

from learning import selectors
from mentorships.models import Mentorship

register = template.Library()


def _context(context, mentorship: Mentorship, viewer, goals, *, with_goals: bool) -> dict:
    """`goals`: the pair's goals with their skills prefetched, as the page already read them
    (a list), so the panel needn't read them again; anything else: the panel reads them."""
    participant = mentorship.is_participant(viewer)
    goals = goals if isinstance(goals, list) else None
    request = context.get("request")
    return {
        "mentorship": mentorship,
        "viewer": viewer,
        "is_participant": participant,
        "is_mentee": participant and viewer.pk == mentorship.mentee_id,
        "suggestions": (
            selectors.suggestions(mentorship, viewer, goals=goals) if participant else []
        ),
        "certification_goals": (
            selectors.certification_goals(mentorship, goals=goals)
            if participant and with_goals
            else []
        ),
        "with_goals": with_goals,
        "here": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("learning/_panel_body.html", takes_context=True)
def learning_panel(context, mentorship: Mentorship, viewer, goals=None) -> dict:
    return _context(context, mentorship, viewer, goals, with_goals=True)


@register.inclusion_tag("learning/_panel_body.html", takes_context=True)
def learning_suggestions(context, mentorship: Mentorship, viewer, goals=None) -> dict:
    return _context(context, mentorship, viewer, goals, with_goals=False)
