from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader

from outbox.services import email_enqueue

from .models import User, normalise_email


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of one person, labelled "Name · email" (two Ana Silvas stay apart)."""

    def label_from_instance(self, obj: User) -> str:
        return obj.label


class SignInForm(AuthenticationForm):
    """Sign-in by email, in the one spelling the lockout counts too."""

    sso_only_message = (
        "Sign-in refused. Passwords are for administrators only (break-glass): everyone else "
        "signs in with their company account."
    )

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data.get("username"))

    # SSO_ONLY (docs/identity.md): only superusers (break-glass) sign in with a password. Wrong
    # credentials and a right password of anyone else get the same answer, so the form tells
    # nothing about a password.
    def get_invalid_login_error(self):
        if settings.SSO_ONLY:
            return forms.ValidationError(self.sso_only_message, code="sso_only")
        return super().get_invalid_login_error()

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if settings.SSO_ONLY and not user.is_superuser:
            raise forms.ValidationError(self.sso_only_message, code="sso_only")


class ResetPasswordForm(PasswordResetForm):
    """Emails (through the worker) a reset link to every active account with this address,
    password set or not.

    Django's form skips accounts without a usable password, which left people created by an
    import (who have none until they choose one) with no way in.
    """

    def get_users(self, email: str):
        people = User.objects.filter(email__iexact=normalise_email(email), is_active=True)
        # SSO_ONLY: only superusers (break-glass) have a password to reset.
        return people.filter(is_superuser=True) if settings.SSO_ONLY else people

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        """Recorded in the email queue for the worker, not sent in the request: the page never
        waits on the mail server, and an outage only delays the link."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(kind="accounts.password_reset", to=to_email, subject=subject, body=body)


class ProfileForm(forms.ModelForm):
    """What an employee may change about themselves; the HR directory owns the rest."""

    class Meta:
        model = User
        fields = ["location", "timezone"]
        help_texts = {"timezone": "An IANA time zone such as Europe/London or Asia/Kolkata."}


class DirectorySearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)


class EraseForm(forms.Form):
    confirm_email = forms.CharField(
        label="Type the person's email address to confirm", max_length=254
    )

    def __init__(self, *args, person: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirm_email(self) -> str:
        value = self.cleaned_data["confirm_email"].strip().lower()
        if value != self.person.email.lower():
            raise forms.ValidationError("That is not this person's email address.")
        return value


class ColleagueSearchForm(forms.Form):
    # CharField refuses NUL characters, which PostgreSQL can't compare against.
    q = forms.CharField(
        max_length=100,
        required=False,
        strip=True,
        error_messages={"max_length": "Search for at most 100 characters."},
    )


class ActiveEmployeeEmailForm(forms.Form):
    """Names an active employee by work email: to grant them a role (privacy officer,
    leadership view)."""

    email = forms.EmailField(help_text="The person's work email address.")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if not User.objects.filter(email__iexact=email, is_active=True).exists():
            raise forms.ValidationError("No active employee has this email address.")
        return email


class EraseFindForm(forms.Form):
    """A privacy officer may not be HR: they find the person by the address in the request."""

    email = forms.EmailField(label="Email address of the person to erase")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        person = User.objects.filter(email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(
                "Nobody has this email address (or they are already erased)."
            )
        self.person = person
        return email
