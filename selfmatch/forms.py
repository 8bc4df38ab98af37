from django import forms

from programs.models import MeetingMode

from .models import MAX_CHOICES, NOTE_MAX_LENGTH, ProgramMatching

TIMEZONE_CHOICES = [("", "Any time zone"), ("0", "Same time as me"), ("2", "Within 2 hours")] + [
    (str(h), f"Within {h} hours") for h in (4, 8)
]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ProgramMatching
        fields = ["mode", "response_days", "max_choices", "closes_on"]
        widgets = {
            "mode": forms.RadioSelect,
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "mode": "Self-match: mentees choose mentors, who accept or decline. Hybrid: "
            "self-match first, then on the closing day a matching run pairs everyone left.",
            "response_days": "A request a mentor hasn't answered by then goes to the mentee's "
            "next choice.",
            "max_choices": f"Up to {MAX_CHOICES}, in order of preference.",
        }


class FilterForm(forms.Form):
    skill = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    department = forms.ChoiceField(required=False)
    within = forms.TypedChoiceField(
        choices=TIMEZONE_CHOICES, coerce=int, required=False, empty_value=None, label="Time zone"
    )
    meeting = forms.ChoiceField(
        choices=[("", "Any way of meeting"), *MeetingMode.choices],
        required=False,
        label="Meets by",
    )

    def __init__(self, *args, skills, departments, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", "Any skill"), *skills]
        self.fields["department"].choices = [("", "Any department")] + [(d, d) for d in departments]


class AskForm(forms.Form):
    first = forms.TypedChoiceField(coerce=int, label="First choice")
    second = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Second choice"
    )
    third = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Third choice"
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        label="A short note to the mentor",
        help_text="Only the mentors you ask read it. Say what you hope to learn.",
    )

    def __init__(self, *args, mentors: list[tuple[int, str]], max_choices: int, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first", "second", "third"):
            self.fields[name].choices = [("", "—"), *mentors]
        for name in ("second", "third")[max(max_choices - 1, 0) :]:
            del self.fields[name]

    def mentor_ids(self) -> list[int]:
        names = [n for n in ("first", "second", "third") if n in self.cleaned_data]
        return [self.cleaned_data[n] for n in names if self.cleaned_data[n] is not None]


class HRStepForm(forms.Form):
    mentor = forms.TypedChoiceField(coerce=int, label="Mentor")

    def __init__(self, *args, mentors: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].choices = mentors
