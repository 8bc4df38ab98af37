"""The signed-in navigation (templates/base.html), drawn once per process, not on every page.

A signed-in page's navigation holds some thirty links; reversing each on every render cost
more than the rest of the navigation, and rendering its template for every page cost about
0.6 ms of CPU more. The links depend only on the URL configuration and the script prefix the
site is served under; the markup also on a few flags (HR, manager, leadership, password
sign-in, superuser, privacy officer). Both are drawn once per key (`includes/main_nav.html`)
with stand-ins for what is the person's own (name, id in two links, the sign-out form's
token), which are filled in, escaped, per page.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

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


# Stand-ins no name, id or token contains (control characters, refused in every text field).
_NAME, _PK, _TOKEN = "\x1fname\x1f", "\x1fpk\x1f", "\x1ftoken\x1f"
_drawn: dict[tuple, str] = {}


@register.simple_tag(takes_context=True)
def main_nav(context) -> str:
    """The navigation's signed-in part for `context`'s user (base.html draws it when signed in)."""
    user = context["user"]
    flags = (
        bool(context.get("role_is_hr")),
        bool(context.get("role_is_manager")),
        bool(getattr(user, "can_view_leadership", False)),
        bool(context.get("uses_password")),
        bool(user.is_superuser),
        bool(getattr(user, "is_privacy_officer", False)),
    )
    key = (get_script_prefix(), get_urlconf(), flags)
    markup = _drawn.get(key)
    if markup is None:
        links = _links()
        markup = _drawn[key] = render_to_string(
            "includes/main_nav.html",
            {
                "nav": {**links, **{name: links[name].format(_PK) for name in PERSONAL}},
                "role_is_hr": flags[0],
                "role_is_manager": flags[1],
                "can_view_leadership": flags[2],
                "uses_password": flags[3],
                "is_superuser": flags[4],
                "is_privacy_officer": flags[5],
                "person": _NAME,
                "csrf_input": mark_safe(_TOKEN),
            },
        )
    token = context.get("csrf_token")
    csrf_input = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"
        else ""
    )
    return mark_safe(
        markup.replace(_NAME, str(conditional_escape(user.full_name or user.email)))
        .replace(_PK, str(user.pk))
        .replace(_TOKEN, csrf_input)
    )
