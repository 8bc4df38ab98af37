from django import forms

from people.models import User
from programs.models import Skill

from .models import Certification, Resource, ResourceKind, validate_web_link


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ResourceForm(forms.ModelForm):
    skill = forms.ModelChoiceField(queryset=Skill.objects.order_by("name"))
    url = forms.URLField(
        label="Link",
        max_length=500,
        assume_scheme="https",
        validators=[validate_web_link],
        help_text="A web address starting with https:// (or http://).",
    )

    class Meta:
        model = Resource
        fields = ["skill", "title", "provider", "url", "kind", "level"]
        help_texts = {
            "url": "A web address starting with https:// (or http://).",
            "level": "The skill level (1–5) this resource suits best.",
            "provider": "e.g. “Microsoft Learn”, “O'Reilly”, “kubernetes.io”.",
        }


class ResourceFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.order_by("name"), required=False, empty_label="All skills"
    )
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *ResourceKind.choices])


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="UTF-8 CSV, at most 2 MB.")


class CertificationForm(forms.ModelForm):
    url = forms.URLField(
        label="Link",
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[validate_web_link],
    )
    skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.order_by("name"),
        required=False,
        help_text="Skills the exam covers: a goal for it touches them, and suggests their "
        "resources.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Certification
        fields = ["name", "issuer", "objectives", "url", "skills"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 6})}


class CertificationGoalForm(forms.Form):
    certification = forms.ModelChoiceField(
        queryset=Certification.objects.order_by("name"), empty_label="Choose a certification"
    )
    target_date = forms.DateField(widget=DateInput(), help_text="When you plan to sit the exam.")


PASSED_CHOICES = [("yes", "Passed"), ("no", "Not passed this time")]


class ExamResultForm(forms.Form):
    taken_on = forms.DateField(label="Exam date", widget=DateInput())
    result = forms.ChoiceField(choices=PASSED_CHOICES, widget=forms.RadioSelect)

    @property
    def passed(self) -> bool:
        return self.cleaned_data["result"] == "yes"


class ExamResultAnyoneForm(ExamResultForm):
    """HR records an exam for anyone (participants or not: the comparison group's figures)."""

    employee_email = forms.EmailField(label="Employee's work email")
    certification = forms.ModelChoiceField(
        queryset=Certification.objects.order_by("name"), empty_label="Choose a certification"
    )
    prepared_from = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Started preparing on",
        help_text="Optional: the time to certify runs from here.",
    )
    field_order = ["employee_email", "certification", "prepared_from", "taken_on", "result"]

    def clean_employee_email(self) -> str:
        email = self.cleaned_data["employee_email"].lower()
        self.employee = User.objects.filter(email__iexact=email, is_active=True).first()
        if self.employee is None:
            raise forms.ValidationError("No active employee has this email address.")
        return email
