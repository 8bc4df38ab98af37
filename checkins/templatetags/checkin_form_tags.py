"""The check-in form's fields drawn in Python (core.drawn.field_html): the markup crispy-forms'
bootstrap5 pack draws, without its per-field templates or format_html's per-argument calls."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from core.drawn import field_html

register = template.Library()


@register.simple_tag
def drawn_field(field: BoundField, choices=None) -> SafeString:
    """`{% drawn_field form.x %}`: as `{% form_field form.x %}` (core's form_tags) draws it.
    `choices`: (value, label) pairs the form read as rows, instead of the field's queryset."""
    return mark_safe(field_html(field, choices))  # noqa: S308 (every value escaped)
