"""The rows of the manager's team page, drawn in Python: fifty rows of template lookups (and a
nested loop over each person's programs) cost more than the rest of the page."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.links import url_format
from programs.models import EnrolmentRole, EnrolmentStatus

register = template.Library()

STATUS_BADGES = {"approved": "success", "pending": "warning"}
ROLE_LABELS = {value: str(label).lower() for value, label in EnrolmentRole.choices}
STATUS_LABELS = dict(EnrolmentStatus.choices)
NONE = '<span class="text-body-secondary">—</span>'
PROGRAM = '<div>{} · {} <span class="badge text-bg-{}">{}</span></div>'
TEAM_ROW = (
    '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
    '<td class="small">{}</td></tr>'
)


def _participation(rows: list[tuple[str, str, str]]) -> str:
    if not rows:
        return NONE
    return "".join(
        PROGRAM.format(
            escape(name),
            escape(ROLE_LABELS.get(role, role)),
            STATUS_BADGES.get(status, "secondary"),
            escape(STATUS_LABELS.get(status, status)),
        )
        for name, role, status in rows
    )


@register.simple_tag
def team_rows(people) -> SafeString:
    """The people of the team (dicts of people.selectors.TEAM_FIELDS with "participation"),
    one row each: name (to their profile), job title, department, manager and the programs
    they take part in with their role and status; no goals or notes. The profile link is
    reversed once for the page; every text from the database is escaped as the template did
    (`django.utils.html.escape` is `html.escape`)."""
    profile = url_format("people:profile")

    def row(p: dict) -> str:
        manager = p["manager__full_name"] or p["manager__email"]
        return TEAM_ROW.format(
            profile.format(p["pk"]),
            escape(p["full_name"]),
            escape(p["job_title"]),
            escape(p["department__name"] or "—"),
            escape(manager or "—"),
            _participation(p["participation"]),
        )

    return mark_safe("\n  ".join(row(p) for p in people))  # noqa: S308 (escaped above)
