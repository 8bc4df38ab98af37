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


@pytest.mark.parametrize("page", ["mentorships:program_pairings", "checkins:health_board"])
def test_it_tells_two_mentees_with_the_same_name_apart_in_hr_lists(
    client_for, hr_user, program, page
):
    from mentorships.services import mentorship_create

    for email in ("ana.silva@example.com", "ana.silva2@example.com"):
        mentee = enrol(program, factories.UserFactory(full_name="Ana Silva", email=email))
        mentor = enrol(program, role="mentor")
        mentorship_create(program=program, mentor=mentor, mentee=mentee, by=hr_user)
    body = client_for(hr_user).get(reverse(page, args=[program.slug])).content.decode()
    assert "Ana Silva · ana.silva@example.com" in body
    assert "Ana Silva · ana.silva2@example.com" in body
