"""The second step of a password sign-in counts toward the same lockout as the first.

There is one rule (people/signin.py, django-axes): failures are counted per (account, client
address) and per client address. A wrong code is one more failure of that count, recorded with
Django's `user_login_failed` signal like a wrong password; at the limit the session is signed
out and the lockout page shown. django-otp's own per-device back-off is turned off
(OTP_*_THROTTLE_FACTOR = 0) so there is no second, different rule.

A right password used to clear the account's failures from that address (AXES_RESET_ON_SUCCESS).
For a person with two-factor sign-in that would let someone who knows the password guess codes
for ever (four wrong codes, sign in again, four more): here only the second step clears them.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse

from people.signin import LockoutHandler as PasswordLockoutHandler
from people.signin import axes_username

from .selectors import has_two_factor_by_email


def _credentials(person) -> dict:
    return {"username": person.email}


class LockoutHandler(PasswordLockoutHandler):
    """people.signin's handler, except that a right password alone doesn't clear the failures
    of an account with two-factor sign-in: its right code does (`second_step_passed`)."""

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        if has_two_factor_by_email(axes_username(request, credentials)):
            return 0
        return super().reset_user_attempts(request, credentials)


def second_step_locked(request: HttpRequest, person) -> bool:
    return not AxesProxyHandler.is_allowed(request, _credentials(person))


def second_step_failed(request: HttpRequest, person) -> None:
    """Counts a wrong code as a failed sign-in of this account from this address."""
    user_login_failed.send(sender=__name__, credentials=_credentials(person), request=request)


def second_step_passed(request: HttpRequest, person) -> int:
    """Clears this account's failures from this address, as a full sign-in does."""
    AxesProxyHandler.update_request(request)
    return PasswordLockoutHandler.reset_user_attempts(
        AxesProxyHandler.get_implementation(), request, _credentials(person)
    )


def lockout_response(request: HttpRequest, person) -> HttpResponse:
    return get_lockout_response(request, None, _credentials(person))
