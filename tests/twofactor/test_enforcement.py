"""Who must use two-factor sign-in (TWO_FACTOR_REQUIRED), and who is never asked (SSO)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.factories import HRFactory, PrivacyOfficerFactory, UserFactory
from tests.twofactor.helpers import (
    ROOT,
    SETUP,
    VERIFY,
    authenticator,
    code_from_key,
    password_sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def sso_session(person, *, provider: str = "oidc") -> Client:
    """Signed in the way the identity provider's sign-in does: it records how."""
    client = Client()
    client.force_login(person)
    session = client.session
    session["signed_in_with"] = provider
    session.save()
    return client


@pytest.mark.parametrize(
    "make",
    [
        HRFactory,
        PrivacyOfficerFactory,
        lambda: UserFactory(is_staff=True),
        lambda: UserFactory(is_staff=True, is_superuser=True),
    ],
    ids=["hr", "privacy-officer", "staff", "superuser"],
)
def test_it_sends_a_role_that_requires_it_to_set_up_an_app(required, make):
    client = password_sign_in(make())
    response = client.get("/programs/me/enrolments/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fprograms%2Fme%2Fenrolments%2F"
    assert client.get("/").status_code == 302
    assert client.get(SETUP).status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_it_lets_an_hr_coordinator_in_after_setting_up(required):
    from binascii import unhexlify

    client = password_sign_in(HRFactory())
    client.get(SETUP)
    key = unhexlify(client.session["twofactor_pending_key"])
    response = client.post(SETUP, {"code": code_from_key(key), "next": "/programs/"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200  # the recovery codes
    assert client.post(response["Location"])["Location"] == "/programs/"
    assert client.get("/programs/").status_code == 200


def test_it_lets_an_hr_coordinator_in_with_a_password_alone_when_not_required(settings):
    settings.TWO_FACTOR_REQUIRED = False
    client = password_sign_in(HRFactory())
    assert client.get("/programs/").status_code == 200


def test_it_does_not_force_a_participant(required):
    client = password_sign_in(UserFactory())
    assert client.get("/").status_code == 200
    assert client.get("/programs/me/enrolments/").status_code == 200


def test_it_still_asks_a_participant_who_turned_it_on(required):
    person = UserFactory()
    authenticator(person)
    client = password_sign_in(person)
    assert client.get("/")["Location"].startswith(VERIFY)


@pytest.mark.parametrize("provider", ["oidc", "saml"])
def test_it_does_not_ask_a_session_signed_in_through_the_identity_provider(required, provider):
    hr_without_app = HRFactory()
    assert sso_session(hr_without_app, provider=provider).get("/programs/").status_code == 200
    hr_with_app = HRFactory()
    authenticator(hr_with_app)
    assert sso_session(hr_with_app, provider=provider).get("/programs/").status_code == 200


def test_it_treats_a_session_without_the_key_as_a_password_sign_in(required):
    client = Client()
    client.force_login(HRFactory())
    assert "signed_in_with" not in client.session
    assert client.get("/programs/")["Location"].startswith(SETUP)


def test_it_keeps_health_checks_and_static_files_open(required):
    client = password_sign_in(HRFactory())
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/static/css/app.css").status_code in (200, 404)


@pytest.mark.slow
def test_it_is_required_by_default_under_the_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "TWO_FACTOR_REQUIRED"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.production",
            "SECRET_KEY": "x1y2z3" * 12,
            "ALLOWED_HOSTS": "tandem.example",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tandem",
            "SITE_URL": "https://tandem.example",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_URL": "smtp://127.0.0.1:25",
        }
    )
    code = "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED)"
    run = [sys.executable, "manage.py", "shell", "-c", code]
    on = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert on.stdout.split()[-1] == "True", on.stderr
    off = subprocess.run(
        run,
        cwd=ROOT,
        env={**env, "TWO_FACTOR_REQUIRED": "false"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert off.stdout.split()[-1] == "False", off.stderr
    embedded = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    embedded["DJANGO_SETTINGS_MODULE"] = "mentorship_site.settings.local"
    default = subprocess.run(
        run, cwd=ROOT, env=embedded, capture_output=True, text=True, timeout=120
    )
    assert default.stdout.split()[-1] == "False", default.stderr
