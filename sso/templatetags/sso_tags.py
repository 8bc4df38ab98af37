from django import template
from django.conf import settings

from sso.selectors import sign_in_options

register = template.Library()


@register.inclusion_tag("sso/_buttons.html")
def sso_buttons(next_url: str = "") -> dict:
    return {"options": sign_in_options(next_url or ""), "sso_only": settings.SSO_ONLY}


@register.simple_tag
def sso_only() -> bool:
    """SSO_ONLY: passwords are for superusers (break-glass) only."""
    return settings.SSO_ONLY
