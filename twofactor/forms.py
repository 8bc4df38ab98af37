from django import forms

from .services import normalise_code


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or (where allowed) a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
        error_messages={
            "required": "Type the code your authenticator app shows.",
            "max_length": "That is longer than any code: check what you typed.",
        },
    )

    def __init__(self, *args, recovery_allowed: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.recovery_allowed = recovery_allowed
        if recovery_allowed:
            self.fields["code"].help_text = (
                "The 6 digits your authenticator app shows for Tandem, or one of your recovery "
                "codes."
            )
        else:
            self.fields["code"].help_text = "The 6 digits your authenticator app shows for Tandem."
            self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError("Type the code your authenticator app shows.")
        if not self.recovery_allowed and not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError("The code is the 6 digits your authenticator app shows.")
        return code
