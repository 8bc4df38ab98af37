from __future__ import annotations

from django import forms

from core.validators import validate_single_line

from .models import EventKind

ALL_PROGRAMS = ""


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        validators=[validate_single_line],
        help_text="Where Tandem POSTs the events: an http:// or https:// address.",
    )
    description = forms.CharField(max_length=200, required=False, validators=[validate_single_line])
    events = forms.MultipleChoiceField(
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Events never carry private notes or any other text the pair wrote.",
    )


class EndpointCreateForm(EndpointForm):
    program = forms.ChoiceField(
        required=False,
        help_text="An endpoint receives the events of one program, or of every program (staff).",
    )

    def __init__(self, *args, programs, allow_global: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.programs = {str(p.pk): p for p in programs}
        choices = [(pk, p.name) for pk, p in self.programs.items()]
        if allow_global:
            choices.insert(0, (ALL_PROGRAMS, "Every program"))
        self.fields["program"].choices = choices
        self.order_fields(["program", "url", "description", "events"])

    def clean_program(self):
        value = self.cleaned_data["program"]
        return self.programs.get(value) if value != ALL_PROGRAMS else None


class EndpointEditForm(EndpointForm):
    active = forms.BooleanField(
        required=False,
        help_text="Untick to pause; tick again to resume and send what waited.",
    )
    rotate_secret = forms.BooleanField(
        required=False,
        label="Generate a new secret",
        help_text="The old secret stops working at once: update the receiver too.",
    )
