"""People an import creates have no password: an invitation email, sent once by the worker, lets
them choose one; HR can send it again; the password reset works for them too."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail

from audit.models import AuditEvent
from imports import services as imports
from people.models import User
from people.tasks import send_invitations
from people.tokens import InvitationTokenGenerator
from tests.factories import UserFactory
from tests.imports.helpers import people_csv, person

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-pass-2026"


def import_people(content: str, actor: User, capture) -> None:
    batch = imports.batch_preview(
        kind="people", content=content, filename="people.csv", uploaded_by=actor
    )
    with capture(execute=True):
        assert imports.batch_apply(batch_id=batch.pk, actor=actor).applied


def imported(email: str) -> User:
    user = UserFactory(email=email)
    user.set_unusable_password()
    user.save()
    return user


def invite_link(email) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/invitation/\S+)", email.body).group(1)


def choose_password(client, link: str):
    form = client.get(link)
    assert form.status_code == 302, "a valid link moves the token into the session"
    return client.post(form.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_it_invites_each_active_person_an_import_creates(
    hr_user, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.com")
    content = people_csv(
        person("ada@example.com"),
        person("known@example.com"),
        person("gone@example.com", active="no"),
    )
    import_people(content, hr_user, django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert "/accounts/invitation/" in mail.outbox[0].body
    assert User.objects.get(email="ada@example.com").invitation_sent_at is not None
    assert User.objects.get(email="gone@example.com").invited_at is None


def test_it_sends_each_invitation_once(hr_user, django_capture_on_commit_callbacks):
    import_people(
        people_csv(person("ada@example.com")), hr_user, django_capture_on_commit_callbacks
    )
    assert send_invitations() == 0
    assert len(mail.outbox) == 1


def test_it_lets_an_invited_person_choose_a_password_and_sign_in(
    client, hr_user, django_capture_on_commit_callbacks
):
    import_people(
        people_csv(person("ada@example.com")), hr_user, django_capture_on_commit_callbacks
    )
    response = choose_password(client, invite_link(mail.outbox[0]))
    assert response.status_code == 302 and response.url == "/"
    user = User.objects.get(email="ada@example.com")
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200


def test_it_refuses_an_invitation_link_used_once_already(
    client, hr_user, django_capture_on_commit_callbacks
):
    import_people(
        people_csv(person("ada@example.com")), hr_user, django_capture_on_commit_callbacks
    )
    link = invite_link(mail.outbox[0])
    choose_password(client, link)
    client.post("/accounts/logout/")
    response = client.get(link, follow=True)
    assert "expired or has already been used" in response.content.decode()


def test_it_refuses_an_invitation_link_after_it_expires(
    client, hr_user, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.INVITATION_DAYS = 14
    import_people(
        people_csv(person("ada@example.com")), hr_user, django_capture_on_commit_callbacks
    )
    later = datetime.now() + timedelta(days=15)
    monkeypatch.setattr(InvitationTokenGenerator, "_now", lambda self: later)
    response = client.get(invite_link(mail.outbox[0]), follow=True)
    assert "expired or has already been used" in response.content.decode()
    assert not User.objects.get(email="ada@example.com").has_usable_password()


def test_it_lets_hr_send_an_invitation_again(
    client_for, hr_user, django_capture_on_commit_callbacks
):
    import_people(
        people_csv(person("ada@example.com")), hr_user, django_capture_on_commit_callbacks
    )
    first = invite_link(mail.outbox[0])
    ada = User.objects.get(email="ada@example.com")
    hr = client_for(hr_user)
    assert "Send the invitation again" in hr.get(f"/people/{ada.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(f"/people/{ada.pk}/invite/", follow=True)
    assert "The invitation is on its way to ada@example.com." in response.content.decode()
    assert len(mail.outbox) == 2
    assert (
        AuditEvent.objects.filter(
            action="person.invited", object_id=str(ada.pk), actor=hr_user
        ).count()
        == 1
    )
    assert "expired or has already been used" in hr.get(first, follow=True).content.decode()


def test_it_refuses_an_invitation_sent_by_someone_not_in_hr(
    client_for, employee, django_capture_on_commit_callbacks
):
    ada = imported("ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(employee).post(f"/people/{ada.pk}/invite/")
    assert response.status_code == 403
    assert mail.outbox == []
    assert User.objects.get(pk=ada.pk).invited_at is None


def test_it_refuses_to_invite_someone_who_has_a_password(client_for, hr_user, employee):
    response = client_for(hr_user).post(f"/people/{employee.pk}/invite/", follow=True)
    assert "has already chosen a password" in response.content.decode()
    assert User.objects.get(pk=employee.pk).invited_at is None


def test_it_emails_a_reset_link_to_someone_without_a_password(
    client, django_capture_on_commit_callbacks
):
    imported("ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # the worker sends the queued email
        client.post("/accounts/password_reset/", {"email": "ADA@example.com "})
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]


def test_it_emails_no_reset_link_to_an_inactive_account(client, django_capture_on_commit_callbacks):
    UserFactory(email="ada@example.com", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": "ada@example.com"})
    assert mail.outbox == []
