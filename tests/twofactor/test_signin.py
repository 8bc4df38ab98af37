"""The second step of a password sign-in: codes, replays, recovery codes, the shared lockout."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice

from audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory
from tests.twofactor.helpers import (
    ADDRESS,
    LOGIN,
    VERIFY,
    authenticator,
    code_for,
    password_sign_in,
)
from twofactor.services import recovery_codes_regenerate

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return UserFactory(email="grace@example.com")


@pytest.fixture
def device(person):
    return authenticator(person)


def wrong_code(device) -> str:
    right = {code_for(device, steps=s) for s in (-1, 0, 1)}
    return next(c for c in ("123456", "654321", "111111", "222222") if c not in right)


def failures(email: str) -> int:
    return sum(
        AccessAttempt.objects.filter(username=email).values_list("failures_since_start", flat=True)
    )


def test_it_signs_in_with_a_password_alone_without_an_app(person):
    client = password_sign_in(person)
    assert client.get("/").status_code == 200
    assert client.session["signed_in_with"] == "password"


def test_it_asks_for_a_code_after_a_right_password(person, device):
    client = password_sign_in(person)
    assert client.session["signed_in_with"] == "password"
    response = client.get("/programs/me/enrolments/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fprograms%2Fme%2Fenrolments%2F"
    # Only the code page and signing out are open meanwhile.
    assert client.get("/people/me/edit/").status_code == 302
    assert client.get("/account/two-factor/").status_code == 302
    assert client.get(VERIFY).status_code == 200


def test_it_signs_in_fully_with_a_right_code(person, device):
    client = password_sign_in(person)
    response = client.post(VERIFY, {"code": code_for(device), "next": "/programs/me/enrolments/"})
    assert response.status_code == 302 and response["Location"] == "/programs/me/enrolments/"
    assert client.get("/").status_code == 200
    assert client.get("/people/me/edit/").status_code == 200


def test_it_does_not_follow_a_next_address_off_the_site(person, device):
    client = password_sign_in(person)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_it_refuses_a_wrong_code_and_counts_it_as_a_failed_sign_in(person, device):
    client = password_sign_in(person)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/").status_code == 302
    assert failures(person.email) == 1
    # The code typed is never written down with the failure.
    assert wrong_code(device) not in "".join(
        AccessAttempt.objects.values_list("post_data", flat=True)
    )


def test_it_signs_out_and_locks_after_as_many_wrong_codes_as_wrong_passwords(person, device):
    client = password_sign_in(person)
    for _ in range(4):
        assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 200
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 429
    assert "Account locked for now" in response.content.decode()
    assert client.get("/")["Location"].startswith(LOGIN)
    # The right password is refused too while the lock runs.
    again = Client(REMOTE_ADDR=ADDRESS).post(
        LOGIN, {"username": person.email, "password": PASSWORD}
    )
    assert again.status_code == 429


def test_it_keeps_counting_when_the_password_is_typed_again(person, device):
    client = password_sign_in(person)
    for _ in range(4):
        client.post(VERIFY, {"code": wrong_code(device)})
    client.post("/accounts/logout/")
    client = password_sign_in(person)
    assert failures(person.email) == 4
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 429


def test_it_clears_the_count_after_a_right_code(person, device):
    client = password_sign_in(person)
    client.post(VERIFY, {"code": wrong_code(device)})
    assert failures(person.email) == 1
    client.post(VERIFY, {"code": code_for(device)})
    assert failures(person.email) == 0


def test_it_refuses_a_code_that_was_already_used(person, device):
    code = code_for(device)
    first = password_sign_in(person)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second = password_sign_in(person, ip="198.51.100.99")
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "already been used" in response.content.decode()
    assert second.get("/").status_code == 302
    # The next code works.
    assert second.post(VERIFY, {"code": code_for(device, steps=1)}).status_code == 302


def test_it_accepts_each_recovery_code_once(person, device):
    codes = recovery_codes_regenerate(person=person)
    first = password_sign_in(person)
    response = first.post(VERIFY, {"code": codes[0].upper()})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert StaticDevice.objects.get(user=person).token_set.count() == 9
    assert AuditEvent.objects.filter(action="twofactor.recovery_code_used").count() == 1
    second = password_sign_in(person)
    response = second.post(VERIFY, {"code": codes[0]})
    assert "That code is not right" in response.content.decode()
    assert second.post(VERIFY, {"code": codes[1].replace("-", " ")}).status_code == 302


def test_it_asks_again_after_a_password_reset_link_signs_in(person, device, client):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    page = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": "A-new-long-passphrase-9", "new_password2": "A-new-long-passphrase-9"},
    )
    assert client.get("/")["Location"].startswith(VERIFY)


def test_it_refuses_codes_of_garbage_with_a_clear_message(person, device):
    client = password_sign_in(person)
    for junk in ("", " ", "x" * 39, "١٢٣٤٥٦", "12345"):
        response = client.post(VERIFY, {"code": junk})
        assert response.status_code == 200
    assert client.post(VERIFY, {"code": "x" * 41}).status_code == 200
