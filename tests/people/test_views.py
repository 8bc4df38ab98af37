"""Profile and directory pages: who may see whom."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_my_own_profile(client_for, employee):
    response = client_for(employee).get(f"/people/{employee.pk}/")
    assert response.status_code == 200
    assert employee.email in response.content.decode()


def test_it_hides_a_colleagues_profile_from_a_stranger(client_for, employee, stranger):
    response = client_for(stranger).get(f"/people/{employee.pk}/")
    assert response.status_code == 404


def test_it_shows_a_reports_profile_to_their_managers_manager(client_for):
    boss = UserFactory()
    lead = UserFactory(manager=boss)
    engineer = UserFactory(manager=lead)
    assert client_for(boss).get(f"/people/{engineer.pk}/").status_code == 200


def test_it_shows_any_profile_to_hr(client_for, hr_user, employee):
    assert client_for(hr_user).get(f"/people/{employee.pk}/").status_code == 200


def test_it_saves_my_timezone(client_for, employee):
    response = client_for(employee).post(
        "/people/me/edit/", {"location": "Berlin", "timezone": "Europe/Berlin"}
    )
    assert response.status_code == 302
    employee.refresh_from_db()
    assert (employee.location, employee.timezone) == ("Berlin", "Europe/Berlin")


def test_it_refuses_an_unknown_timezone(client_for, employee):
    response = client_for(employee).post(
        "/people/me/edit/", {"location": "", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "is not a known time zone" in response.content.decode()
    employee.refresh_from_db()
    assert employee.timezone == "Europe/London"


def test_it_keeps_the_directory_to_hr(client_for, employee):
    assert client_for(employee).get("/people/").status_code == 403


def test_it_lists_the_directory_in_constant_queries(
    client_for, hr_user, django_assert_max_num_queries
):
    UserFactory.create_batch(3)
    client = client_for(hr_user)
    with django_assert_max_num_queries(8):
        assert client.get("/people/").status_code == 200
    UserFactory.create_batch(30)
    with django_assert_max_num_queries(8):
        assert client.get("/people/").status_code == 200


def test_it_searches_the_directory(client_for, hr_user):
    UserFactory(full_name="Grace Hopper")
    UserFactory(full_name="Alan Turing")
    body = client_for(hr_user).get("/people/?q=hopper").content.decode()
    assert "Grace Hopper" in body and "Alan Turing" not in body
