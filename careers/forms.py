from django import forms

from people.models import JobFamily
from programs.models import Skill

from .models import WorkRole

LEVELS = [(i, str(i)) for i in range(1, 6)]
MAX_UPLOAD = 2 * 1024 * 1024


class RoleForm(forms.Form):
    title = forms.CharField(max_length=120)
    family = forms.ChoiceField(choices=JobFamily.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequirementForm(forms.Form):
    skill = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    level = forms.TypedChoiceField(choices=LEVELS, coerce=int, required=False, initial=3)

    def __init__(self, *args, skill_choices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", "—"), *skill_choices]


_RequirementFormSet = forms.formset_factory(RequirementForm, extra=3, max_num=40, can_delete=True)


def requirement_formset(data=None, initial=None):
    """The required-skills rows; the skills list is read once for all of them."""
    skills = {s.pk: s for s in Skill.objects.order_by("name")}
    choices = [(pk, s.name) for pk, s in skills.items()]
    formset = _RequirementFormSet(
        data, initial=initial, prefix="req", form_kwargs={"skill_choices": choices}
    )
    formset.skills = skills
    return formset


class ChecklistItemForm(forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.all())
    level = forms.TypedChoiceField(choices=LEVELS, coerce=int, initial=3)
    text = forms.CharField(max_length=200, label="What the person can show")


class PathForm(forms.Form):
    to_role = forms.ModelChoiceField(queryset=WorkRole.objects.all(), label="Leads to")


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV or JSON, as exported from this page (at most 2 MB).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 2 MB.")
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("Save the file as UTF-8 and upload it again.") from None
        if "\x00" in text:
            raise forms.ValidationError("This is not a text file.")
        name = (upload.name or "").lower()
        fmt = "json" if name.endswith(".json") or text.lstrip().startswith("{") else "csv"
        return fmt, text


class TargetRoleForm(forms.Form):
    role = forms.ModelChoiceField(
        queryset=WorkRole.objects.order_by("title"), label="Target role", empty_label="Choose…"
    )


class ProgramCareersForm(forms.Form):
    default_role = forms.ModelChoiceField(
        queryset=WorkRole.objects.order_by("title"),
        required=False,
        label="Target role for mentees who haven't chosen one",
    )
    gap_as_sought_skills = forms.BooleanField(
        required=False, label="Matching uses each mentee's gap as the skills they seek"
    )


class EvidenceForm(forms.Form):
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    milestone = forms.IntegerField(required=False, widget=forms.HiddenInput)
    link = forms.URLField(required=False, max_length=500, assume_scheme="https")
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    checkin = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="From the check-in"
    )

    def __init__(self, *args, checkins=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checkin"].choices = [("", "—")] + [
            (c.pk, f"{c.date:%d %b %Y} · {c.get_activity_display()}") for c in checkins
        ]
