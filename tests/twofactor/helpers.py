"""Codes made the way an authenticator app makes them: django-otp's TOTP on the shared secret."""

from __future__ import annotations

import time
from base64 import b32decode
from binascii import unhexlify
from pathlib import Path

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
VERIFY = "/account/two-factor/verify/"
SETUP = "/account/two-factor/setup/"
OVERVIEW = "/account/two-factor/"
ADDRESS = "198.51.100.23"


def code_from_key(key: bytes, *, steps: int = 0) -> str:
    """The code an app shows now (or `steps` time steps later or earlier)."""
    totp = TOTP(key)
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def code_for(device: TOTPDevice, *, steps: int = 0) -> str:
    return code_from_key(unhexlify(device.key), steps=steps)


def code_from_secret(secret_text: str, *, steps: int = 0) -> str:
    """From the key shown for typing by hand ("ABCD EFGH ...", base32)."""
    return code_from_key(b32decode("".join(secret_text.split())), steps=steps)


def authenticator(person) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)


def password_sign_in(person, *, ip: str = ADDRESS) -> Client:
    """Signs in through the sign-in form, as a person does (not force_login)."""
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def mark_verified(client: Client, device: TOTPDevice) -> None:
    """The session has typed a code already (what django_otp.login records)."""
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
