"""Form fields drawn in Python for list pages' filter bars.

Django draws a <select> with one template render per option, and a model choice field reads
its options through a server-side cursor on PostgreSQL (three round trips); crispy-forms adds
a handful of nested templates per field. A filter bar of four fields cost more than the rest
of a page of 50 rows. These tags give the same markup (Bootstrap's classes, the field's id,
name, label and errors) as one string join.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from core.drawn import field_html

register = template.Library()


def _errors(field: BoundField) -> SafeString:
    return format_html_join(
        "", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in field.errors)
    )


def _label(field: BoundField) -> SafeString:
    return format_html(
        '<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label
    )


@register.simple_tag
def select_field(field: BoundField, choices=None) -> SafeString:
    """A labelled <select> for a choice field. `choices`: (value, label) pairs to offer instead
    of the field's own (e.g. read once with values_list); the field's empty label comes first."""
    value = field.value()
    chosen = {
        str(v)
        for v in (value if isinstance(value, list | tuple) else [value])
        if v not in (None, "")
    }
    if choices is None:
        options = list(field.field.choices)
    else:
        empty = getattr(field.field, "empty_label", None)
        options = ([("", empty)] if empty is not None else []) + list(choices)
    rendered = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, mark_safe(" selected") if str(v) in chosen else "", label) for v, label in options),
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}'
        '<select name="{}" class="form-select{}" id="{}">{}</select>{}</div>',
        field.auto_id,
        _label(field),
        field.html_name,
        " is-invalid" if field.errors else "",
        field.auto_id,
        rendered,
        _errors(field),
    )


@register.simple_tag
def text_field(field: BoundField, input_type: str = "text") -> SafeString:
    """A labelled text <input> for a field, with its current value and maximum length."""
    value = field.value()
    maxlength = getattr(field.field, "max_length", None)
    return format_html(
        '<div id="div_{}" class="mb-3">{}'
        '<input type="{}" name="{}" value="{}" class="form-control{}" id="{}"{}>{}</div>',
        field.auto_id,
        _label(field),
        input_type,
        field.html_name,
        "" if value is None else value,
        " is-invalid" if field.errors else "",
        field.auto_id,
        format_html(' maxlength="{}"', maxlength) if maxlength else "",
        _errors(field),
    )


# --- any field as crispy-forms' bootstrap5 `as_crispy_field` draws it ------------------------


@register.simple_tag
def form_field(field: BoundField, choices=None) -> SafeString:
    """The field as `{{ field|as_crispy_field }}` draws it with the bootstrap5 pack (same ids,
    names, classes, label, help text and error markup: tests/core/test_form_tags.py and
    tests/core/test_drawn_fields.py compare them), in one pass of Python instead of crispy's
    nested templates and Django's widget templates (one per option): `core.drawn.field_html`.
    `choices`: (value, label) pairs read once by the view, instead of the field's queryset."""
    return mark_safe(field_html(field, choices))  # noqa: S308 (drawn escaped, core.drawn)
