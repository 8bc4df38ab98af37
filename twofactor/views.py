from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services, signin
from .forms import CodeForm
from .qr import qr_svg
from .selectors import (
    authenticator_of,
    has_two_factor,
    recovery_codes_left,
    session_remember_two_factor,
    signed_in_with_password,
    two_factor_required,
)

PENDING_KEY = "twofactor_pending_key"  # the secret being set up, until a code confirms it
NEW_CODES = "twofactor_new_codes"  # recovery codes just made, until the person has saved them

WRONG_CODE = (
    "That code is not right. Type the 6 digits your authenticator app shows now "
    "(check that your phone's clock is set automatically), or a recovery code."
)
USED_CODE = (
    "That code has already been used. Wait for your authenticator app to show the "
    "next one (a new code comes every 30 seconds) and type that."
)


def _next_url(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _otpauth_uri(person, key: str) -> str:
    """The otpauth:// address the QR code holds (django-otp's, for a device not saved yet)."""
    return TOTPDevice(user=person, key=key, tolerance=services.TOLERANCE).config_url


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The "Two-factor sign-in" section of the person's own settings."""
    person = request.user
    device = authenticator_of(person)
    context = {
        "device": device,
        "codes_left": recovery_codes_left(person) if device else 0,
        "required": two_factor_required(person),
        "required_setting": settings.TWO_FACTOR_REQUIRED,
        "signed_in_with_password": signed_in_with_password(request),
    }
    return render(request, "twofactor/overview.html", context)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    person = request.user
    if has_two_factor(person):
        messages.info(request, "Two-factor sign-in is already on for your account.")
        return redirect("twofactor:overview")
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = services.new_secret()
    form = CodeForm(request.POST or None, recovery_allowed=False)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.authenticator_confirm(
                person=person, key=key, code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("twofactor:overview")
        if done is None:
            form.add_error(
                "code",
                "That code doesn't match. Scan the QR code again (or check "
                "the key you typed) and type the 6 digits the app shows now.",
            )
        else:
            device, codes = done
            del request.session[PENDING_KEY]
            django_otp.login(request, device)
            session_remember_two_factor(request, True)
            request.session[NEW_CODES] = codes
            messages.success(request, "Two-factor sign-in is on. Save your recovery codes now.")
            return redirect(_codes_url(request))
    uri = _otpauth_uri(person, key)
    secret = b32encode(unhexlify(key)).decode()
    context = {
        "form": form,
        "qr": qr_svg(uri, label="QR code to scan with your authenticator app"),
        "secret": _grouped(secret),
        "required": two_factor_required(person),
        "next": request.GET.get("next") or request.POST.get("next") or "",
    }
    return render(request, "twofactor/setup.html", context)


def _codes_url(request: HttpRequest) -> str:
    """The recovery codes, then on to where the person was going (home by default)."""
    return f"{reverse('twofactor:recovery_codes')}?next={quote(_next_url(request))}"


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of a password sign-in: a code from the app, or a recovery code."""
    person = request.user
    if not signed_in_with_password(request) or person.is_verified():
        return redirect(_next_url(request))
    if not has_two_factor(person):  # reset by a superuser meanwhile
        session_remember_two_factor(request, False)
        return redirect(_next_url(request))
    if signin.second_step_locked(request, person):
        logout(request)
        return signin.lockout_response(request, person)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = services.second_factor_verify(person=person, code=form.cleaned_data["code"])
        if check.ok:
            django_otp.login(request, check.device)
            signin.second_step_passed(request, person)
            if check.was_recovery_code:
                left = recovery_codes_left(person)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. "
                    "Make new ones from Two-factor sign-in if you are running low.",
                )
            return redirect(_next_url(request))
        signin.second_step_failed(request, person)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return signin.lockout_response(request, person)
        form.add_error("code", USED_CODE if check.outcome == services.ALREADY_USED else WRONG_CODE)
    context = {"form": form, "next": request.GET.get("next") or request.POST.get("next") or ""}
    return render(request, "twofactor/verify.html", context, status=200)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: until the person says they saved them."""
    codes = request.session.get(NEW_CODES)
    if not codes:
        messages.info(
            request,
            "Recovery codes are shown only once, when they are made. Make new "
            "ones if you lost yours.",
        )
        return redirect("twofactor:overview")
    if request.method == "POST":
        del request.session[NEW_CODES]
        return redirect(_next_url(request, default="twofactor:overview"))
    context = {"codes": codes, "next": request.GET.get("next") or ""}
    return render(request, "twofactor/recovery_codes.html", context)


@login_required
def recovery_download(request: HttpRequest) -> HttpResponse:
    codes = request.session.get(NEW_CODES)
    if not codes:
        return redirect("twofactor:overview")
    lines = [
        f"Tandem recovery codes for {request.user.email}",
        "Each code works once, instead of a code from your authenticator app.",
        "",
        *codes,
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="tandem-recovery-codes.txt"'
    return response


@login_required
def recovery_regenerate(request: HttpRequest) -> HttpResponse:
    """Confirmed by POST: the old codes stop working."""
    if not has_two_factor(request.user):
        messages.info(request, "Turn on two-factor sign-in first.")
        return redirect("twofactor:overview")
    if request.method == "POST":
        request.session[NEW_CODES] = services.recovery_codes_regenerate(person=request.user)
        messages.success(request, "New recovery codes are made; the old ones no longer work.")
        return redirect("twofactor:recovery_codes")
    context = {"codes_left": recovery_codes_left(request.user)}
    return render(request, "twofactor/recovery_regenerate.html", context)


@login_required
def disable(request: HttpRequest) -> HttpResponse:
    """Turning two-factor sign-in off takes a current code (POST, confirmed)."""
    person = request.user
    if not has_two_factor(person):
        messages.info(request, "Two-factor sign-in is already off.")
        return redirect("twofactor:overview")
    required = two_factor_required(person)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and not required and form.is_valid():
        try:
            check = services.two_factor_disable(person=person, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if check.ok:
                session_remember_two_factor(request, False)
                messages.success(
                    request, "Two-factor sign-in is off. Signing in takes your password only."
                )
                return redirect("twofactor:overview")
            signin.second_step_failed(request, person)
            if getattr(request, "axes_locked_out", False):
                logout(request)
                return signin.lockout_response(request, person)
            form.add_error(
                "code", USED_CODE if check.outcome == services.ALREADY_USED else WRONG_CODE
            )
    return render(request, "twofactor/disable.html", {"form": form, "required": required})
