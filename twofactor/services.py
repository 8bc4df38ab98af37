"""Writes: set up an authenticator app, check codes, recovery codes, turn off, reset.

The authenticator app is a django-otp `TOTPDevice` (RFC 6238: 6 digits, 30-second steps, one step
of clock difference either way), created only once the person has typed a right code from it.
A code is accepted once: the device remembers the last time step it accepted (`last_t`) and
refuses that step and any earlier one. Recovery codes are the tokens of a django-otp
`StaticDevice`; each is deleted when used. Codes are checked with the person's devices locked
(`select_for_update`), so two requests can't both spend one code.
"""

from __future__ import annotations

import secrets
from binascii import unhexlify
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from audit.services import audit_record

from .selectors import RECOVERY_CODE_COUNT, two_factor_required

# Recovery codes: 10 characters without look-alikes (0/o, 1/l/i), shown as "abcde-fghjk".
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
TOLERANCE = 1  # time steps either side of now (phones whose clock is up to 30 s off)

OK = "ok"
WRONG = "wrong"
ALREADY_USED = "used"


@dataclass(frozen=True)
class CodeCheck:
    outcome: str
    device: Device | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == OK

    @property
    def was_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def normalise_code(value: object) -> str:
    """What the person typed, without spaces or dashes, in lower case."""
    text = value if isinstance(value, str) else ""
    return "".join(text.split()).replace("-", "").lower()


def format_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def new_secret() -> str:
    """A new authenticator secret (20 random bytes, hex), kept in the session until confirmed."""
    return random_hex(20)


def _is_totp_shape(token: str) -> bool:
    return len(token) == 6 and token.isascii() and token.isdigit()


def _lock(person) -> None:
    """One two-factor change at a time per person (two tabs confirming at once)."""
    get_user_model().objects.select_for_update().filter(pk=person.pk).first()


def _recovery_codes_replace(person) -> list[str]:
    StaticDevice.objects.filter(user=person).delete()
    device = StaticDevice.objects.create(user=person, name="Recovery codes", confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)))
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in sorted(codes)])
    return [format_recovery_code(c) for c in sorted(codes)]


@transaction.atomic
def authenticator_confirm(*, person, key: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Turns two-factor sign-in on once `code` is right for the new secret `key`.

    Returns the new device and 10 new recovery codes (to show once), or None for a wrong code
    (nothing is saved). The code used here can't be used again to sign in.
    """
    token = normalise_code(code)
    if not _is_totp_shape(token):
        return None
    totp = TOTP(unhexlify(key.encode()))
    if not totp.verify(int(token), tolerance=TOLERANCE):
        return None
    _lock(person)
    if TOTPDevice.objects.filter(user=person, confirmed=True).exists():
        # Never replaced from here: that would skip the current app's code.
        raise ValidationError("Two-factor sign-in is already on for your account.")
    TOTPDevice.objects.filter(user=person).delete()
    device = TOTPDevice.objects.create(
        user=person,
        name="Authenticator app",
        key=key,
        confirmed=True,
        tolerance=TOLERANCE,
        drift=totp.drift,
        last_t=totp.t(),
    )
    codes = _recovery_codes_replace(person)
    audit_record(actor=person, action="twofactor.enabled", obj=person)
    return device, codes


@transaction.atomic
def second_factor_verify(*, person, code: str) -> CodeCheck:
    """Checks a code from the authenticator app, or a recovery code (which is then spent)."""
    token = normalise_code(code)
    if not token or len(token) > 32:
        return CodeCheck(WRONG)
    if _is_totp_shape(token):
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=person, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return CodeCheck(WRONG)
        if device.verify_token(token):
            return CodeCheck(OK, device)
        return CodeCheck(ALREADY_USED if _already_used(device, token) else WRONG)
    device = (
        StaticDevice.objects.select_for_update()
        .filter(user=person, confirmed=True)
        .order_by("pk")
        .first()
    )
    if device is not None and device.verify_token(token):
        audit_record(
            actor=person,
            action="twofactor.recovery_code_used",
            obj=person,
            payload={"left": device.token_set.count()},
        )
        return CodeCheck(OK, device)
    return CodeCheck(WRONG)


def _already_used(device: TOTPDevice, token: str) -> bool:
    """A right code of a time step the device has already accepted (a replay)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return totp.verify(int(token), tolerance=device.tolerance) and totp.t() <= device.last_t


@transaction.atomic
def recovery_codes_regenerate(*, person) -> list[str]:
    """New recovery codes replace the old ones, which stop working."""
    _lock(person)
    if not TOTPDevice.objects.filter(user=person, confirmed=True).exists():
        raise ValidationError("Turn on two-factor sign-in first.")
    codes = _recovery_codes_replace(person)
    audit_record(actor=person, action="twofactor.recovery_codes_regenerated", obj=person)
    return codes


@transaction.atomic
def two_factor_disable(*, person, code: str) -> CodeCheck:
    """Turns two-factor sign-in off, on a current code. Not for roles that must keep it on."""
    if two_factor_required(person):
        raise ValidationError("Your role must keep two-factor sign-in on.")
    check = second_factor_verify(person=person, code=code)
    if check.ok:
        _devices_delete(person)
        audit_record(actor=person, action="twofactor.disabled", obj=person)
    return check


def _devices_delete(person) -> int:
    totp, _ = TOTPDevice.objects.filter(user=person).delete()
    static, _ = StaticDevice.objects.filter(user=person).delete()
    return totp + static


@transaction.atomic
def two_factor_reset(*, person, by=None, via: str = "admin") -> int:
    """A superuser's recovery for someone who lost their phone and their recovery codes.

    `by` is the superuser (the admin action); None only for `manage.py reset_two_factor`, which
    whoever runs it on the server may run anyway. The person sets up a new app at their next
    sign-in if their role requires it.
    """
    if by is not None and not (by.is_superuser and by.is_active):
        raise PermissionDenied("Only a superuser can reset someone's two-factor sign-in.")
    removed = _devices_delete(person)
    audit_record(actor=by, action="twofactor.reset", obj=person, payload={"via": via})
    return removed
