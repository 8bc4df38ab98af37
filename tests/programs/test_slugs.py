"""A program's short name for links: made from the name when left blank, editable, unique."""

import pytest

from programs.models import Program
from programs.services import program_unique_slug
from tests.factories import ProgramFactory

from .test_programs import program_data

pytestmark = pytest.mark.django_db


def test_it_makes_the_slug_from_the_name_when_left_blank(client_for, hr_user):
    data = program_data(name="Café Leaders 2027!", slug="")
    response = client_for(hr_user).post("/programs/new/", data)
    assert response.status_code == 302
    assert Program.objects.get(name="Café Leaders 2027!").slug == "cafe-leaders-2027"


def test_it_numbers_the_slug_when_the_name_is_taken(client_for, hr_user):
    ProgramFactory(slug="security-guild")
    ProgramFactory(slug="security-guild-2")
    response = client_for(hr_user).post("/programs/new/", program_data(slug=""))
    assert response.status_code == 302
    assert Program.objects.filter(slug="security-guild-3", name="Security guild").exists()


def test_it_keeps_a_slug_typed_by_hand(client_for, hr_user):
    client_for(hr_user).post("/programs/new/", program_data(slug="sec-2027"))
    assert Program.objects.get(name="Security guild").slug == "sec-2027"


def test_it_keeps_the_slug_when_an_edit_leaves_it_blank(client_for, hr_user):
    program = ProgramFactory(coordinators=[hr_user], slug="kept")
    response = client_for(hr_user).post("/programs/kept/edit/", program_data(slug=""))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.slug == "kept"


def test_it_refuses_a_slug_with_spaces_with_a_clear_error(client_for, hr_user):
    response = client_for(hr_user).post("/programs/new/", program_data(slug="two words"))
    assert response.status_code == 200
    assert "letters, numbers, underscores or hyphens" in response.content.decode()
    assert not Program.objects.filter(name="Security guild").exists()


def test_it_falls_back_to_a_plain_slug_for_a_name_without_latin_letters():
    assert program_unique_slug("Программа") == "program"


def test_it_marks_the_slug_field_to_fill_itself_from_the_name(client_for, hr_user):
    body = client_for(hr_user).get("/programs/new/").content.decode()
    assert 'data-slug-from="id_name"' in body
