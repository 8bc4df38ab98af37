"""Keeps a half-signed-in session on the two-factor pages.

After django-otp's OTPMiddleware, for a session signed in with a password (not through the
identity provider, which asks for its own second factor):
- a person with an authenticator app who hasn't typed a code yet is sent to the code page;
- when TWO_FACTOR_REQUIRED is on, an HR coordinator, privacy officer, staff member or superuser
  without an authenticator app is sent to set one up.
Only signing out and the two-factor pages themselves stay open (health checks and static files
are answered before this middleware runs).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .selectors import session_has_two_factor, signed_in_with_password, two_factor_required

# URL names that stay open to a session that still owes its second step.
OPEN_WHILE_VERIFYING = frozenset({"logout", "twofactor:verify"})
# ... and, on top, to someone whose role requires setting up an app they don't have yet.
OPEN_WHILE_SETTING_UP = OPEN_WHILE_VERIFYING | {
    "twofactor:setup",
    "twofactor:recovery_codes",
    "twofactor:recovery_download",
}


def _with_next(url: str, request: HttpRequest) -> str:
    if request.method == "GET" and request.get_full_path() != "/":
        return f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return None
        if not signed_in_with_password(request) or user.is_verified():
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if session_has_two_factor(request):
            if name not in OPEN_WHILE_VERIFYING:
                return HttpResponseRedirect(_with_next(reverse("twofactor:verify"), request))
        elif two_factor_required(user) and name not in OPEN_WHILE_SETTING_UP:
            return HttpResponseRedirect(_with_next(reverse("twofactor:setup"), request))
        return None
