"""The sign-in lockout: one spelling per address, per (account, address) and per address,
the client address through trusted proxies only, a lock that runs its course, and the
password reset as the owner's way back in."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone

from people.models import User
from people.signin import client_ip
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"
PROXY = "10.0.0.2"


def sign_in(client: Client, email: str, password: str, *, ip: str = ATTACKER, **headers):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == "/"


@pytest.fixture
def clock(monkeypatch):
    """Axes' idea of the time, moved by hand."""
    import axes.attempts
    import axes.handlers.proxy

    class Clock:
        now = timezone.now()

        def advance(self, **delta) -> None:
            self.now += timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(axes.handlers.proxy, "now", lambda: clock.now)
    monkeypatch.setattr(axes.attempts, "now", lambda: clock.now)
    return clock


def test_it_locks_every_capitalisation_of_an_address_after_the_limit(client):
    UserFactory(email="ada.lovelace@example.com")
    spellings = [
        "Ada.Lovelace@example.com",
        "ADA.LOVELACE@EXAMPLE.COM",
        "ada.lovelace@Example.com",
        "aDa.lovelace@example.com",
        " ada.LOVELACE@example.com ",
    ]
    for spelling in spellings:
        sign_in(client, spelling, "wrong")
    response = sign_in(client, "ada.lovelacE@example.com", PASSWORD)
    assert response.status_code == 429
    assert "paused for 15 minutes" in response.content.decode()
    assert User.objects.get(email="ada.lovelace@example.com").last_login is None


def test_it_lets_the_owner_in_through_the_proxy_while_an_attacker_is_locked(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    owner = UserFactory(email="ada@example.com")
    for _ in range(6):
        sign_in(client, "ada@example.com", "wrong", ip=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER)
    assert (
        sign_in(
            client, "ada@example.com", PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=ATTACKER
        ).status_code
        == 429
    )

    response = sign_in(Client(), "ada@example.com", PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=OWNER)
    assert signed_in(response)
    assert User.objects.get(pk=owner.pk).last_login is not None


def test_it_does_not_extend_a_lock_with_failures_during_it(client, clock):
    UserFactory(email="ada@example.com")
    for _ in range(5):
        sign_in(client, "ada@example.com", "wrong")
    clock.advance(minutes=10)
    assert sign_in(client, "ada@example.com", "wrong").status_code == 429
    clock.advance(minutes=4)
    assert sign_in(client, "ada@example.com", PASSWORD).status_code == 429
    clock.advance(minutes=2)  # 16 minutes after the lock began; 6 after the last failure
    assert signed_in(sign_in(client, "ada@example.com", PASSWORD))


def test_it_lifts_the_lock_when_the_password_is_reset(client, django_capture_on_commit_callbacks):
    UserFactory(email="ada@example.com")
    for _ in range(5):
        sign_in(client, "ada@example.com", "wrong")
    assert sign_in(client, "ada@example.com", PASSWORD).status_code == 429

    with django_capture_on_commit_callbacks(execute=True):  # the worker sends the queued email
        client.post("/accounts/password_reset/", {"email": "Ada@Example.com"}, REMOTE_ADDR=ATTACKER)
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, REMOTE_ADDR=ATTACKER)
    response = client.post(
        form.url,
        {"new_password1": "a-much-longer-pass-2026", "new_password2": "a-much-longer-pass-2026"},
        REMOTE_ADDR=ATTACKER,
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")

    assert signed_in(sign_in(client, "ada@example.com", "a-much-longer-pass-2026"))


def test_it_locks_an_address_that_tries_many_accounts(client, settings):
    settings.SIGN_IN_IP_FAILURE_LIMIT = 20
    targets = [UserFactory(email=f"person{n}@example.com") for n in range(5)]
    for target in targets:
        for _ in range(4):  # under the per-account limit of 5
            sign_in(client, target.email, "wrong")
    UserFactory(email="grace@example.com")

    assert sign_in(client, "grace@example.com", PASSWORD).status_code == 429
    assert signed_in(sign_in(Client(), "grace@example.com", PASSWORD, ip=OWNER))


def test_it_keeps_counting_an_address_after_it_signs_in_to_its_own_account(client, settings):
    settings.SIGN_IN_IP_FAILURE_LIMIT = 8
    for email in ["mallory@example.com", "ada@example.com", "grace@example.com"]:
        UserFactory(email=email)
    for _ in range(4):
        sign_in(client, "ada@example.com", "wrong")
    assert signed_in(sign_in(Client(), "mallory@example.com", PASSWORD))
    for _ in range(4):
        sign_in(client, "grace@example.com", "wrong")

    assert sign_in(Client(), "mallory@example.com", PASSWORD).status_code == 429


def _request(remote: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_it_ignores_x_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(ATTACKER, "1.2.3.4")) == ATTACKER


def test_it_takes_the_right_most_untrusted_hop_behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4" itself; our proxy appended the address it saw.
    assert client_ip(_request(PROXY, f"1.2.3.4, {ATTACKER}")) == ATTACKER
    assert client_ip(_request(PROXY, ATTACKER)) == ATTACKER


def test_it_falls_back_to_the_peer_when_the_forwarded_address_is_garbage(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(PROXY, "not-an-address")) == PROXY
    assert client_ip(_request(OWNER)) == OWNER


def test_it_ignores_a_forged_x_forwarded_for_when_counting_failures(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    UserFactory(email="ada@example.com")
    for n in range(5):
        sign_in(client, "ada@example.com", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = sign_in(client, "ada@example.com", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429
