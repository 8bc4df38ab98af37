"""Reads: who has two-factor sign-in, who must, and how the session was signed in."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set by the sign-in paths: "password" (people's sign-in form; a session without the key counts
# as a password sign-in), "oidc" or "saml" (the identity provider's sign-in, which asks for its
# own second factor). Only password sign-ins are asked for a code here.
SIGNED_IN_WITH = "signed_in_with"
PASSWORD = "password"
RECOVERY_CODE_COUNT = 10


def signed_in_with(request: HttpRequest) -> str:
    return request.session.get(SIGNED_IN_WITH) or PASSWORD


def signed_in_with_password(request: HttpRequest) -> bool:
    return signed_in_with(request) == PASSWORD and not request.session.get("mfa_by_idp")


def authenticator_of(person) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they set one up."""
    if not getattr(person, "pk", None):
        return None
    return TOTPDevice.objects.filter(user=person, confirmed=True).order_by("pk").first()


def has_two_factor(person) -> bool:
    return (
        bool(getattr(person, "pk", None))
        and TOTPDevice.objects.filter(user=person, confirmed=True).exists()
    )


def has_two_factor_by_email(email: str) -> bool:
    return TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).exists()


def recovery_codes_left(person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


def recovery_device_of(person) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=person).order_by("pk").first()


def has_required_role(person) -> bool:
    """HR coordinators, privacy officers, staff and superusers: they reach everyone's records."""
    return bool(
        person.is_active
        and (
            person.is_hr_coordinator
            or person.is_privacy_officer
            or person.is_staff
            or person.is_superuser
        )
    )


def two_factor_required(person) -> bool:
    """Whether this person may not work without two-factor sign-in (TWO_FACTOR_REQUIRED)."""
    return bool(settings.TWO_FACTOR_REQUIRED and has_required_role(person))


# Whether the signed-in person has an authenticator app, remembered in their session so that a
# page costs no query for it. Set when they sign in (any way in); this session's own setup
# or turning off updates it; a reset by a superuser is noticed by the code page. An app set up
# in another session is asked for from the next sign-in on.
HAS_APP = "twofactor_has_app"


def session_has_two_factor(request: HttpRequest) -> bool:
    value = request.session.get(HAS_APP)
    if value is None:
        value = request.session[HAS_APP] = has_two_factor(request.user)
    return bool(value)


def session_remember_two_factor(request: HttpRequest, value: bool) -> None:
    request.session[HAS_APP] = value


def remember_two_factor_at_sign_in(sender, request, user, **kwargs) -> None:
    """user_logged_in: read once per sign-in whether the person has an app."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_APP] = has_two_factor(user)
