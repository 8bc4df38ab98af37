from django import forms

from .models import User


class ProfileForm(forms.ModelForm):
    """What an employee may change about themselves; the HR directory owns the rest."""

    class Meta:
        model = User
        fields = ["location", "timezone"]
        help_texts = {"timezone": "An IANA time zone such as Europe/London or Asia/Kolkata."}


class DirectorySearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)
