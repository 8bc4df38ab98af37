"""Sign-in policy: one spelling of an address, the client's address, and the lockout rules.

django-axes counts failed sign-ins. Here it is told
- which username a try was for: `normalise_email`, the same function the sign-in form, the
  password reset and the lookup of an account use, so "ADA@x" and "ada@x" share one count;
- which address the try came from: `client_ip`, which believes X-Forwarded-For only as far as
  TRUSTED_PROXY_COUNT reverse proxies of our own vouch for it;
- when to lock: `LockoutHandler`, per (account, address) after AXES_FAILURE_LIMIT failures and
  per address after SIGN_IN_IP_FAILURE_LIMIT failures (higher: an office shares one address).
"""

from __future__ import annotations

import ipaddress
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

from .models import normalise_email

__all__ = ["LockoutHandler", "axes_username", "client_ip", "normalise_email", "sign_in_unlock"]

logger = logging.getLogger(__name__)


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised address a sign-in try was for."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        return normalise_email(credentials.get(field))
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return normalise_email(data.get(field))


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client, as far as our own reverse proxies can vouch for it.

    With TRUSTED_PROXY_COUNT = 0 (no proxy of ours in front) X-Forwarded-For is anyone's
    to write and is ignored: the client is REMOTE_ADDR. With N proxies, REMOTE_ADDR is the
    nearest proxy and each proxy appended the address it saw, so the client is the N-th hop
    from the right of `X-Forwarded-For, REMOTE_ADDR`; anything further left is the client's
    own claim. A request with fewer hops than that came round the proxies: its left-most
    hop is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = [remote]
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()] + hops
    client = hops[max(0, len(hops) - 1 - count)]
    return _valid_ip(client) or _valid_ip(remote)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, higher limit per client address.

    AXES_LOCKOUT_PARAMETERS is [("username", "ip_address"), "ip_address"]. Axes compares the
    larger of the two failure counts with one limit (AXES_FAILURE_LIMIT); the address count
    is shifted so that it reaches that limit when it reaches SIGN_IN_IP_FAILURE_LIMIT.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        head_start = settings.SIGN_IN_IP_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT
        return max(per_account, per_address - head_start)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # A successful sign-in clears that account's failures from that address only: it
        # must not wipe the address's count against other accounts (an insider signing in to
        # their own account between guesses at colleagues' passwords).
        username = axes_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count


def sign_in_unlock(email: str) -> int:
    """Forget every failed sign-in for this account, from every address (after a reset)."""
    count, _ = AccessAttempt.objects.filter(username=normalise_email(email)).delete()
    if count:
        logger.info("Sign-in lock cleared after a password was set.")
    return count


def uses_password(request: HttpRequest) -> bool:
    """Whether this session's person signs in with a Tandem password, so changing it (and the
    two-factor app that guards it) means something. Not after a company sign-in (the session
    says "oidc" or "saml", docs/identity.md), and not in SSO-only mode except for superusers."""
    if request.session.get("signed_in_with", "password") != "password":
        return False
    return not settings.SSO_ONLY or request.user.is_superuser
