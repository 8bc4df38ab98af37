"""Setting up an authenticator app, recovery codes, turning two-factor sign-in off."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.factories import HRFactory, UserFactory
from tests.twofactor.helpers import (
    OVERVIEW,
    SETUP,
    authenticator,
    code_for,
    code_from_key,
    mark_verified,
)

pytestmark = pytest.mark.django_db

CODES = "/account/two-factor/recovery-codes/"
DOWNLOAD = "/account/two-factor/recovery-codes/download/"
REGENERATE = "/account/two-factor/recovery-codes/new/"
TURN_OFF = "/account/two-factor/turn-off/"


def pending_key(client) -> bytes:
    from binascii import unhexlify

    return unhexlify(client.session["twofactor_pending_key"])


@pytest.fixture
def person(db):
    return UserFactory(email="ada@example.com")


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


def set_up(client) -> list[str]:
    client.get(SETUP)
    response = client.post(SETUP, {"code": code_from_key(pending_key(client))})
    assert response.status_code == 302
    return client.session["twofactor_new_codes"]


def test_it_shows_a_qr_code_drawn_on_the_server_and_the_key_in_text(signed_in):
    from base64 import b32encode

    response = signed_in.get(SETUP)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<svg width="220" height="220" role="img"' in body
    secret = b32encode(pending_key(signed_in)).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
    # Nothing the site's CSP (script-src 'self') would block.
    assert "<script>" not in body and "onload=" not in body
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_it_keeps_the_same_key_until_it_is_confirmed(signed_in):
    signed_in.get(SETUP)
    first = pending_key(signed_in)
    signed_in.get(SETUP)
    assert pending_key(signed_in) == first
    assert not TOTPDevice.objects.exists()


def test_it_turns_on_only_with_a_right_code(signed_in, person):
    signed_in.get(SETUP)
    key = pending_key(signed_in)
    wrong = f"{(int(code_from_key(key)) + 1) % 1_000_000:06d}"
    response = signed_in.post(SETUP, {"code": wrong})
    assert response.status_code == 200
    assert "Scan the QR code again" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=person).exists()
    response = signed_in.post(SETUP, {"code": "not a code"})
    assert "6 digits" in response.content.decode()
    response = signed_in.post(SETUP, {"code": code_from_key(key)})
    assert response.status_code == 302 and response["Location"].startswith(CODES)
    device = TOTPDevice.objects.get(user=person)
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=person).count() == 10
    assert AuditEvent.objects.filter(action="twofactor.enabled", object_id=str(person.pk)).exists()


def test_it_shows_the_recovery_codes_once_and_as_a_download(signed_in, person):
    codes = set_up(signed_in)
    assert len(codes) == len(set(codes)) == 10
    page = signed_in.get(CODES).content.decode()
    assert all(code in page for code in codes)
    download = signed_in.get(DOWNLOAD)
    assert download["Content-Type"].startswith("text/plain")
    assert "attachment" in download["Content-Disposition"]
    assert all(code in download.content.decode() for code in codes)
    signed_in.post(CODES)
    again = signed_in.get(CODES, follow=True).content.decode()
    assert not any(code in again for code in codes)
    assert "shown only once" in again
    assert signed_in.get(DOWNLOAD).status_code == 302


def test_it_makes_new_recovery_codes_only_on_a_confirmed_post(signed_in, person):
    old = set_up(signed_in)
    signed_in.post(CODES)
    confirm = signed_in.get(REGENERATE)
    assert confirm.status_code == 200 and "Make new codes" in confirm.content.decode()
    assert StaticToken.objects.filter(device__user=person).count() == 10
    assert signed_in.post(REGENERATE).status_code == 302
    new = signed_in.session["twofactor_new_codes"]
    stored = set(StaticToken.objects.filter(device__user=person).values_list("token", flat=True))
    assert stored == {c.replace("-", "") for c in new}
    assert not stored & {c.replace("-", "") for c in old}
    assert (
        AuditEvent.objects.filter(
            action="twofactor.recovery_codes_regenerated", actor=person
        ).count()
        == 1
    )


def test_it_turns_off_only_with_a_current_code(signed_in, person):
    device = authenticator(person)
    mark_verified(signed_in, device)
    response = signed_in.post(
        TURN_OFF, {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert "That code is not right" in response.content.decode()
    assert TOTPDevice.objects.filter(user=person).exists()
    response = signed_in.post(TURN_OFF, {"code": code_for(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action="twofactor.disabled", actor=person).exists()


def test_it_keeps_it_on_for_a_role_that_requires_it(client, settings):
    settings.TWO_FACTOR_REQUIRED = True
    hr = HRFactory()
    device = authenticator(hr)
    client.force_login(hr)
    mark_verified(client, device)
    response = client.post(TURN_OFF, {"code": code_for(device)})
    assert "Your role requires two-factor sign-in" in response.content.decode()
    assert TOTPDevice.objects.filter(user=hr).exists()


def test_it_shows_a_person_only_their_own_two_factor_sign_in(client, person):
    device = authenticator(person)
    third = UserFactory(email="third@example.com")
    client.force_login(third)
    page = client.get(OVERVIEW).content.decode()
    assert "Off" in page and person.email not in page
    # Every page acts on the signed-in person only: turning off needs their own code.
    response = client.post(TURN_OFF, {"code": code_for(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.post(REGENERATE).status_code == 302
    assert StaticToken.objects.filter(device__user=person).count() == 0
    assert not AuditEvent.objects.filter(actor=third).exists()


def test_it_does_not_set_up_a_second_app_over_the_first(signed_in, person):
    mark_verified(signed_in, authenticator(person))
    response = signed_in.get(SETUP)
    assert response.status_code == 302 and response["Location"] == OVERVIEW
    assert TOTPDevice.objects.filter(user=person).count() == 1


def test_it_never_replaces_an_app_from_a_second_tab(signed_in, person):
    signed_in.get(SETUP)
    key = pending_key(signed_in)
    existing = authenticator(person)
    response = signed_in.post(SETUP, {"code": code_from_key(key)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=person)) == [existing]
