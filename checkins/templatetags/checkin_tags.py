"""The check-in timeline embedded in the mentorship page, without touching that page's view."""

from __future__ import annotations

from html import escape

from django import template
from django.forms import BoundField
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe

from checkins import selectors
from checkins.models import Activity
from core.drawn import csrf_input, date_text, hidden_form, hidden_input
from core.links import url_format
from mentorships.models import Mentorship

register = template.Library()

EMBEDDED_CHECKINS = selectors.PAGE_CHECKINS
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


def timeline_context(mentorship: Mentorship, viewer, checkins: list, *, head: bool = False) -> dict:
    """What the timeline fragment needs; private parts only for the two participants. `head`:
    `checkins` are the pair's first `selectors.PAGE_CHECKINS` (or all of them, if fewer), whose
    items and links are read by SQL built once."""
    participant = mentorship.is_participant(viewer)
    coordinator = (
        not participant
        and getattr(viewer, "is_hr_coordinator", False)
        and mentorship.program.is_coordinator(viewer)
    )
    if not (participant and _may_have_items(checkins)):
        items = []
    elif head:
        items = selectors.head_action_items(mentorship)
    else:
        items = selectors.timeline_action_items(mentorship, [c.pk for c in checkins])
    by_checkin: dict[int, list] = {}
    for item in items:
        by_checkin.setdefault(item.checkin_id, []).append(item)
    named = [c.pk for c in checkins if getattr(c, "names_links", True)]
    if not (participant and named):
        links = {}
    elif head:
        links = selectors.head_links(mentorship)
    else:
        links = selectors.checkin_links(named)
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


def _may_have_items(checkins: list) -> bool:
    """Whether the pair may have action items: not without a check-in (each item is one's),
    nor when the check-ins read say the pair has none (`timeline_checkins`)."""
    return bool(checkins) and any(getattr(c, "pair_has_items", True) for c in checkins)


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
        selectors.timeline_head(mentorship, viewer, EMBEDDED_CHECKINS + 1) if participant else []
    )
    data = timeline_context(mentorship, viewer, checkins[:EMBEDDED_CHECKINS], head=True)
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


# The timeline's check-in cards, drawn in Python: five cards, each with its action items and
# its five pulse buttons, cost the mentorship page more through the template language than the
# rest of it. Same markup as the template loop they replace (tests/checkins/test_timeline_cards).
CARD = (
    '\n  <article class="card mb-2" data-checkin="{pk}">\n'
    '    <div class="card-body p-3">\n'
    '      <div class="d-flex flex-wrap justify-content-between gap-1">\n'
    '        <h3 class="h6 mb-1">{date} · {activity}</h3>\n'
    '        <span class="small text-body-secondary">{minutes} min · by {author}{template}</span>\n'
    "      </div>\n"
    "      {skills}\n"
    "      {advanced}\n"
    "      {private}\n"
    "      {shared}\n"
    "      {next_steps}\n"
    "      {meeting}\n"
    "      {items}\n"
    "      \n"
    '      <form method="post" action="{pulse_url}" '
    'class="d-flex flex-wrap align-items-center gap-1 small">{csrf}\n'
    '        <input type="hidden" name="next" value="{next}">\n'
    "        <span>{pulse_label}</span>\n"
    "        {buttons}\n"
    "      </form>\n"
    "      \n"
    "    </div>\n"
    "  </article>\n"
    "  "
)
CARD_ITEM = (
    '\n        <li class="d-flex align-items-center gap-2 py-1">\n'
    '          <form method="post" action="{url}">{csrf}\n'
    '            <input type="hidden" name="next" value="{next}">\n'
    "            {button}\n"
    "          </form>\n"
    '          <span class="{css}" data-action-item="{pk}" data-done="{done}">'
    "{text} · {owner}{due}</span>\n"
    "        </li>\n"
    "        "
)
NO_CHECKINS = (
    '\n  <p class="text-body-secondary">No check-ins yet. After you meet, log a check-in: it takes'
    " a minute and keeps both of you on track.</p>\n  "
)
PULSE_BUTTON = (
    '<button class="btn btn-sm {} py-0" type="submit" name="score" value="{n}">{n}</button>'
)


def _name(person) -> str:
    """`{{ person.full_name|default:person.email }}`, escaped."""
    return escape(person.full_name or person.email)


def _card_item(item, csrf: str, next_url: str, toggle: str) -> str:
    text = escape(item.text)
    if item.is_done:
        button = (
            '<button class="btn btn-sm btn-success py-0" type="submit" '
            f'aria-label="Mark “{text}” not done">✓</button>'
        )
    else:
        button = (
            '<input type="hidden" name="done" value="on"><button class="btn btn-sm '
            f'btn-outline-secondary py-0" type="submit" aria-label="Tick “{text}”">☐</button>'
        )
    return CARD_ITEM.format(
        url=toggle.format(item.pk),
        csrf=csrf,
        next=next_url,
        button=button,
        css="text-decoration-line-through text-body-secondary" if item.is_done else "",
        pk=item.pk,
        done="1" if item.is_done else "0",
        text=text,
        owner=_name(item.owner),
        due=f" · due {date_text(item.due_date, 'j M')}" if item.due_date else "",
    )


def _card(checkin, mine, csrf: str, next_url: str, links: dict[str, str]) -> str:
    tags = checkin.links
    skills = (
        '<p class="small mb-1">Skills: '
        + "".join(
            f'<span class="badge text-bg-light border">{escape(str(s))}</span> '
            for s in tags["skills"]
        )
        + "</p>"
        if tags["skills"]
        else ""
    )
    goals = ", ".join(escape(str(g)) for g in tags["goals"])
    milestones = ", ".join(escape(str(m)) for m in tags["milestones"])
    advanced = (
        f'<p class="small mb-1">Advanced: {goals}{"; " if goals and milestones else ""}'
        f"{milestones}</p>"
        if tags["goals"] or tags["milestones"]
        else ""
    )
    if checkin.private_notes:
        private = (
            '<div class="mb-2"><div class="small fw-semibold">Private notes <span class="'
            'text-body-secondary fw-normal">(only the two of you)</span></div><div class="small"'
            ' style="white-space: pre-line" data-private-notes>'
            f"{escape(checkin.private_notes)}</div></div>"
        )
    else:
        private = ""
    shared = (
        '<div class="small mb-1"><span class="fw-semibold">Shared summary:</span> '
        f"{escape(checkin.shared_summary)}</div>"
        if checkin.shared_summary
        else ""
    )
    next_steps = (
        '<div class="small mb-1"><span class="fw-semibold">Next steps:</span> '
        f'<span style="white-space: pre-line">{escape(checkin.next_steps)}</span></div>'
        if checkin.next_steps
        else ""
    )
    if checkin.next_meeting_date:
        at = (
            f" at {formats.time_format(checkin.next_meeting_time, 'H:i')}"
            if checkin.next_meeting_time
            else ""
        )
        meeting = (
            f'<div class="small mb-1">Next meeting: {date_text(checkin.next_meeting_date, "j M Y")}'
            f"{at}</div>"
        )
    else:
        meeting = ""
    items = (
        '\n      <ul class="list-unstyled small mb-2">\n        '
        + "".join(_card_item(i, csrf, next_url, links["toggle"]) for i in checkin.listed_items)
        + "\n      </ul>\n      "
        if checkin.listed_items
        else ""
    )
    chosen = str(mine)
    return CARD.format(
        pk=checkin.pk,
        date=date_text(checkin.date, "j M Y"),
        activity=escape(checkin.get_activity_display()),
        minutes=escape(str(checkin.duration_minutes)),
        author=_name(checkin.author),
        template=f" · {escape(checkin.template.name)}" if checkin.template else "",
        skills=skills,
        advanced=advanced,
        private=private,
        shared=shared,
        next_steps=next_steps,
        meeting=meeting,
        items=items,
        pulse_url=links["pulse"].format(checkin.pk),
        csrf=csrf,
        next=next_url,
        pulse_label=(
            f"Your pulse: <strong data-own-pulse>{mine}</strong>/5 · change:"
            if mine
            else "Rate this check-in:"
        ),
        buttons="".join(
            PULSE_BUTTON.format("btn-primary" if chosen == n else "btn-outline-primary", n=n)
            for n in "12345"
        ),
    )


@register.simple_tag
def checkin_cards(checkins, own_pulses: dict[int, int], next_url, csrf_token) -> SafeString:
    """The timeline's check-ins (`timeline_context` gave each its `links` and `listed_items`),
    or the line saying there are none. Every text from the database is escaped, as the
    template did."""
    if not checkins:
        return mark_safe(NO_CHECKINS)  # noqa: S308 (a constant)
    links = {"toggle": url_format("checkins:action_toggle"), "pulse": url_format("checkins:pulse")}
    csrf = csrf_input(csrf_token)
    here = escape(str(next_url))
    return mark_safe(  # noqa: S308 (escaped above)
        "".join(_card(c, own_pulses.get(c.pk), csrf, here, links) for c in checkins)
    )


@register.filter
def hidden(form_or_field) -> SafeString:
    """`{{ x|hidden }}`: a hidden field, or a form of hidden fields (a formset's management
    form), drawn as Django draws it, without its template renderer."""
    if isinstance(form_or_field, BoundField):
        return mark_safe(hidden_input(form_or_field))  # noqa: S308 (escaped by format_html)
    return mark_safe(hidden_form(form_or_field))  # noqa: S308 (escaped by format_html)


PULSE_RADIO = (
    '\n      <input class="btn-check" type="radio" name="{name}" id="{id}" value="{value}"'
    "{checked}>"
    '\n      <label class="btn btn-outline-primary" for="{id}">{label}</label>\n      '
)


@register.simple_tag
def pulse_radios(field: BoundField) -> SafeString:
    """The check-in form's pulse as a row of toggle buttons (the loop the form's template
    drew, same markup): each radio's input and label."""
    return mark_safe(  # noqa: S308 (escaped)
        "".join(
            PULSE_RADIO.format(
                name=escape(str(radio.data["name"])),
                id=escape(str(radio.id_for_label)),
                value=escape(str(radio.data["value"])),
                checked=" checked" if radio.data["selected"] else "",
                label=escape(str(radio.choice_label)),
            )
            for radio in field
        )
    )


OPEN_ITEM = (
    '\n    <li class="list-group-item d-flex justify-content-between align-items-center gap-2">\n'
    '      <span>{text} <span class="text-body-secondary small">· {owner}{due}</span></span>\n'
    '      <form method="post" action="{url}">{csrf}\n'
    '        <input type="hidden" name="done" value="on">'
    '<input type="hidden" name="next" value="{next}">\n'
    '        <button class="btn btn-sm btn-outline-success" type="submit" '
    'aria-label="Mark “{text}” done">Done</button>\n'
    "      </form>\n"
    "    </li>\n"
    "    "
)


@register.simple_tag
def open_item_rows(items, next_url, csrf_token) -> SafeString:
    """The pair's open action items above the timeline, each with its "Done" button (the
    template loop they replace, same markup; tests/checkins/test_timeline_cards.py)."""
    toggle = url_format("checkins:action_toggle")
    csrf = csrf_input(csrf_token)
    here = escape(str(next_url))
    return mark_safe(  # noqa: S308 (escaped)
        "".join(
            OPEN_ITEM.format(
                text=escape(item.text),
                owner=_name(item.owner),
                due=f" · due {date_text(item.due_date, 'j M')}" if item.due_date else "",
                url=toggle.format(item.pk),
                csrf=csrf,
                next=here,
            )
            for item in items
        )
    )
