"""The navigation's links (templates/base.html), reversed once per process, not on every page.

A signed-in page's navigation holds some thirty links; reversing each on every render cost
more than the rest of the navigation. They depend only on the URL configuration and the
script prefix the site is served under, which key the memo; the two that name the signed-in
person are filled in per page.
"""

from __future__ import annotations

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

from core.links import url_format

register = template.Library()

NAV = {
    "home": "home",
    "programs_open": "programs:open",
    "my_enrolments": "programs:my_enrolments",
    "my_mentorships": "mentorships:mine",
    "feedback_inbox": "feedback:inbox",
    "experts_find": "experts:find",
    "team": "people:team",
    "team_dashboard": "metrics:team",
    "leadership": "metrics:leadership",
    "programs": "programs:list",
    "skills": "programs:skills",
    "roles": "careers:roles",
    "directory": "people:directory",
    "hr_dashboards": "metrics:hr",
    "imports": "imports:index",
    "reset_queue": "mentorships:reset_queue",
    "webhooks": "webhooks:index",
    "learning": "learning:resources",
    "password_change": "password_change",
    "twofactor": "twofactor:overview",
    "notifications": "reminders:preferences",
    "chat": "chat:preference",
    "api_tokens": "api_tokens:list",
    "expert_sessions": "experts:sessions",
    "privacy_officers": "people:privacy_officers",
    "erase": "people:erase_find",
    "logout": "logout",
}
# Links with the person's id: kept as `str.format` patterns (core.links.url_format).
PERSONAL = {"profile": "people:profile", "mentor_stats": "checkins:mentor_stats"}

_memo: dict[tuple, dict[str, str]] = {}


def _links() -> dict[str, str]:
    key = (get_script_prefix(), get_urlconf())
    found = _memo.get(key)
    if found is None:
        found = {name: reverse(view) for name, view in NAV.items()}
        found.update({name: url_format(view) for name, view in PERSONAL.items()})
        _memo[key] = found
    return found


@register.simple_tag(takes_context=True)
def nav_links(context) -> dict[str, str]:
    """The navigation's URLs by name (NAV), with the signed-in person's own in PERSONAL."""
    links = _links()
    user = context.get("user")
    pk = str(getattr(user, "pk", "") or "")
    return {
        **links,
        **{name: links[name].format(pk) for name in PERSONAL},
    }
