"""Deactivating a person from the directory: signed out everywhere, live mentorships ended."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from audit.models import AuditEvent
from mentorships.models import EndReason, Mentorship, MentorshipEvent
from mentorships.services import mentorships_end_for_person
from scim.services import LEFT_NOTE
from tests import factories

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver():
    return factories.UserFactory(email="leaver@example.com", full_name="Leaving Person")


@pytest.fixture
def pairings(leaver):
    as_mentor = factories.MentorshipFactory(mentor=leaver)
    as_mentee = factories.MentorshipFactory(mentee=leaver)
    done = factories.MentorshipFactory(mentor=leaver, status="completed")
    others = factories.MentorshipFactory()  # a third pair, not theirs
    return as_mentor, as_mentee, done, others


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_signs_out_and_ends_live_mentorships_on_active_false(scim, leaver, pairings):
    as_mentor, as_mentee, done, others = pairings
    browser = _signed_in(leaver)
    bystander = _signed_in(others.mentor)
    response = scim.patch(f"Users/{leaver.pk}", {"op": "replace", "path": "active", "value": False})
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    leaver.refresh_from_db()
    assert leaver.is_active is False
    for live in (as_mentor, as_mentee):
        live.refresh_from_db()
        assert live.status == "ended" and live.end_reason == EndReason.LEFT_COMPANY
        assert live.end_note == LEFT_NOTE
        event = MentorshipEvent.objects.get(mentorship=live, kind="ended")
        assert "left the company" in event.reason.lower()
    done.refresh_from_db()
    others.refresh_from_db()
    assert done.status == "completed" and others.status == "active"
    # Signed out everywhere: the session row is gone, and the next page asks to sign in.
    assert browser.get("/").status_code == 302
    assert bystander.get("/").status_code == 200
    assert Session.objects.count() == 1
    assert AuditEvent.objects.filter(
        action="scim.user_deactivated", object_id=str(leaver.pk)
    ).exists()


def test_it_keeps_everything_of_theirs_and_lets_them_back_in_on_reactivation(
    scim, leaver, pairings
):
    scim.patch(f"Users/{leaver.pk}", {"op": "replace", "path": "active", "value": False})
    assert Mentorship.objects.filter(pk__in=[p.pk for p in pairings]).count() == 4
    response = scim.patch(f"Users/{leaver.pk}", {"op": "replace", "value": {"active": True}})
    assert response.status_code == 200
    leaver.refresh_from_db()
    assert leaver.is_active is True
    assert AuditEvent.objects.filter(action="scim.user_reactivated").count() == 1


def test_it_ends_mentorships_on_delete_too(scim, leaver, pairings):
    assert scim.delete(f"Users/{leaver.pk}").status_code == 204
    assert not Mentorship.objects.filter(mentor=leaver, status="active").exists()
    assert User.objects.filter(pk=leaver.pk, is_active=False).exists()


def test_it_ends_only_live_mentorships_of_the_person(leaver, pairings):
    as_mentor, as_mentee, done, others = pairings
    ended = mentorships_end_for_person(person=leaver, note="Moved away", by=None)
    assert {m.pk for m in ended} == {as_mentor.pk, as_mentee.pk}
    assert mentorships_end_for_person(person=leaver, note="Moved away", by=None) == []
    as_mentor.refresh_from_db()
    assert as_mentor.end_note == "Moved away"
