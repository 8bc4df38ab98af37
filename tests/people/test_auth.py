"""Signing in by email, signing out, password change and reset, lockout, headers."""

import pytest
from django.core import mail

from people.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_in_by_email_case_insensitively(client):
    UserFactory(email="ada@example.com")
    response = client.post(
        "/accounts/login/", {"username": "ADA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == "/"


def test_it_shows_an_error_on_a_wrong_password(client):
    UserFactory(email="ada@example.com")
    response = client.post("/accounts/login/", {"username": "ada@example.com", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_it_signs_out_on_post(client):
    client.force_login(UserFactory())
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_changes_the_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-pass-2026",
            "new_password2": "a-much-longer-pass-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-longer-pass-2026")


def test_it_refuses_a_weak_new_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_emails_a_password_reset_link(client, django_capture_on_commit_callbacks):
    UserFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # the worker's turn, eagerly
        response = client.post("/accounts/password_reset/", {"email": "ada@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_it_locks_an_account_after_repeated_failures(client):
    user = UserFactory(email="ada@example.com")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "ada@example.com", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": "ada@example.com", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert User.objects.get(pk=user.pk).last_login is None


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/password_reset/"])
def test_it_renders_the_account_pages(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "bootstrap.min.css" in response.content.decode()


def test_it_sends_security_headers(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert (
        "unsafe-inline"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert "no-store" in response["Cache-Control"]
