"""Company sign-in pages: OpenID Connect start and callback, and sign-out.

The callback parses the provider's answer, checks it (sso.oidc) and calls one service
(sso.services.external_sign_in). Every refusal is a page in plain words with the right status,
never a 500.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import oidc
from .selectors import oidc_enabled
from .services import SignInRefused, external_sign_in

logger = logging.getLogger(__name__)

PENDING = "oidc_pending"  # session: state -> what the callback needs to check the answer
PENDING_MAX = 5  # sign-ins started in other tabs and not finished
PENDING_SECONDS = 600
ID_TOKEN = "oidc_id_token"  # session: for the provider's sign-out (id_token_hint)
END_SESSION = "sso_end_session_url"

PROVIDER_ERRORS = {
    "access_denied": "The sign-in was cancelled, or your company's sign-in service did not "
    "let you into Tandem. Ask IT if you should have access.",
    "login_required": "Your company's sign-in service needs you to sign in again.",
    "interaction_required": "Your company's sign-in service needs you to sign in again.",
    "consent_required": "Your company's sign-in service needs your consent first.",
    "temporarily_unavailable": oidc.PROVIDER_DOWN,
    "server_error": oidc.PROVIDER_DOWN,
}
STALE = "This sign-in has already been used or has expired. Start again from the sign-in page."


def _failure(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "sso/failed.html", {"message": message}, status=status)


def _redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sso:oidc_callback"))


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@never_cache
@require_GET
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Start an OpenID Connect sign-in: off to the provider with state, nonce and PKCE."""
    if not oidc_enabled():
        raise Http404("OpenID Connect sign-in is not set up.")
    try:
        auth = oidc.authorization_request(redirect_uri=_redirect_uri(request))
    except oidc.OIDCError as exc:
        return _failure(request, exc.message, exc.status)
    now = time.time()
    pending = {
        s: p
        for s, p in request.session.get(PENDING, {}).items()
        if now - p.get("at", 0) < PENDING_SECONDS
    }
    pending = dict(sorted(pending.items(), key=lambda i: i[1]["at"])[-(PENDING_MAX - 1) :])
    pending[auth.state] = {
        "nonce": auth.nonce,
        "verifier": auth.code_verifier,
        "at": now,
        "next": _safe_next(request, request.GET.get("next", "")),
    }
    request.session[PENDING] = pending
    return redirect(auth.url)


@never_cache
@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code (or an error) and the state."""
    if not oidc_enabled():
        raise Http404("OpenID Connect sign-in is not set up.")
    state = request.GET.get("state", "")
    pending = request.session.get(PENDING, {})
    flow = pending.pop(state, None) if state else None
    if flow is not None:  # one use only, whatever happens next
        request.session[PENDING] = pending
    error = request.GET.get("error", "")
    if error:
        logger.info(
            "OIDC: the provider answered %s (%s)",
            error,
            request.GET.get("error_description", "")[:200],
        )
        message = PROVIDER_ERRORS.get(
            error, "Your company's sign-in service refused the sign-in. Try again, or ask IT."
        )
        return _failure(request, message, 400 if error != "server_error" else 502)
    code = request.GET.get("code", "")
    if flow is None or not code or time.time() - flow.get("at", 0) > PENDING_SECONDS:
        return _failure(request, STALE, 400)
    try:
        token = oidc.exchange_code(
            code=code, code_verifier=flow["verifier"], redirect_uri=_redirect_uri(request)
        )
        claims = oidc.verify_id_token(token["id_token"], nonce=flow["nonce"])
        external_sign_in(
            request=request,
            provider="oidc",
            issuer=claims["iss"],
            subject=claims["sub"],
            email=oidc.verified_email(claims),
            mfa=oidc.did_mfa(claims),
        )
    except oidc.OIDCError as exc:
        return _failure(request, exc.message, exc.status)
    except SignInRefused as exc:
        return _failure(request, exc.message, 403)
    request.session[ID_TOKEN] = token["id_token"]
    return redirect(flow.get("next") or settings.LOGIN_REDIRECT_URL)


class SignOutView(auth_views.LogoutView):
    """Sign-out (POST): ends the Tandem session; after an OpenID Connect sign-in, then sends the
    browser on to the provider's sign-out when it has one (end_session_endpoint)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(ID_TOKEN, "")
        by_oidc = request.session.get("signed_in_with") == "oidc"
        response = super().post(request, *args, **kwargs)
        if by_oidc and oidc_enabled():
            url = oidc.end_session_url(
                id_token=id_token,
                post_logout_redirect_uri=request.build_absolute_uri(reverse("login")),
            )
            if url:
                # A page of ours does the last step: the sign-out form's own redirects may only
                # stay on this site (Content-Security-Policy form-action 'self').
                request.session[END_SESSION] = url
                return redirect("sso:signed_out")
        return response


@never_cache
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    url = request.session.pop(END_SESSION, "")
    if not url:
        return redirect("login")
    return render(request, "sso/signed_out.html", {"provider_url": url})
