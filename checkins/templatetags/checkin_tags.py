"""The check-in timeline embedded in the mentorship page, without touching that page's view."""

from __future__ import annotations

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from checkins import selectors
from checkins.models import Activity
from core.links import url_format
from mentorships.models import Mentorship

register = template.Library()

EMBEDDED_CHECKINS = 5
NO_LINKS = {"skills": [], "goals": [], "milestones": []}
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
    items = (
        selectors.timeline_action_items(mentorship, [c.pk for c in checkins]) if participant else []
    )
    by_checkin: dict[int, list] = {}
    for item in items:
        by_checkin.setdefault(item.checkin_id, []).append(item)
    named = [c.pk for c in checkins if getattr(c, "names_links", True)]
    links = selectors.checkin_links(named) if participant else {}
    for checkin in checkins:
        checkin.listed_items = by_checkin.get(checkin.pk, [])
        checkin.links = links.get(checkin.pk, NO_LINKS)
    return {
        "mentorship": mentorship,
        "viewer": viewer,
        "is_participant": participant,
        "is_coordinator": coordinator,
        "checkins": checkins if participant else [],
        "own_pulses": _own_pulses(viewer, checkins) if participant else {},
        "open_items": [item for item in items if item.done_at is None],
        "health": page_health(mentorship),
    }


def _own_pulses(viewer, checkins: list) -> dict[int, int]:
    """checkin id -> the viewer's score: annotated on the check-ins when read with the viewer
    (selectors.timeline_checkins), else read."""
    if all(hasattr(c, "own_pulse") for c in checkins):
        return {c.pk: c.own_pulse for c in checkins if c.own_pulse is not None}
    return selectors.own_pulses(viewer, [c.pk for c in checkins])


def page_health(mentorship: Mentorship) -> selectors.HealthInfo:
    """The pairing's health today, read once per page (the "Next step" card and the timeline
    both show it): kept on the instance the page's tags share."""
    return _page_state(mentorship)[0]


def _page_state(mentorship: Mentorship) -> tuple:
    """(health, next meeting's start): read together once per page and kept on the instance."""
    today = timezone.localdate()
    cached = getattr(mentorship, "_page_health", None)
    if cached is None or cached[0] != today:
        cached = (today, *selectors.health_and_meeting(mentorship, today))
        mentorship._page_health = cached
    return cached[1:]


@register.inclusion_tag("checkins/_timeline_body.html", takes_context=True)
def checkin_timeline(context, mentorship: Mentorship, viewer) -> dict:
    participant = mentorship.is_participant(viewer)
    checkins = (
        list(selectors.timeline_checkins(mentorship, viewer)[: EMBEDDED_CHECKINS + 1])
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
    from checkins import services  # the person's time zone; no write happens here

    if not mentorship.is_participant(viewer):
        return {"show": False}
    health, meeting_at = _page_state(mentorship)
    zone = services.person_zone(viewer)
    return {
        "show": True,
        "mentorship": mentorship,
        "active": mentorship.status == "active",
        "meeting_at": meeting_at.astimezone(zone) if meeting_at else None,
        "next_due_on": health.next_due_on,
        "today": timezone.localdate(),
    }


BOARD_ROW = (
    '<tr data-mentorship="{}">\n'
    '    <td data-label="Pairing"><a href="{}" title="Mentoring figures">{}</a> → {} · '
    '<a class="small" href="{}">summaries</a>{}</td>\n'
    '    <td data-label="Health"><span class="badge {}" data-health="{}">{}</span></td>\n'
    '    <td data-label="Days since check-in">{}</td>\n'
    '    <td data-label="Avg pulse">{}</td>\n'
    '    <td data-label="Milestones">{}/{}{}</td>\n'
    '    <td class="text-end text-nowrap">\n'
    '      <form class="d-inline" method="post" action="{}" '
    'data-confirm="Email both participants a reminder to meet?">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">\n'
    '        <button class="btn btn-sm btn-outline-primary" type="submit">Nudge</button>\n'
    "      </form>\n"
    '      <a class="btn btn-sm btn-outline-danger" href="{}">Reset</a>\n'
    "    </td>\n"
    "  </tr>\n"
)
NONE_YET = '<span class="small text-body-secondary">(none yet)</span>'


def _links() -> dict[str, str]:
    """The four links of a row as format strings: reversed once per page, not 200 times."""
    named = {
        "stats": "checkins:mentor_stats",
        "summaries": "checkins:hr_summaries",
        "nudge": "checkins:nudge",
        "reset": "checkins:reset",
    }
    return {key: url_format(name) for key, name in named.items()}


@register.simple_tag(takes_context=True)
def health_board_rows(context, rows) -> SafeString:
    """The health board's rows, (mentorship, HealthInfo) pairs, rendered in Python: a page of
    50 through the template language cost more than the rest of the page. Every text from
    the database is escaped as the template did (`django.utils.html.escape` is `html.escape`);
    numbers, dates and our own constants need none."""
    links = _links()
    token = escape(str(context.get("csrf_token", "")))

    def row(m, info) -> str:
        status = (
            f' <span class="small text-body-secondary">({escape(m.get_status_display().lower())})'
            "</span>"
            if m.status != "active"
            else ""
        )
        if info.days_since_checkin is None:
            days = "—"
        elif info.last_checkin_on:
            days = str(info.days_since_checkin)
        else:
            days = f"{info.days_since_checkin} {NONE_YET}"
        overdue = (
            f' <span class="small text-danger">({info.milestones_overdue} overdue)</span>'
            if info.milestones_overdue
            else ""
        )
        return BOARD_ROW.format(
            m.pk,
            links["stats"].format(m.mentor_id),
            escape(m.mentor.label),
            escape(m.mentee.label),
            links["summaries"].format(m.pk),
            status,
            health_badge(info.state),
            escape(info.state),
            escape(info.label),
            days,
            info.avg_pulse_text,
            info.milestones_done,
            info.milestones_total,
            overdue,
            links["nudge"].format(m.pk),
            token,
            links["reset"].format(m.pk),
        )

    return mark_safe("  ".join(row(m, info) for m, info in rows))  # noqa: S308 (escaped above)
