from django import forms
from django.conf import settings

from people.permissions import is_hr

from . import scopes
from .models import TokenKind


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="What uses it, e.g. “HR data warehouse nightly sync”.",
    )
    kind = forms.ChoiceField(
        choices=TokenKind.choices,
        initial=TokenKind.PERSONAL,
        help_text="A service token is for a company system; every HR coordinator can see and "
        "revoke it. It still acts with your access.",
    )
    scopes = forms.MultipleChoiceField(
        choices=scopes.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Read or write, per kind of data. Write includes read. A token never reaches "
        "more than you can see on the pages.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        min_value=1,
        initial=90,
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_in_days"].max_value = settings.API_TOKEN_MAX_DAYS
        self.fields["expires_in_days"].validators.append(
            forms.IntegerField(max_value=settings.API_TOKEN_MAX_DAYS).validators[-1]
        )
        if not is_hr(user):
            del self.fields["kind"]
