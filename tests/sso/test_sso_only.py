"""SSO_ONLY: passwords are for superusers (break-glass); everyone else signs in with SSO."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from people.models import User
from people.tokens import invitation_tokens
from tests.factories import PASSWORD, HRFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_only(settings):
    settings.SSO_ONLY = True
    settings.OIDC_ISSUER = "https://idp.example.com"
    return settings


def sign_in(client, email):
    return client.post("/accounts/login/", {"username": email, "password": PASSWORD})


def link(user, tokens=default_token_generator, kind="reset"):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    if kind == "reset":
        return f"/accounts/reset/{uid}/{tokens.make_token(user)}/"
    return f"/accounts/invitation/{uid}/{tokens.make_token(user)}/"


def test_it_refuses_an_employee_s_right_password(client, sso_only):
    ada = UserFactory(email="ada@example.com")
    response = sign_in(client, "ada@example.com")
    assert response.status_code == 200
    assert "Passwords are for administrators only" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert User.objects.get(pk=ada.pk).last_login is None


def test_it_answers_a_wrong_password_the_same_way(client, sso_only):
    UserFactory(email="ada@example.com")
    response = client.post("/accounts/login/", {"username": "ada@example.com", "password": "wrong"})
    assert "Passwords are for administrators only" in response.content.decode()


def test_it_lets_a_superuser_break_glass_with_a_password(client, sso_only):
    root = UserFactory(email="root@example.com", is_superuser=True, is_staff=True)
    response = sign_in(client, "root@example.com")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(root.pk)


def test_it_shows_the_sso_button_and_a_folded_break_glass_form(client, sso_only):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/sso/oidc/login/"' in page
    assert "Administrator sign-in (break-glass)" in page
    assert "Forgotten your password?" not in page


def test_it_shows_the_password_form_and_the_sso_button_side_by_side_by_default(client, settings):
    settings.OIDC_ISSUER = "https://idp.example.com"
    settings.OIDC_BUTTON_LABEL = "Sign in with Example Corp"
    page = client.get("/accounts/login/?next=/people/").content.decode()
    assert 'href="/sso/oidc/login/?next=%2Fpeople%2F"' in page
    assert "Sign in with Example Corp" in page
    assert "break-glass" not in page
    assert "Forgotten your password?" in page


def test_it_shows_no_sso_button_when_oidc_is_off(client, settings):
    settings.OIDC_ISSUER = ""
    assert "/sso/oidc/login/" not in client.get("/accounts/login/").content.decode()


def test_it_emails_no_reset_link_to_an_employee(
    client, sso_only, django_capture_on_commit_callbacks
):
    UserFactory(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": "ada@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_it_emails_a_reset_link_to_a_superuser(
    client, sso_only, django_capture_on_commit_callbacks
):
    UserFactory(email="root@example.com", is_superuser=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": "root@example.com"})
    assert len(mail.outbox) == 1
    assert re.search(r"/accounts/reset/\S+/", mail.outbox[0].body)


def test_it_refuses_an_employee_s_reset_link(client, sso_only):
    ada = UserFactory(email="ada@example.com")
    url = link(ada)
    response = client.get(url, follow=True)
    assert "Passwords are turned off for your account" in response.content.decode()
    response = client.post(
        url.replace(url.split("/")[-2], "set-password"),
        {"new_password1": "A-new-long-passw0rd", "new_password2": "A-new-long-passw0rd"},
    )
    assert User.objects.get(pk=ada.pk).check_password(PASSWORD)
    assert SESSION_KEY not in client.session


def test_it_refuses_an_employee_s_invitation_link(client, sso_only):
    ada = UserFactory(email="ada@example.com")
    response = client.get(link(ada, invitation_tokens, "invitation"), follow=True)
    assert response.status_code == 200
    assert "no password to choose" in response.content.decode()


def test_it_accepts_a_superuser_s_reset_link(client, sso_only):
    root = UserFactory(email="root@example.com", is_superuser=True)
    response = client.get(link(root), follow=True)
    assert 'name="new_password1"' in response.content.decode()


def test_it_accepts_an_employee_s_reset_link_when_sso_only_is_off(client):
    ada = UserFactory(email="ada@example.com")
    response = client.get(link(ada), follow=True)
    assert 'name="new_password1"' in response.content.decode()


def test_it_says_so_when_sso_only_has_no_provider_set_up(client, settings):
    settings.SSO_ONLY = True
    settings.OIDC_ISSUER = ""
    assert "Company sign-in is not set up yet" in client.get("/accounts/login/").content.decode()


def test_it_invites_people_to_the_company_sign_in_without_a_password_link(
    sso_only, django_capture_on_commit_callbacks
):
    from people.services import person_invite

    hr = HRFactory()
    ada = UserFactory(email="ada@example.com")
    ada.set_unusable_password()
    ada.save(update_fields=["password"])
    with django_capture_on_commit_callbacks(execute=True):
        person_invite(person=ada, by=hr)
    (sent,) = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    assert "/accounts/login/" in sent.body
    assert "/accounts/invitation/" not in sent.body and "password" not in sent.subject
    assert User.objects.get(pk=ada.pk).invitation_sent_at is not None


def test_it_offers_no_password_change_after_a_company_sign_in(client):
    ada = UserFactory(email="ada@example.com")
    client.force_login(ada)
    session = client.session
    session["signed_in_with"] = "oidc"
    session.save()
    page = client.get("/").content.decode()
    assert "Change password" not in page and "My profile" in page


def test_it_offers_a_password_change_after_a_password_sign_in(client):
    UserFactory(email="ada@example.com")
    sign_in(client, "ada@example.com")
    assert "Change password" in client.get("/").content.decode()


def test_it_offers_no_password_change_to_an_employee_in_sso_only_mode(client, sso_only):
    client.force_login(UserFactory(email="ada@example.com"))
    assert "Change password" not in client.get("/").content.decode()
