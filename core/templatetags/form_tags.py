"""Form fields drawn in Python for list pages' filter bars.

Django draws a <select> with one template render per option, and a model choice field reads
its options through a server-side cursor on PostgreSQL (three round trips); crispy-forms adds
a handful of nested templates per field. A filter bar of four fields cost more than the rest
of a page of 50 rows. These tags give the same markup (Bootstrap's classes, the field's id,
name, label and errors) as one string join.
"""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


def _flat(attrs: dict) -> SafeString:
    """Widget attributes as Django's attrs.html writes them: False left out, True bare."""
    return mark_safe(  # noqa: S308 (every value escaped by format_html)
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


def _widget_attrs(field: BoundField, css: str) -> dict:
    """The attributes crispy's `crispy_field` gives the widget: its own, the widget's class
    name and Bootstrap's class (without repeating one), then Django's (required, aria-*), id."""
    widget = field.field.widget
    attrs = dict(widget.attrs)
    name = type(widget).__name__.lower()
    classes = attrs.get("class", "")
    classes = classes if name in classes else f"{classes} {name}" if classes else name
    for token in css.split():
        if token not in classes.split():
            classes += " " + token
    attrs["class"] = classes
    attrs.update(field.build_widget_attrs({}, widget))
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return attrs


def _block_errors(field: BoundField) -> SafeString:
    errors = field.errors
    if not errors:
        return mark_safe("")
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        str(getattr(errors, "field_id", None)),
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((n, field.auto_id, e) for n, e in enumerate(errors, 1)),
        ),
    )


def _help(field: BoundField) -> SafeString:
    if not field.help_text:
        return mark_safe("")
    if field.auto_id:
        return format_html(
            '<div id="{}_helptext" class="form-text">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),  # noqa: S308 (as crispy: `help_text|safe`, our own text)
        )
    return format_html('<div class="form-text">{}</div>', mark_safe(field.help_text))  # noqa: S308


def _crispy_label(field: BoundField, tag: str = "label", extra: str = "") -> SafeString:
    required = field.field.required
    return format_html(
        '<{}{} class="form-label{}{}">{}{}</{}>',
        tag,
        format_html(' for="{}"', field.id_for_label) if field.id_for_label else "",
        " requiredField" if required else "",
        extra,
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
        tag,
    )


def _choice_pairs(field: BoundField, choices) -> list:
    return list(field.field.choices) if choices is None else list(choices)


def _select(field: BoundField, attrs: dict, choices) -> SafeString:
    # As Django's ChoiceWidget.optgroups: the first option whose value is among the field's
    # (None as ""), and only that one, is selected.
    values = field.field.widget.format_value(field.value())
    chosen = False
    options = []
    for value, label in _choice_pairs(field, choices):
        selected = not chosen and str(value) in values
        chosen |= selected
        options.append(
            format_html(
                '<option value="{}"{}>{}</option>',
                value,
                mark_safe(" selected") if selected else "",
                label,
            )
        )
    return format_html(
        '<select name="{}"{}>{}</select>',
        field.html_name,
        _flat(attrs),
        mark_safe("".join(options)),
    )


def _checkboxes(field: BoundField, choices) -> SafeString:
    """crispy's radio_checkbox_select.html for a CheckboxSelectMultiple, in a <fieldset>."""
    widget = field.field.widget
    base = {"id": widget.attrs.get("id") or field.auto_id}
    base = {**widget.attrs, **field.build_widget_attrs(base)}
    values = set(widget.format_value(field.value()))
    invalid = " is-invalid" if field.errors else ""
    pairs = _choice_pairs(field, choices)
    rows = []
    for index, (value, label) in enumerate(pairs):
        attrs = dict(base)
        if str(value) in values:
            attrs["checked"] = True
        if attrs.get("id"):
            attrs["id"] = f"{base['id']}_{index}"
        rows.append(
            format_html(
                '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}" '
                'value="{}"{}><label for="{}" class="form-check-label">{}</label>{}</div>',
                widget.input_type,
                invalid,
                field.html_name,
                value,
                _flat(attrs),
                attrs.get("id", ""),
                label,
                _block_errors(field) if index == len(pairs) - 1 else "",
            )
        )
    described = field.aria_describedby
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset{}>{}<div>{}</div>{}</fieldset></div>',
        field.auto_id,
        format_html(' aria-describedby="{}"', described) if described else "",
        _crispy_label(field, "legend", " fs-6"),
        mark_safe("".join(rows)),  # noqa: S308 (each row built by format_html)
        _help(field),
    )


@register.simple_tag
def form_field(field: BoundField, choices=None) -> SafeString:
    """The field as `{{ field|as_crispy_field }}` draws it with the bootstrap5 pack (same ids,
    names, classes, label, help text and error markup: tests/core/test_form_tags.py compares
    them), in one pass of Python instead of crispy's nested templates and Django's widget
    templates (one per option). Text-like inputs, textareas, selects and checkbox lists.
    `choices`: (value, label) pairs read once by the view, instead of the field's queryset."""
    widget = field.field.widget
    if field.is_hidden:
        return field.as_widget()
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _checkboxes(field, choices)
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.Select):
        control = _select(field, _widget_attrs(field, "form-select" + invalid), choices)
    elif isinstance(widget, forms.Textarea):
        value = widget.format_value(field.value())
        control = format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            field.html_name,
            _flat(_widget_attrs(field, "form-control" + invalid)),
            value or "",
        )
    elif isinstance(widget, Input) and not isinstance(
        widget, forms.CheckboxInput | forms.FileInput
    ):
        value = widget.format_value(field.value())
        control = format_html(
            '<input type="{}" name="{}"{}{}>',
            widget.input_type,
            field.html_name,
            format_html(' value="{}"', value) if value is not None else "",
            _flat(_widget_attrs(field, "form-control" + invalid)),
        )
    else:  # anything else: crispy itself
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return as_crispy_field(field)
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        field.auto_id,
        _crispy_label(field) if field.label else "",
        control,
        _block_errors(field),
        _help(field),
    )
