from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property

from core.validators import validate_single_line
from mentorships.models import Goal, Mentorship, Milestone
from programs.models import Skill

from . import selectors
from .models import Activity

PULSE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
DATE_WIDGET = {"type": "date"}
TIME_WIDGET = {"type": "time"}


class BuiltOnRead:
    """For a model choice field: its queryset built when first read (`build_on_read`), so a
    form whose page draws the field from rows read otherwise, or never validates it (a GET),
    builds no queryset for it. Declare the field with `queryset=None`."""

    _build = None

    @property
    def queryset(self):
        if self._build is not None:
            build, self._build = self._build, None
            forms.ModelChoiceField._set_queryset(self, build())
        return self._queryset

    @queryset.setter
    def queryset(self, queryset) -> None:
        self._build = None
        forms.ModelChoiceField._set_queryset(self, queryset)

    def build_on_read(self, build: Callable[[], QuerySet]) -> None:
        self._build = build
        # A form's copy of the field still lists the declared field's (no) choices; these
        # build the queryset only when iterated.
        self.widget.choices = ChoicesOnRead(self)


class ChoicesOnRead(BaseChoiceIterator):
    """A BuiltOnRead field's choices, as its widget lists them: the field's own once read."""

    def __init__(self, field: forms.ModelChoiceField) -> None:
        self.field = field

    def __iter__(self):
        return iter(self.field.choices)

    def __len__(self) -> int:
        return len(self.field.choices)


class LenientTemplateField(BuiltOnRead, forms.ModelChoiceField):
    """A template retired since the form was opened is dropped, not a hidden-field error."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class BuiltOnReadMultiple(BuiltOnRead, forms.ModelMultipleChoiceField):
    pass


class TitleChoiceField(BuiltOnReadMultiple):
    """Goals and milestones by their title: their __str__ is neutral, for the admin."""

    def label_from_instance(self, obj: Goal | Milestone) -> str:
        return obj.title


class CheckInForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=5, max_value=600, initial=45
    )
    activity = forms.ChoiceField(choices=Activity.choices)
    template = LenientTemplateField(queryset=None, required=False, widget=forms.HiddenInput)
    skills = BuiltOnReadMultiple(
        queryset=None,
        required=False,
        label="Skills touched",
        widget=forms.CheckboxSelectMultiple,
    )
    goals = TitleChoiceField(
        queryset=None,
        required=False,
        label="Goals advanced",
        widget=forms.CheckboxSelectMultiple,
    )
    milestones = TitleChoiceField(
        queryset=None,
        required=False,
        label="Milestones advanced",
        widget=forms.CheckboxSelectMultiple,
    )
    private_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Only the two of you ever see these notes.",
    )
    next_steps = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    next_meeting_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    next_meeting_time = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M"),
        help_text="With a date and time, you both get a calendar invitation (your time zone).",
    )
    shared_summary = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Optional. HR coordinators can read this summary — keep it free of anything private."
        ),
    )
    pulse = forms.TypedChoiceField(
        choices=PULSE_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        label="How useful was it? (1–5)",
        help_text="Only you see your score.",
    )

    def __init__(self, *args, mentorship: Mentorship, templates=None, **kwargs) -> None:
        """`templates`: the templates a submitted form may name (by default the program's
        available ones). Each list is read when first needed: the choices the page draws
        (`choices`, `goal_rows`) as rows, the querysets only to validate a submitted form."""
        super().__init__(*args, **kwargs)
        self.mentorship = mentorship
        fields = self.fields
        if templates is None:
            fields["template"].build_on_read(
                lambda: selectors.available_templates(mentorship.program_id)
            )
        else:
            fields["template"].queryset = templates
        fields["skills"].build_on_read(
            lambda: (
                selectors.relevant_skills(mentorship)
                if self._skill_rows[0]
                else Skill.objects.all()
            )
        )
        fields["goals"].build_on_read(lambda: Goal.objects.filter(mentorship=mentorship))
        fields["milestones"].build_on_read(
            lambda: Milestone.objects.filter(goal__mentorship=mentorship)
        )
        fields["date"].initial = timezone.localdate()

    @cached_property
    def _skill_rows(self) -> tuple[bool, list[tuple[int, str]]]:
        return selectors.relevant_skill_rows(self.mentorship)

    @cached_property
    def goal_rows(self) -> list[Goal]:
        """The pair's goals with their skills, for the page (its learning suggestions too)."""
        return selectors.pair_goals(self.mentorship)

    @cached_property
    def choices(self) -> dict[str, list[tuple[int, str]]]:
        """(value, label) pairs of the skills, goals and milestones, in the fields' order, for
        the page to draw (checkin_form_tags) instead of each field reading its queryset."""
        goals = self.goal_rows
        return {
            "skills": self._skill_rows[1],
            "goals": [(goal.pk, goal.title) for goal in goals],
            # Milestones are goals': none to read when there is no goal.
            "milestones": selectors.pair_milestone_choices(self.mentorship) if goals else [],
        }


class ActionItemForm(forms.Form):
    text = forms.CharField(
        max_length=300, required=False, label="Action item", validators=[validate_single_line]
    )
    owner = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )

    def __init__(self, *args, owners: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Owner…"), *owners]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("text") and not data.get("owner"):
            self.add_error("owner", "Choose who owns this item.")
        if not data.get("text") and (data.get("owner") or data.get("due_date")):
            self.add_error("text", "Describe the action item, or clear this row.")
        return data


ActionItemFormSet = forms.formset_factory(ActionItemForm, extra=2, max_num=10, validate_max=True)


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=120, validators=[validate_single_line])
    agenda = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))


class ResetForm(forms.Form):
    note = forms.CharField(
        label="Why is this pairing reset?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded on the mentorship as the reason it ended.",
    )


class RecognitionForm(forms.Form):
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="Sent by email to the mentor's manager.",
    )


class PulseForm(forms.Form):
    score = forms.TypedChoiceField(choices=PULSE_CHOICES, coerce=int)


class DoneForm(forms.Form):
    done = forms.BooleanField(required=False)


class MeetingForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    time = forms.TimeField(
        widget=forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M"),
        help_text="In your time zone (your profile).",
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=15, max_value=480, initial=60
    )
