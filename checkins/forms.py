from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.validators import validate_single_line
from mentorships.models import Goal, Mentorship, Milestone
from programs.models import EnrolmentSkill, Skill

from .models import Activity, CheckInTemplate

PULSE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
DATE_WIDGET = {"type": "date"}
TIME_WIDGET = {"type": "time"}


def relevant_skills(mentorship: Mentorship) -> tuple[QuerySet[Skill], list[Skill]]:
    """Skills the two enrolled with or their goals name; every skill if there are none. The
    queryset (what a submitted form may choose) and its rows, read once (one query when some
    are found)."""
    enrolled = EnrolmentSkill.objects.filter(
        enrolment__program_id=mentorship.program_id,
        enrolment__user_id__in=[mentorship.mentor_id, mentorship.mentee_id],
    ).values("skill_id")
    found = Skill.objects.filter(Q(pk__in=enrolled) | Q(goals__mentorship=mentorship)).distinct()
    rows = list(found)
    if rows:
        return found, rows
    every = Skill.objects.all()
    return every, list(every)


class LenientTemplateField(forms.ModelChoiceField):
    """A template retired since the form was opened is dropped, not a hidden-field error."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            return None


class TitleChoiceField(forms.ModelMultipleChoiceField):
    """Goals and milestones by their title: their __str__ is neutral, for the admin."""

    def label_from_instance(self, obj: Goal | Milestone) -> str:
        return obj.title


class CheckInForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=5, max_value=600, initial=45
    )
    activity = forms.ChoiceField(choices=Activity.choices)
    template = LenientTemplateField(
        queryset=CheckInTemplate.objects.none(), required=False, widget=forms.HiddenInput
    )
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.none(),
        required=False,
        label="Skills touched",
        widget=forms.CheckboxSelectMultiple,
    )
    goals = TitleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        label="Goals advanced",
        widget=forms.CheckboxSelectMultiple,
    )
    milestones = TitleChoiceField(
        queryset=Milestone.objects.none(),
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

    def __init__(self, *args, mentorship: Mentorship, templates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mentorship = mentorship
        self.fields["template"].queryset = templates
        skills, skill_rows = relevant_skills(mentorship)
        self.fields["skills"].queryset = skills
        goals = Goal.objects.filter(mentorship=mentorship)
        self.fields["goals"].queryset = goals
        milestones = Milestone.objects.filter(goal__mentorship=mentorship)
        self.fields["milestones"].queryset = milestones
        self.fields["date"].initial = timezone.localdate()
        # Each list read once, in the fields' order, for the page to draw
        # (core.templatetags.form_tags.form_field) instead of each field reading its queryset
        # again; the goals with their skills, for the learning suggestions under the form.
        self.goal_rows = list(goals.prefetch_related("skills"))
        self.choices = {
            "skills": self._pairs("skills", skill_rows),
            "goals": self._pairs("goals", self.goal_rows),
            # Milestones are goals': none to read when there is no goal.
            "milestones": self._pairs("milestones", list(milestones) if self.goal_rows else []),
        }

    def _pairs(self, name: str, rows: list) -> list[tuple[int, str]]:
        field = self.fields[name]
        return [(row.pk, field.label_from_instance(row)) for row in rows]


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
