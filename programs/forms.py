from django import forms

from people.models import User

from .models import Program, Skill


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
            "name", "slug", "description", "purpose", "format", "start_date", "end_date",
            "meeting_cadence", "milestone_cadence", "mentor_expectations",
            "mentee_expectations", "meeting_expectations", "default_mentor_capacity",
            "min_group_size", "max_group_size", "requires_manager_approval", "coordinators",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "mentor_expectations": forms.Textarea(attrs={"rows": 3}),
            "mentee_expectations": forms.Textarea(attrs={"rows": 3}),
            "meeting_expectations": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "slug": "Short name for links, e.g. cloud-upskilling-2027.",
            "min_group_size": "Group format only.",
            "max_group_size": "Group format only.",
        }


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
