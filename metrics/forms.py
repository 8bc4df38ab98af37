from __future__ import annotations

from django import forms

from people.models import Department, User

from .models import OutcomeEvent, OutcomeKind


class DashboardFilterForm(forms.Form):
    """The GET filters applied to every figure on a dashboard."""

    program = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), required=False, empty_label="All departments"
    )
    cohort = forms.ChoiceField(required=False, help_text="Program start month")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        *args,
        programs: list[tuple[int, str]],
        cohorts: list[str],
        show_program: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", "All programs"), *programs]
        self.fields["cohort"].choices = [("", "All cohorts"), *[(c, c) for c in cohorts]]
        if not show_program:
            del self.fields["program"]
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the range must be on or after its start.")
        return data


class OutcomeEventForm(forms.ModelForm):
    employee_email = forms.EmailField(label="Employee email", help_text="Who the event is about.")

    class Meta:
        model = OutcomeEvent
        fields = [
            "kind",
            "occurred_on",
            "certification_name",
            "certification_issuer",
            "from_role",
            "to_role",
            "from_department",
            "to_department",
            "voluntary",
            "project_name",
            "rating",
            "note",
        ]
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
            "voluntary": forms.NullBooleanSelect(),
        }
        labels = {"occurred_on": "Date", "voluntary": "Voluntary departure?"}

    field_order = ["employee_email"]

    def clean_employee_email(self) -> str:
        email = self.cleaned_data["employee_email"].lower()
        self.employee = User.objects.filter(email__iexact=email).first()
        if self.employee is None:
            raise forms.ValidationError("No employee has this email address.")
        return email

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        required = {
            OutcomeKind.CERTIFICATION: ["certification_name", "certification_issuer"],
            OutcomeKind.PROJECT_OUTCOME: ["project_name", "rating"],
            OutcomeKind.DEPARTURE: ["voluntary"],
        }.get(kind, [])
        for name in required:
            if data.get(name) in (None, ""):
                self.add_error(name, "Required for this kind of event.")
        if kind == OutcomeKind.INTERNAL_MOVE and not (
            data.get("to_role") or data.get("to_department")
        ):
            self.add_error("to_role", "Give the new role or the new department.")
        return data


class OutcomeListFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *OutcomeKind.choices])
    q = forms.CharField(required=False, label="Employee", max_length=100)
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        # Its own ids: the event form on the same page has a `kind` field too.
        kwargs.setdefault("auto_id", "id_filter_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )


class OutcomeImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV, UTF-8, up to 5 MB. Download the template for the columns."
    )
