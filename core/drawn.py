"""What a template's tags and filters draw, for rows drawn in Python (`str.format` + `html.escape`)
that must give the same markup as the template they replace."""

from __future__ import annotations

from html import escape

from django.forms import BoundField, Form
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from core.templatetags.form_tags import _flat


def csrf_input(token) -> str:
    """What `{% csrf_token %}` draws for `token`, the context's `csrf_token`."""
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


def date_text(value, fmt: str) -> str:
    """`{{ value|date:fmt }}`: "" for no value; an aware datetime in the current time zone."""
    return formats.date_format(template_localtime(value), fmt) if value else ""


def hidden_input(field: BoundField) -> str:
    """`{{ field }}` for a hidden field, as Django's input.html draws it, without its template
    renderer (a form's hidden fields through it cost a check-in form page ~1 ms)."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    value = widget.format_value(field.value())
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        field.html_name,
        "" if value is None else format_html(' value="{}"', value),
        _flat(widget.build_attrs(widget.attrs, attrs)),
    )


def hidden_form(form: Form) -> str:
    """`{{ form }}` for a form of hidden fields only (a formset's management form): its inputs
    side by side, as Django's div.html draws them; its own template when it has errors."""
    if form.errors or any(not field.is_hidden for field in form):
        return str(form)
    return mark_safe("".join(hidden_input(field) for field in form))  # noqa: S308 (escaped)
