from django import forms

from core.validators import validate_single_line
from people.forms import PersonChoiceField
from people.models import User
from programs.models import EnrolmentRole, EnrolmentStatus, Format, Program, Skill

from .models import LIVE_STATUSES, Agreement, EndReason, Goal, GoalStatus


class DateInput(forms.DateInput):
    input_type = "date"


def _enrolled(program: Program, roles: tuple[str, ...]):
    return User.objects.filter(
        enrolments__program=program,
        enrolments__status=EnrolmentStatus.APPROVED,
        enrolments__role__in=roles,
    ).order_by("full_name")


def _roles(program: Program, role: str) -> tuple[str, ...]:
    return (EnrolmentRole.PEER,) if program.format == Format.PEER else (role,)


class LoadChoiceField(PersonChoiceField):
    """Shows each mentor's places in use, so HR sees who has room before saving."""

    load: dict[int, tuple[int, int]] = {}

    def label_from_instance(self, obj: User) -> str:
        used, capacity = self.load.get(obj.pk, (0, 0))
        return f"{obj.label} — {used}/{capacity} mentees"


class PairingCreateForm(forms.Form):
    mentor = LoadChoiceField(queryset=User.objects.none())
    mentee = PersonChoiceField(queryset=User.objects.none())
    note = forms.CharField(
        label="Why this pairing",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Optional: kept in the pairing's history for other coordinators.",
    )

    def __init__(self, *args, program: Program, load: dict[int, tuple[int, int]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = _enrolled(program, _roles(program, EnrolmentRole.MENTOR))
        self.fields["mentor"].load = load
        mentees = _enrolled(program, _roles(program, EnrolmentRole.MENTEE))
        if program.format != Format.PEER:
            # Only people still waiting for a mentor; refusals for the rest are noise.
            mentees = mentees.exclude(
                mentorships_as_mentee__program=program,
                mentorships_as_mentee__status__in=LIVE_STATUSES,
            )
        self.fields["mentee"].queryset = mentees
        if program.format == Format.PEER:
            self.fields["mentor"].label, self.fields["mentee"].label = "First peer", "Second peer"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required. Kept in the pairing's history.",
    )


class EndForm(forms.Form):
    end_reason = forms.ChoiceField(
        label="Why it ends",
        choices=[(v, label) for v, label in EndReason.choices if v != EndReason.REASSIGNED],
    )
    reason = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required. Kept in the pairing's history.",
    )


class ReassignForm(forms.Form):
    new_mentor = PersonChoiceField(queryset=User.objects.none(), label="New mentor")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required. Kept in the history of both pairings.",
    )

    def __init__(self, *args, program: Program, exclude_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_mentor"].queryset = _enrolled(
            program, _roles(program, EnrolmentRole.MENTOR)
        ).exclude(pk__in=exclude_ids)


class ResolveForm(forms.Form):
    ACTIONS = [
        ("reset", "Reset: end this pairing (or reassign if you pick a new mentor)"),
        ("dismiss", "Dismiss: keep the pairing as it is"),
    ]
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect)
    new_mentor = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="New mentor (optional)",
        help_text="Leave empty to end the pairing without a replacement.",
    )
    note = forms.CharField(
        label="Resolution",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Required. What you decided and why.",
    )

    def __init__(self, *args, program: Program, exclude_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_mentor"].queryset = _enrolled(
            program, _roles(program, EnrolmentRole.MENTOR)
        ).exclude(pk__in=exclude_ids)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "dismiss" and data.get("new_mentor"):
            self.add_error("new_mentor", "A dismissed request keeps the current mentor.")
        return data


class ResetRequestForm(forms.Form):
    reason = forms.CharField(
        label="What isn't working",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Only HR coordinators of this program see this. The other person is not told.",
    )


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["meeting_frequency", "channel", "confidentiality", "mentor_owns", "mentee_owns"]
        labels = {
            "meeting_frequency": "How often we meet",
            "channel": "Where we meet (e.g. Teams video, in person at the office)",
            "confidentiality": "Confidentiality of notes",
            "mentor_owns": "What the mentor owns",
            "mentee_owns": "What the mentee owns",
        }
        widgets = {
            "confidentiality": forms.Textarea(attrs={"rows": 2}),
            "mentor_owns": forms.Textarea(attrs={"rows": 2}),
            "mentee_owns": forms.Textarea(attrs={"rows": 2}),
        }


class GoalForm(forms.ModelForm):
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.order_by("category", "name"),
        required=True,
        help_text="One or more skills or competencies this goal builds.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    status = forms.ChoiceField(choices=GoalStatus.choices, initial=GoalStatus.NOT_STARTED)

    class Meta:
        model = Goal
        fields = ["title", "description", "success_measure", "target_date", "status", "skills"]
        widgets = {
            "target_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "success_measure": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "title": "e.g. “Run the on-call rotation solo”.",
            "success_measure": "How you both will know it's achieved.",
        }


class MilestoneRowForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, validators=[validate_single_line])
    due_date = forms.DateField(required=False, widget=DateInput())

    def clean(self) -> dict:
        data = super().clean()
        if data.get("title") and not data.get("due_date"):
            self.add_error("due_date", "Give this milestone a due date.")
        if data.get("due_date") and not data.get("title"):
            self.add_error("title", "Give this milestone a title, or clear its date.")
        return data


MilestoneFormSet = forms.formset_factory(MilestoneRowForm, extra=0, max_num=24, absolute_max=24)


class EvidenceForm(forms.Form):
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Optional: a link or a line on what shows it's done.",
    )
