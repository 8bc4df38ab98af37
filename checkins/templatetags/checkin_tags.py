"""The check-in timeline embedded in the mentorship page, without touching that page's view."""

from __future__ import annotations

from django import template
from django.utils import timezone

from checkins import selectors
from checkins.models import Activity
from mentorships.models import Mentorship

register = template.Library()

EMBEDDED_CHECKINS = 5
BADGE_CLASSES = {
    "on_track": "text-bg-success",
    "due": "text-bg-info",
    "overdue": "text-bg-warning",
    "at_risk": "text-bg-danger",
    "inactive": "text-bg-secondary",
}


@register.filter
def health_badge(state: str) -> str:
    return BADGE_CLASSES.get(state, "text-bg-secondary")


def timeline_context(mentorship: Mentorship, viewer, checkins: list) -> dict:
    """What the timeline fragment needs; private parts only for the two participants."""
    participant = mentorship.is_participant(viewer)
    coordinator = (
        not participant
        and getattr(viewer, "is_hr_coordinator", False)
        and mentorship.program.is_coordinator(viewer)
    )
    return {
        "mentorship": mentorship,
        "viewer": viewer,
        "is_participant": participant,
        "is_coordinator": coordinator,
        "checkins": checkins if participant else [],
        "own_pulses": selectors.own_pulses(viewer, [c.pk for c in checkins]) if participant else {},
        "open_items": list(selectors.open_action_items(mentorship)) if participant else [],
        "health": selectors.health_for(mentorship, timezone.localdate()),
    }


@register.inclusion_tag("checkins/_timeline_body.html", takes_context=True)
def checkin_timeline(context, mentorship: Mentorship, viewer) -> dict:
    participant = mentorship.is_participant(viewer)
    checkins = (
        list(selectors.timeline_checkins(mentorship)[: EMBEDDED_CHECKINS + 1])
        if participant
        else []
    )
    data = timeline_context(mentorship, viewer, checkins[:EMBEDDED_CHECKINS])
    request = context.get("request")
    data.update(
        embedded=True,
        has_more=len(checkins) > EMBEDDED_CHECKINS,
        csrf_token=context.get("csrf_token"),
        next_url=request.get_full_path() if request else "",
    )
    return data


@register.filter
def get_pulse(pulses: dict[int, int], checkin_id: int) -> int | None:
    return pulses.get(checkin_id)


@register.filter
def activity_label(value: str) -> str:
    return Activity(value).label if value in Activity.values else value


@register.inclusion_tag("checkins/_next_step.html")
def checkin_next_step(mentorship: Mentorship, viewer) -> dict:
    """The first card of the mentorship page: the next meeting and the one-tap "Log a check-in"
    (on a phone it sits above everything else). Participants only."""
    from checkins import services  # reads the next meeting; no write happens here

    if not mentorship.is_participant(viewer):
        return {"show": False}
    meeting = services.upcoming_meeting(mentorship)
    zone = services.person_zone(viewer)
    return {
        "show": True,
        "mentorship": mentorship,
        "active": mentorship.status == "active",
        "meeting_at": meeting.starts_at.astimezone(zone) if meeting else None,
        "next_due_on": selectors.next_checkin_due(mentorship),
        "today": timezone.localdate(),
    }
