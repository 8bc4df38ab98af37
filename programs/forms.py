from django import forms

from people.models import User

from .models import Enrolment, EnrolmentRole, Program, Skill, SkillCategory
from .services import SkillRow


class DateInput(forms.DateInput):
    input_type = "date"


class ProgramForm(forms.ModelForm):
    coordinators = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_hr_coordinator=True, is_active=True),
        required=False,
        help_text="Other HR coordinators who manage this program with you.",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "slug",
            "description",
            "purpose",
            "format",
            "start_date",
            "end_date",
            "meeting_cadence",
            "milestone_cadence",
            "mentor_expectations",
            "mentee_expectations",
            "meeting_expectations",
            "default_mentor_capacity",
            "min_group_size",
            "max_group_size",
            "requires_manager_approval",
            "coordinators",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "slug": forms.TextInput(attrs={"data-slug-from": "id_name"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "mentor_expectations": forms.Textarea(attrs={"rows": 3}),
            "mentee_expectations": forms.Textarea(attrs={"rows": 3}),
            "meeting_expectations": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "slug": "The program's name in links, e.g. cloud-upskilling-2027: filled in from "
            "the name as you type; change it if you like, or leave it blank and one is made up.",
            "min_group_size": "Group format only.",
            "max_group_size": "Group format only.",
        }
        labels = {"slug": "Short name for links"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Blank: a unique one is made from the name (programs.services.program_unique_slug).
        self.fields["slug"].required = False

    def clean_slug(self) -> str:
        # Left blank on an edit: the program keeps its slug, so its links keep working.
        return self.cleaned_data.get("slug") or (self.instance.slug if self.instance.pk else "")


class StatusForm(forms.Form):
    status = forms.CharField(max_length=20)


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "category", "description"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = Skill.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("A skill with this name already exists.")
        return name


# --- enrolment ---------------------------------------------------------------------------

LEVELS = [
    (n, f"{n} – {label}")
    for n, label in [
        (1, "aware"),
        (2, "beginner"),
        (3, "practitioner"),
        (4, "advanced"),
        (5, "expert"),
    ]
]


def skill_choices() -> list:
    """Skills grouped by category, built once per request and shared by every row."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for pk, name, category in Skill.objects.order_by("category", "name").values_list(
        "pk", "name", "category"
    ):
        grouped.setdefault(SkillCategory(category).label, []).append((pk, name))
    return [("", "— choose a skill —"), *grouped.items()]


class SkillRowForm(forms.Form):
    """One skill: mentors give their proficiency; mentees their current and target level."""

    skill = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    level = forms.TypedChoiceField(coerce=int, choices=LEVELS, required=False, empty_value=None)
    target_level = forms.TypedChoiceField(
        coerce=int,
        choices=[("", "—"), *LEVELS],
        required=False,
        empty_value=None,
        label="Target level",
    )

    def __init__(self, *args, role: str, choices: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.fields["skill"].choices = choices
        self.fields["level"].label = (
            "Proficiency" if role == EnrolmentRole.MENTOR else "Current level"
        )
        if role == EnrolmentRole.MENTOR:
            del self.fields["target_level"]
        elif role == EnrolmentRole.PEER:
            self.fields["target_level"].help_text = "Only for a skill you want to grow."

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("skill"):
            return data  # a blank row is simply ignored
        level, target = data.get("level"), data.get("target_level")
        if level is None:
            self.add_error("level", "Choose a level for this skill.")
        if self.role == EnrolmentRole.MENTEE and target is None:
            self.add_error("target_level", "Choose the level you want to reach.")
        if level is not None and target is not None and target <= level:
            self.add_error("target_level", "The target must be above your current level.")
        return data

    def row(self) -> SkillRow | None:
        data = self.cleaned_data
        if not data.get("skill"):
            return None
        return SkillRow(data["skill"], data["level"], data.get("target_level"))


class BaseSkillFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[int] = set()
        for form in self.forms:
            skill = form.cleaned_data.get("skill")
            if skill is None:
                continue
            if skill in seen:
                form.add_error("skill", "This skill is already listed above.")
            seen.add(skill)
        if not seen:
            raise forms.ValidationError("Add at least one skill.")

    def rows(self) -> list[SkillRow]:
        return [row for form in self.forms if (row := form.row())]


def skill_formset(role: str, *, data=None, initial: list[dict] | None = None) -> BaseSkillFormSet:
    initial = initial or []
    # Always leave a few blank rows so people can add skills without JavaScript.
    blanks = max(4 - len(initial), 2)
    formset_class = forms.formset_factory(
        SkillRowForm, formset=BaseSkillFormSet, extra=blanks, max_num=12, validate_max=True
    )
    return formset_class(
        data=data,
        initial=initial,
        prefix="skills",
        form_kwargs={"role": role, "choices": skill_choices()},
    )


class EnrolmentForm(forms.ModelForm):
    avoid_emails = forms.CharField(
        label="People to avoid (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "name@company.com, one per line"}),
        help_text="Colleagues you'd rather not be paired with, by work email. Only HR sees this.",
    )

    class Meta:
        model = Enrolment
        fields = [
            "capacity",
            "career_track",
            "career_goal",
            "communication_style",
            "meeting_mode",
            "years_experience",
            "seniority",
            "hours_per_month",
            "prefer_other_department",
            "languages",
            "will_not_mentor_skills",
            "will_not_mentor_departments",
        ]
        labels = {
            "capacity": "How many mentees at once",
            "career_track": "Career track you're aiming for",
            "career_goal": "Your goal, in your own words",
            "communication_style": "Communication style",
            "meeting_mode": "Preferred meeting mode",
            "years_experience": "Years in IT",
            "hours_per_month": "Hours available per month",
            "prefer_other_department": "I'd prefer someone from another department",
            "languages": "Languages you can work in (optional)",
            "will_not_mentor_skills": "Skills I won't mentor (optional)",
            "will_not_mentor_departments": "Departments I won't mentor (optional)",
        }
        widgets = {
            "career_goal": forms.Textarea(attrs={"rows": 3}),
            "languages": forms.TextInput(attrs={"placeholder": "English, German"}),
            "will_not_mentor_skills": forms.SelectMultiple(attrs={"size": 6}),
            "will_not_mentor_departments": forms.SelectMultiple(attrs={"size": 4}),
        }
        help_texts = {
            "capacity": "",
            "languages": "Separated by commas. Programs may pair only people who share one.",
            "will_not_mentor_skills": "Matching never pairs you with a mentee for these alone, "
            "and doesn't count them as skills you offer.",
            "will_not_mentor_departments": "Matching never pairs you with mentees from these.",
        }

    def __init__(self, *args, role: str, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role = role
        self.user = user
        if role != EnrolmentRole.MENTOR:
            del self.fields["capacity"]
        if role == EnrolmentRole.MENTEE:
            self.fields["career_track"].required = True
        if role == EnrolmentRole.MENTOR:
            del self.fields["career_track"], self.fields["career_goal"]
        else:
            del self.fields["will_not_mentor_skills"], self.fields["will_not_mentor_departments"]
        if self.instance.pk and not self.is_bound:
            self.initial["avoid_emails"] = "\n".join(
                self.instance.avoid.order_by("email").values_list("email", flat=True)
            )

    def clean_avoid_emails(self) -> list[User]:
        raw = self.cleaned_data["avoid_emails"]
        emails = {e.strip().lower() for e in raw.replace(",", "\n").replace(";", "\n").split()}
        emails.discard("")
        found = list(User.objects.filter(email__in=emails, is_active=True))
        unknown = sorted(emails - {u.email.lower() for u in found})
        if unknown:
            raise forms.ValidationError(f"No colleague with this email: {', '.join(unknown)}.")
        return found

    # The service's argument each form field feeds, where the names differ: its errors (e.g.
    # "You can't avoid yourself.", refused by the service only) are shown on that field.
    SERVICE_FIELDS = {"avoid": "avoid_emails"}

    def details(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "avoid_emails"}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you decline; your report sees it.",
    )
    # A decline without a reason is refused by services.enrolment_decide, shown on `reason`.
