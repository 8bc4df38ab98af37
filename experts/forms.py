from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from programs.forms import skill_choices
from programs.models import Skill

from .models import MAX_MONTHLY_SESSIONS, NOTE_MAX_LENGTH, DurationChoice, FlashSession
from .selectors import SharedSkill

WHEN_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
WHEN_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class FindForm(forms.Form):
    q = forms.CharField(
        label="Skill or name",
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. BGP, Terraform, a name"}
        ),
    )
    skill = forms.TypedChoiceField(label="Skill", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = skill_choices()
        choices[0] = ("", "Any skill")
        self.fields["skill"].choices = choices

    def skill_obj(self) -> Skill | None:
        pk = self.cleaned_data.get("skill") if self.is_valid() else None
        return Skill.objects.filter(pk=pk).first() if pk else None


class ProfileForm(forms.Form):
    listed = forms.BooleanField(
        label="List me in Ask an expert",
        required=False,
        help_text="Colleagues can find you by the skills you share and ask for a one-off session.",
    )
    monthly_sessions = forms.IntegerField(
        label="One-off sessions a month",
        min_value=0,
        max_value=MAX_MONTHLY_SESSIONS,
        help_text="0: listed, but not taking requests for now.",
    )
    share_program_skills = forms.BooleanField(
        label="Also show the skills I offer as a mentor in programs",
        required=False,
        help_text="With the level you gave when you enrolled as a mentor.",
    )
    skills = forms.ModelMultipleChoiceField(
        label="Skills you're happy to be asked about",
        queryset=Skill.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class BookForm(forms.Form):
    skill = forms.TypedChoiceField(label="Skill", coerce=int)
    note = forms.CharField(
        label="What would you like help with?",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only you and the expert can read this.",
    )
    duration_minutes = forms.TypedChoiceField(
        label="How long", choices=DurationChoice.choices, coerce=int, initial=DurationChoice.SHORT
    )
    option_1 = forms.DateTimeField(
        label="A time that suits you", widget=WHEN_WIDGET, input_formats=WHEN_FORMATS
    )
    option_2 = forms.DateTimeField(
        label="Another time (optional)",
        required=False,
        widget=WHEN_WIDGET,
        input_formats=WHEN_FORMATS,
    )
    option_3 = forms.DateTimeField(
        label="A third time (optional)",
        required=False,
        widget=WHEN_WIDGET,
        input_formats=WHEN_FORMATS,
    )

    def __init__(self, *args, skills: list[SharedSkill], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [
            (s.pk, f"{s.name} (level {s.level})" if s.level else s.name) for s in skills
        ]

    def options(self) -> list:
        return [self.cleaned_data.get(f"option_{i}") for i in (1, 2, 3)]


class AcceptForm(forms.Form):
    when = forms.ChoiceField(label="Time", widget=forms.RadioSelect)

    def __init__(self, *args, session: FlashSession, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["when"].choices = [
            (o.isoformat(), date_format(timezone.localtime(o), "l j F Y, H:i"))
            for o in session.options
        ]

    def clean_when(self):
        value = self.cleaned_data["when"]
        for option in self.session.options:
            if option.isoformat() == value:
                return option
        raise forms.ValidationError("Choose one of the proposed times.")


class CompleteForm(forms.Form):
    held = forms.TypedChoiceField(
        label="Did the session take place?",
        choices=[("yes", "Yes, it was held"), ("no", "No, it didn't happen")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
