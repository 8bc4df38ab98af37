"""A superuser resets someone's two-factor sign-in (admin action or manage.py); nobody else."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.factories import HRFactory, UserFactory
from tests.twofactor.helpers import authenticator, mark_verified
from twofactor.services import recovery_codes_regenerate, two_factor_reset

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/otp_totp/totpdevice/"


@pytest.fixture
def person(db):
    person = UserFactory(email="lost.phone@example.com")
    authenticator(person)
    recovery_codes_regenerate(person=person)
    return person


@pytest.fixture
def root(db):
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    mark_verified(client, authenticator(root))
    root.client = client
    return root


def test_it_lets_a_superuser_reset_someone_after_a_confirmation_page(person, root):
    device = TOTPDevice.objects.get(user=person)
    data = {"action": "reset_two_factor", ACTION_CHECKBOX_NAME: [device.pk]}
    confirm = root.client.post(CHANGELIST, data)
    assert confirm.status_code == 200
    assert "Yes, reset" in confirm.content.decode() and person.email in confirm.content.decode()
    assert TOTPDevice.objects.filter(user=person).exists()
    done = root.client.post(CHANGELIST, {**data, "post": "yes"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    event = AuditEvent.objects.get(action="twofactor.reset")
    assert event.actor == root and event.object_id == str(person.pk)


def test_it_never_shows_the_secret_key_in_the_admin(person, root):
    device = TOTPDevice.objects.get(user=person)
    listing = root.client.get(CHANGELIST).content.decode()
    detail = root.client.get(f"{CHANGELIST}{device.pk}/change/").content.decode()
    assert escape(person.full_name) in listing
    assert device.key not in listing and device.key not in detail
    assert root.client.get(f"{CHANGELIST}?key__startswith={device.key[:2]}").status_code == 400
    assert root.client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_it_resets_from_the_command_after_confirmation(person, monkeypatch, capsys):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "LOST.PHONE@example.com")
    assert TOTPDevice.objects.filter(user=person).exists()
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    call_command("reset_two_factor", "LOST.PHONE@example.com")
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    assert AuditEvent.objects.get(action="twofactor.reset").payload == {
        "via": "manage.py reset_two_factor"
    }
    with pytest.raises(CommandError):
        call_command("reset_two_factor", "nobody@example.com", "--yes")


def test_it_refuses_the_reset_to_anyone_but_a_superuser(person):
    device = TOTPDevice.objects.get(user=person)
    hr = HRFactory(is_staff=True)
    client = Client()
    client.force_login(hr)
    data = {"action": "reset_two_factor", ACTION_CHECKBOX_NAME: [device.pk], "post": "yes"}
    assert client.post(CHANGELIST, data).status_code == 403
    assert client.get(CHANGELIST).status_code == 403
    with pytest.raises(PermissionDenied):
        two_factor_reset(person=person, by=hr)
    participant = UserFactory()
    other = Client()
    other.force_login(participant)
    assert other.post(CHANGELIST, data)["Location"].startswith("/admin/login/")
    assert TOTPDevice.objects.filter(user=person).exists()
    assert not AuditEvent.objects.filter(action="twofactor.reset").exists()


def test_it_lets_a_person_back_in_with_their_password_once_reset(person, root):
    from tests.twofactor.helpers import VERIFY, password_sign_in

    client = password_sign_in(person)
    assert client.get("/")["Location"].startswith(VERIFY)
    two_factor_reset(person=person, by=root)
    assert client.get(VERIFY)["Location"] == "/"
    assert client.get("/").status_code == 200
