"""Personal data export and right to erasure."""

import json
from datetime import date

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from checkins.models import CheckIn
from mentorships.models import Goal
from people import privacy
from people.models import User
from people.services import person_erase, privacy_officer_set
from programs.models import Enrolment
from tests.factories import (
    EnrolmentFactory,
    GoalFactory,
    HRFactory,
    MentorshipFactory,
    PrivacyOfficerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make_checkin(mentorship, author, notes: str, summary: str = "") -> CheckIn:
    return CheckIn.objects.create(
        mentorship=mentorship,
        author=author,
        date=date.today(),
        duration_minutes=30,
        activity="code_review",
        private_notes=notes,
        shared_summary=summary,
    )


@pytest.fixture
def pair():
    mentorship = MentorshipFactory()
    make_checkin(mentorship, mentorship.mentee, "mentee's own secret")
    make_checkin(mentorship, mentorship.mentor, "mentor's private thoughts")
    return mentorship


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get("/people/me/data/?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return json.loads(response.content)


def test_it_exports_my_own_notes(client, pair):
    data = download(client, pair.mentee)
    assert "mentee's own secret" in json.dumps(data)
    assert data["Profile"]["email"] == pair.mentee.email


def test_it_never_exports_the_other_sides_private_notes(client, pair):
    assert "mentor's private thoughts" not in json.dumps(download(client, pair.mentee))


def test_it_exports_my_goals_and_enrolments(client, pair):
    GoalFactory(mentorship=pair, title="Own the on-call rotation")
    EnrolmentFactory(user=pair.mentee, program=pair.program, career_goal="Become an SRE")
    body = json.dumps(download(client, pair.mentee))
    assert "Own the on-call rotation" in body and "Become an SRE" in body


def test_it_covers_every_link_to_a_user_in_the_privacy_registry():
    covered = {(label, path.split("__")[0]) for label, path, _ in privacy.EXPORT}
    covered |= {(label, path.split("__")[0]) for label, path, _ in privacy.ERASE}
    covered |= {(label, path) for label, path in privacy.DELETE}
    covered |= privacy.NOT_PERSONAL
    missing = []
    for model in apps.get_models():
        if model._meta.app_label in {"admin", "auth", "axes", "sessions", "contenttypes"}:
            continue
        for field in model._meta.get_fields():
            is_link = isinstance(field, models.ForeignKey | models.ManyToManyField)
            if is_link and field.related_model is User and not field.auto_created:
                if (model._meta.label, field.name) not in covered:
                    missing.append(f"{model._meta.label}.{field.name}")
    assert missing == [], f"Add these to people/privacy.py: {missing}"


def test_it_erases_a_person_everywhere(client, pair):
    hr = HRFactory()
    mentee = pair.mentee
    email, name = mentee.email, mentee.full_name
    GoalFactory(mentorship=pair, title="Pass CKA", description="private plans")
    EnrolmentFactory(user=mentee, program=pair.program, career_goal="Leave for a startup")
    audit_record(actor=hr, action="mentorship.created", obj=pair, payload={"mentee": email})
    client.force_login(PrivacyOfficerFactory())
    response = client.post(f"/people/{mentee.pk}/erase/", {"confirm_email": email})
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.email.endswith("@erased.invalid") and not mentee.is_active
    assert mentee.full_name == f"Erased person {mentee.pk}"
    assert not CheckIn.objects.filter(private_notes="mentee's own secret").exists()
    assert Goal.objects.get(mentorship=pair).description == ""
    assert Enrolment.objects.get(user=mentee).career_goal == ""
    logged = json.dumps(list(AuditEvent.objects.values("actor_label", "object_label", "payload")))
    assert email not in logged and name not in logged


def test_it_drops_unsent_emails_to_an_erased_person_and_scrubs_sent_ones(pair):
    from outbox.models import OutgoingEmail
    from outbox.services import email_enqueue

    email, name = pair.mentee.email, pair.mentee.full_name
    email_enqueue(kind="test", to=email, subject=f"Hello {name}", body="Link")
    sent = OutgoingEmail.objects.create(
        kind="test", to=email, subject="Sent", body=f"Dear {name}", sent_at=timezone.now()
    )
    email_enqueue(kind="test", to=pair.mentor.email, subject="About", body=email)
    other = OutgoingEmail.objects.get(subject="About")
    person_erase(person=pair.mentee, by=PrivacyOfficerFactory())
    rows = {row.pk: row for row in OutgoingEmail.objects.all()}
    assert set(rows) == {sent.pk, other.pk}
    assert name not in rows[sent.pk].body and email not in rows[sent.pk].to
    assert email not in rows[other.pk].body


def test_it_keeps_counts_for_aggregate_metrics_after_erasure(pair):
    before = CheckIn.objects.filter(mentorship=pair).count()
    person_erase(person=pair.mentee, by=PrivacyOfficerFactory())
    assert CheckIn.objects.filter(mentorship=pair).count() == before
    assert User.objects.filter(pk=pair.mentee.pk).exists()


def test_it_refuses_erasure_without_the_typed_email(client, employee):
    client.force_login(PrivacyOfficerFactory())
    response = client.post(f"/people/{employee.pk}/erase/", {"confirm_email": "wrong@example.com"})
    assert response.status_code == 200
    assert "That is not this person" in response.content.decode()
    employee.refresh_from_db()
    assert employee.is_active


def test_it_refuses_erasure_to_an_employee(client, employee, stranger):
    client.force_login(stranger)
    response = client.post(f"/people/{employee.pk}/erase/", {"confirm_email": employee.email})
    assert response.status_code == 403
    employee.refresh_from_db()
    assert employee.is_active


def test_it_lets_only_a_superuser_erase_an_hr_coordinator(client):
    target = HRFactory()
    client.force_login(PrivacyOfficerFactory())
    response = client.post(f"/people/{target.pk}/erase/", {"confirm_email": target.email})
    assert "Only a superuser can erase" in response.content.decode()
    target.refresh_from_db()
    assert target.is_active and target.is_hr_coordinator


def test_it_lets_only_a_superuser_erase_a_privacy_officer(client):
    target = PrivacyOfficerFactory()
    client.force_login(PrivacyOfficerFactory())
    response = client.post(f"/people/{target.pk}/erase/", {"confirm_email": target.email})
    assert "Only a superuser can erase" in response.content.decode()
    target = User.objects.get(pk=target.pk)
    assert target.is_active and target.is_privacy_officer


def test_it_lets_a_privacy_officer_find_the_person_to_erase_by_email(client, employee):
    client.force_login(PrivacyOfficerFactory())
    response = client.post("/people/erase/", {"email": "EMPLOYEE@example.com"})
    assert response.status_code == 302
    assert response["Location"] == f"/people/{employee.pk}/erase/"
    response = client.post("/people/erase/", {"email": "nobody@example.com"})
    assert "Nobody has this email address" in response.content.decode()


def test_it_refuses_the_erase_search_to_an_hr_coordinator(client, employee):
    client.force_login(HRFactory())
    assert client.post("/people/erase/", {"email": employee.email}).status_code == 403


def test_it_refuses_the_erase_page_to_an_hr_coordinator(client, employee):
    # Even one who coordinates nothing the person is in: erasure is not an HR right.
    client.force_login(HRFactory())
    assert client.get(f"/people/{employee.pk}/erase/").status_code == 403
    response = client.post(f"/people/{employee.pk}/erase/", {"confirm_email": employee.email})
    assert response.status_code == 403
    person = User.objects.get(pk=employee.pk)
    assert person.is_active and person.email == "employee@example.com"
    assert not AuditEvent.objects.filter(action="person.erased").exists()


def test_it_refuses_erasure_by_an_hr_coordinator_in_the_service(employee):
    with pytest.raises(PermissionDenied):
        person_erase(person=employee, by=HRFactory())
    person = User.objects.get(pk=employee.pk)
    assert person.is_active and person.email == "employee@example.com"


def test_it_lets_a_superuser_erase_a_person(client, employee):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(f"/people/{employee.pk}/erase/", {"confirm_email": employee.email})
    assert response.status_code == 302
    assert User.objects.get(pk=employee.pk).email == f"erased-{employee.pk}@erased.invalid"


def test_it_audits_an_erasure_by_a_privacy_officer(client, employee):
    officer = PrivacyOfficerFactory()
    client.force_login(officer)
    response = client.post(f"/people/{employee.pk}/erase/", {"confirm_email": employee.email})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="person.erased")
    assert event.actor_id == officer.pk and event.payload == {"person_id": employee.pk}


def test_it_shows_the_erase_link_only_to_who_may_erase(client, employee):
    link = f"/people/{employee.pk}/erase/"
    client.force_login(HRFactory())
    assert link not in client.get(f"/people/{employee.pk}/").content.decode()
    client.force_login(PrivacyOfficerFactory(is_hr_coordinator=True))
    assert link in client.get(f"/people/{employee.pk}/").content.decode()


def test_it_lets_a_superuser_grant_and_revoke_the_privacy_officer_role_with_audit(client, employee):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post("/people/privacy-officers/", {"email": employee.email.upper()})
    assert response.status_code == 302
    assert User.objects.get(pk=employee.pk).is_privacy_officer
    assert employee.email in client.get("/people/privacy-officers/").content.decode()
    response = client.post(f"/people/privacy-officers/{employee.pk}/revoke/")
    assert response.status_code == 302
    assert not User.objects.get(pk=employee.pk).is_privacy_officer
    events = list(
        AuditEvent.objects.filter(action__startswith="role.privacy_officer_")
        .order_by("pk")
        .values_list("action", "actor_id", "object_id")
    )
    assert events == [
        ("role.privacy_officer_granted", admin.pk, str(employee.pk)),
        ("role.privacy_officer_revoked", admin.pk, str(employee.pk)),
    ]


def test_it_audits_a_repeated_grant_once(employee):
    admin = UserFactory(is_superuser=True)
    privacy_officer_set(person=employee, granted=True, by=admin)
    privacy_officer_set(person=employee, granted=True, by=admin)
    assert AuditEvent.objects.filter(action="role.privacy_officer_granted").count() == 1


def test_it_refuses_granting_or_revoking_the_role_to_a_non_superuser(client, employee):
    officer = PrivacyOfficerFactory()
    for user in (HRFactory(), officer, UserFactory(is_staff=True)):
        client.force_login(user)
        assert client.get("/people/privacy-officers/").status_code == 403
        assert (
            client.post("/people/privacy-officers/", {"email": employee.email}).status_code == 403
        )
        response = client.post(f"/people/privacy-officers/{officer.pk}/revoke/")
        assert response.status_code == 403
    assert not User.objects.get(pk=employee.pk).is_privacy_officer
    assert User.objects.get(pk=officer.pk).is_privacy_officer
    assert not AuditEvent.objects.filter(action__startswith="role.privacy_officer_").exists()


def test_it_refuses_the_grant_in_the_service_to_a_non_superuser(employee):
    with pytest.raises(PermissionDenied):
        privacy_officer_set(person=employee, granted=True, by=HRFactory())
    assert not User.objects.get(pk=employee.pk).is_privacy_officer
