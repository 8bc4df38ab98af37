"""What a template's tags and filters draw, for rows drawn in Python (`str.format` + `html.escape`)
that must give the same markup as the template they replace."""

from __future__ import annotations

from html import escape

from django.utils import formats
from django.utils.timezone import template_localtime


def csrf_input(token) -> str:
    """What `{% csrf_token %}` draws for `token`, the context's `csrf_token`."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


def date_text(value, fmt: str) -> str:
    """`{{ value|date:fmt }}`: "" for no value; an aware datetime in the current time zone."""
    return formats.date_format(template_localtime(value), fmt) if value else ""
