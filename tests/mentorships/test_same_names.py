"""People with the same name are told apart where HR picks one (Name · email)."""

import pytest
from django.urls import reverse

from tests import factories
from tests.mentorships.conftest import enrol

pytestmark = pytest.mark.django_db


def test_it_tells_two_mentors_with_the_same_name_apart(client_for, hr_user, program):
    for email in ("ana.silva@example.com", "ana.silva2@example.com"):
        enrol(program, factories.UserFactory(full_name="Ana Silva", email=email), role="mentor")
    url = reverse("mentorships:pairing_create", args=[program.slug])
    body = client_for(hr_user).get(url).content.decode()
    assert "Ana Silva · ana.silva@example.com" in body
    assert "Ana Silva · ana.silva2@example.com" in body
