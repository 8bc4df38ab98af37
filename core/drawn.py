"""What a template's tags and filters draw, for rows drawn in Python (`str.format` + `html.escape`)
that must give the same markup as the template they replace."""

from __future__ import annotations

from html import escape

from django import forms
from django.forms import BoundField, Form
from django.forms.widgets import Input
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime


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


# --- a form field as crispy-forms' bootstrap5 `as_crispy_field` draws it ----------------------
#
# crispy's markup (tests compare it with crispy's own; core.templatetags.form_tags.form_field
# is this, as a template tag), built by f-strings and html.escape rather than format_html:
# format_html escapes each argument through Django's lazy-aware wrappers and marks each piece
# safe, a few thousand calls for a form of fifteen fields (a check-in form page spent ~3 ms).


def _e(value) -> str:
    """conditional_escape without the lazy-string wrappers: safe text as it is, else escaped."""
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape(str(value))


def _attrs(attrs: dict) -> str:
    """Widget attributes as Django's attrs.html writes them: False and None left out, True
    bare."""
    return "".join(
        f" {_e(name)}" if value is True else f' {_e(name)}="{_e(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


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


def _block_errors(field: BoundField) -> str:
    errors = field.errors
    if not errors:
        return ""
    auto_id = _e(field.auto_id)
    return (
        f'<div id="{_e(getattr(errors, "field_id", None))}_error" class="invalid-feedback">'
        + "".join(
            f'<p id="error_{n}_{auto_id}"><strong>{_e(e)}</strong></p>'
            for n, e in enumerate(errors, 1)
        )
        + "</div>"
    )


def _help(field: BoundField) -> str:
    text = field.help_text
    if not text:
        return ""
    # As crispy: `help_text|safe` (the form's own text).
    if field.auto_id:
        return f'<div id="{_e(field.auto_id)}_helptext" class="form-text">{text}</div>'
    return f'<div class="form-text">{text}</div>'


REQUIRED_MARK = '<span class="asteriskField">*</span>'


def _label(field: BoundField, tag: str = "label", extra: str = "") -> str:
    required = field.field.required
    target = field.id_for_label
    for_target = f' for="{_e(target)}"' if target else ""
    required_class, mark = (" requiredField", REQUIRED_MARK) if required else ("", "")
    return (
        f'<{tag}{for_target} class="form-label{required_class}{extra}">'
        f"{_e(field.label)}{mark}</{tag}>"
    )


def _select(field: BoundField, attrs: dict, choices) -> str:
    # As Django's ChoiceWidget.optgroups: the first option whose value is among the field's
    # (None as ""), and only that one, is selected.
    values = field.field.widget.format_value(field.value())
    chosen = False
    options = []
    for value, label in field.field.choices if choices is None else choices:
        selected = not chosen and str(value) in values
        chosen |= selected
        options.append(
            f'<option value="{_e(value)}"{" selected" if selected else ""}>{_e(label)}</option>'
        )
    return f'<select name="{_e(field.html_name)}"{_attrs(attrs)}>{"".join(options)}</select>'


def _checkboxes(field: BoundField, choices) -> str:
    """crispy's radio_checkbox_select.html for a CheckboxSelectMultiple, in a <fieldset>."""
    widget = field.field.widget
    base = {"id": widget.attrs.get("id") or field.auto_id}
    base = {**widget.attrs, **field.build_widget_attrs(base)}
    values = set(widget.format_value(field.value()))
    invalid = " is-invalid" if field.errors else ""
    pairs = list(field.field.choices if choices is None else choices)
    name = _e(field.html_name)
    input_type = _e(widget.input_type)
    last = len(pairs) - 1
    rows = []
    for index, (value, label) in enumerate(pairs):
        attrs = dict(base)
        if str(value) in values:
            attrs["checked"] = True
        if attrs.get("id"):
            attrs["id"] = f"{base['id']}_{index}"
        else:  # no ids (auto_id=False): none drawn, as crispy
            attrs.pop("id", None)
        rows.append(
            f'<div class="form-check"><input type="{input_type}" class="form-check-input'
            f'{invalid}" name="{name}" value="{_e(value)}"{_attrs(attrs)}><label for="'
            f'{_e(attrs.get("id", ""))}" class="form-check-label">{_e(label)}</label>'
            f"{_block_errors(field) if index == last else ''}</div>"
        )
    described = field.aria_describedby
    described = f' aria-describedby="{_e(described)}"' if described else ""
    return (
        f'<div id="div_{_e(field.auto_id)}" class="mb-3"><fieldset{described}>'
        f"{_label(field, 'legend', ' fs-6')}<div>{''.join(rows)}</div>{_help(field)}"
        "</fieldset></div>"
    )


def field_html(field: BoundField, choices=None) -> str:
    """The field as `{{ field|as_crispy_field }}` draws it with the bootstrap5 pack (ids, names,
    classes, label, help text, errors, aria attributes; tests/core/test_drawn_fields.py and
    test_form_tags.py compare it with crispy's; `{% form_field %}` is this as a template tag),
    as one string. Text-like inputs, textareas, selects and checkbox lists; a hidden field as
    its widget; anything else through crispy itself. `choices`: (value, label) pairs read
    once by the view, instead of the field's own."""
    widget = field.field.widget
    if field.is_hidden:
        return str(field.as_widget())
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _checkboxes(field, choices)
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.Select):
        control = _select(field, _widget_attrs(field, "form-select" + invalid), choices)
    elif isinstance(widget, forms.Textarea):
        value = widget.format_value(field.value())
        control = (
            f'<textarea name="{_e(field.html_name)}"'
            f"{_attrs(_widget_attrs(field, 'form-control' + invalid))}>\n"
            f"{_e(value or '')}</textarea>"
        )
    elif isinstance(widget, Input) and not isinstance(
        widget, forms.CheckboxInput | forms.FileInput
    ):
        value = widget.format_value(field.value())
        value = "" if value is None else f' value="{_e(value)}"'
        control = (
            f'<input type="{_e(widget.input_type)}" name="{_e(field.html_name)}"{value}'
            f"{_attrs(_widget_attrs(field, 'form-control' + invalid))}>"
        )
    else:  # anything else: crispy itself
        from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

        return str(as_crispy_field(field))
    label = _label(field) if field.label else ""
    return (
        f'<div id="div_{_e(field.auto_id)}" class="mb-3">{label}{control}'
        f"{_block_errors(field)}{_help(field)}</div>"
    )
