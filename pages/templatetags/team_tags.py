"""The rows of the manager's team page, drawn in Python: fifty rows of template lookups (and a
nested loop over each person's programs) cost more than the rest of the page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.links import url_format

register = template.Library()

STATUS_BADGES = {"approved": "success", "pending": "warning"}
NONE = mark_safe('<span class="text-body-secondary">—</span>')


def _participation(person) -> SafeString:
    rows = getattr(person, "participation", None) or []
    if not rows:
        return NONE
    return format_html_join(
        "",
        '<div>{} · {} <span class="badge text-bg-{}">{}</span></div>',
        (
            (
                e.program.name,
                e.get_role_display().lower(),
                STATUS_BADGES.get(e.status, "secondary"),
                e.get_status_display(),
            )
            for e in rows
        ),
    )


TEAM_ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
    '<td class="small">{}</td></tr>'
)


@register.simple_tag
def team_rows(people) -> SafeString:
    """The people of the team, one row each: name (to their profile), job title, department,
    manager and the programs they take part in with their role and status; no goals or notes.
    The profile link is reversed once for the page."""
    profile = url_format("people:profile")
    return format_html_join(
        "\n  ",
        TEAM_ROW,
        (
            (
                profile.format(person.pk),
                person.full_name,
                person.job_title,
                person.department or "—",
                person.manager or "—",
                _participation(person),
            )
            for person in people
        ),
    )
