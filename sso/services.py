"""Signing in with the company's identity provider (OpenID Connect or SAML), one rule for both.

`external_sign_in` is called by the OIDC and SAML views once the provider's answer is verified
(signature, audience, expiry, replay). It decides who that is in Tandem:

1. the link (provider, issuer, subject) made at an earlier sign-in, if there is one;
2. otherwise, once, the active employee whose address (in its one spelling,
   `people.models.normalise_email`) is the one the provider vouches for, and only when the
   address's domain is in the provider's allowed domains (`OIDC_ALLOWED_DOMAINS`,
   `SAML_ALLOWED_DOMAINS`). With no allowed domains nobody is linked by address: only links a
   superuser made in the admin work. The link is then recorded, and later sign-ins use it even
   if the address changes at the provider;
3. nobody: refused, with a plain message. A person made inactive in Tandem (by HR, SCIM or
   erasure) is refused whatever the provider says.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.services import audit_record
from people.models import User, normalise_email

from .models import ExternalIdentity, Provider

logger = logging.getLogger(__name__)

MODEL_BACKEND = "people.backends.ModelBackend"


class SignInRefused(Exception):
    """The provider vouched for someone Tandem won't sign in; `message` is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allowed_domains(provider: str) -> frozenset[str]:
    """The email domains a first link may be made with, for this provider (lower case)."""
    names = getattr(settings, f"{provider.upper()}_ALLOWED_DOMAINS", None) or []
    return frozenset(d.strip().lower().lstrip("@") for d in names if d.strip())


def _domain(email: str) -> str:
    return email.rpartition("@")[2] if "@" in email else ""


def _link_by_email(*, provider: str, issuer: str, subject: str, email: str) -> ExternalIdentity:
    email = normalise_email(email)
    domains = allowed_domains(provider)
    if not email or not domains or _domain(email) not in domains:
        raise SignInRefused(
            "Your company account is not linked to a Tandem account, and Tandem does not link "
            "accounts from your email domain. Ask HR to add you."
        )
    # Locked: two first sign-ins of one person at once make one link, not a 500.
    person = User.objects.select_for_update().filter(email__iexact=email).first()
    if person is None:
        raise SignInRefused("Tandem has no account for your email address. Ask HR to add you.")
    if not person.is_active:
        raise SignInRefused("Your Tandem account is disabled. Ask HR if this is a mistake.")
    made_meanwhile = (
        ExternalIdentity.objects.filter(provider=provider, issuer=issuer, subject=subject)
        .select_related("user")
        .first()
    )
    if made_meanwhile is not None:
        return made_meanwhile
    if ExternalIdentity.objects.filter(user=person, provider=provider, issuer=issuer).exists():
        # Someone else at the same provider (a recycled address?) can't take the account over.
        raise SignInRefused(
            "Your Tandem account is already linked to another account at your company's "
            "sign-in service. Ask HR."
        )
    identity = ExternalIdentity.objects.create(
        user=person, provider=provider, issuer=issuer, subject=subject, email_at_link=email
    )
    audit_record(
        actor=person,
        action="sso.linked",
        obj=person,
        payload={"provider": provider, "issuer": issuer},
    )
    return identity


@transaction.atomic
def external_sign_in(
    *, request: HttpRequest, provider: str, issuer: str, subject: str, email: str, mfa: bool
) -> User:
    """Sign in the person the provider vouched for, linking them at their first sign-in.

    Raises SignInRefused with a message for the person; nothing is written then.
    """
    if provider not in Provider.values:
        raise ValueError(f"Unknown provider {provider!r}.")
    if not issuer or not subject:
        raise SignInRefused("Your company's sign-in service sent an incomplete answer.")
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(provider=provider, issuer=issuer, subject=subject)
        .first()
    )
    if identity is None:
        identity = _link_by_email(provider=provider, issuer=issuer, subject=subject, email=email)
    person = identity.user
    if not person.is_active:
        logger.info("SSO sign-in refused: person %s is inactive", person.pk)
        raise SignInRefused("Your Tandem account is disabled. Ask HR if this is a mistake.")
    identity.last_sign_in_at = timezone.now()
    identity.save(update_fields=["last_sign_in_at"])
    login(request, person, backend=MODEL_BACKEND)
    request.session["signed_in_with"] = provider
    request.session["mfa_by_idp"] = bool(mfa)
    audit_record(
        actor=person,
        action="sso.signed_in",
        obj=person,
        payload={"provider": provider, "issuer": issuer, "mfa": bool(mfa)},
    )
    return person
