"""core.drawn.field_html against the markup it replaces: exactly what
core.templatetags.form_tags.form_field draws, and what crispy-forms' bootstrap5
`as_crispy_field` draws, for each kind of field, blank, filled in and with errors."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from core.drawn import field_html
from core.templatetags.form_tags import form_field

COLOURS = [("", "Pick one…"), ("red", "Red & <b>bold</b>"), ("blue", 'Blue "sky"')]


class EveryKind(forms.Form):
    name = forms.CharField(max_length=20, help_text="Your <em>own</em> name.")
    email = forms.EmailField(required=False, label="E-mail <address>")
    count = forms.IntegerField(min_value=1, max_value=9, initial=3)
    day = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono", "spellcheck": False}),
        help_text="Only you see these.",
    )
    colour = forms.ChoiceField(choices=COLOURS, required=False)
    size = forms.TypedChoiceField(choices=[(1, "S"), (2, "M")], coerce=int)
    tags = forms.MultipleChoiceField(
        choices=[("a", "A & a"), ("b", "B")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Any of them.",
    )
    flags = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple
    )
    bare = forms.CharField(
        required=False, label="", widget=forms.TextInput(attrs={"autofocus": True})
    )
    safe = forms.CharField(required=False, label=mark_safe("Safe <i>label</i>"))
    secret = forms.CharField(required=False, widget=forms.HiddenInput)
    mood = forms.ChoiceField(choices=[("1", "1"), ("2", "2")], widget=forms.RadioSelect)


FILLED = {
    "name": 'Ada "the" <Countess> & co',
    "email": "not an email",
    "count": "12",
    "day": "2026-02-30",
    "notes": "Line one\n<script>alert(1)</script> & 'quotes'",
    "colour": "blue",
    "size": "2",
    "tags": ["a", "b"],
    "bare": "x",
    "safe": "<b>",
    "secret": 's"e',
    "mood": "2",
}


def _forms(data, **kwargs):
    made = []
    for _ in range(2):
        form = EveryKind(data, **kwargs)
        if data is not None:
            form.is_valid()
        made.append(form)
    return made


@pytest.mark.parametrize(
    ("data", "kwargs"),
    [
        (None, {}),
        (FILLED, {}),
        ({"name": "Ada", "count": "4", "size": "1", "flags": ["y"], "mood": "1"}, {}),
        (FILLED, {"auto_id": False}),
        (FILLED, {"prefix": "p", "auto_id": "f_%s"}),
    ],
)
def test_it_draws_every_kind_of_field_as_form_field_and_crispy_do(data, kwargs):
    ours, theirs = _forms(data, **kwargs)
    for name in EveryKind.base_fields:
        drawn = field_html(ours[name])
        if kwargs.get("auto_id") is not False:  # form_field draws id="" on checkboxes then
            assert drawn == str(form_field(theirs[name])), name
        assert parse_html(drawn) == parse_html(as_crispy_field(theirs[name])), name


def test_it_draws_given_choices_instead_of_the_fields_own():
    ours, theirs = _forms({"colour": "red", "tags": ["b"]})
    choices = {"colour": [("red", "Rouge"), ("green", "Vert")], "tags": [("b", "Bé")]}
    for name, pairs in choices.items():
        assert field_html(ours[name], pairs) == str(form_field(theirs[name], pairs))
