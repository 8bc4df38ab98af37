"""Refused and failed pages (403, 404, 429, 500, an expired form) use the site's layout, say
why in a sentence and give a way back; the site's icon and each page's description."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.factories import PASSWORD, UserFactory

HOME_LINK = 'href="/">Back to the home page</a>'
LAYOUT = 'aria-label="Main navigation"'


def assert_site_page(response, status: int, sentence: str) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert LAYOUT in body and HOME_LINK in body, body
    assert sentence in body
    assert "text/html" in response["Content-Type"]
    return body


@pytest.mark.django_db
def test_it_shows_a_missing_page_in_the_site_layout_with_a_way_home(client_for, employee):
    response = client_for(employee).get("/no-such-page/")
    body = assert_site_page(response, 404, "The link may be out of date")
    assert "<h1" in body and "find this page" in body
    # Signed in: the full navigation is there too.
    assert 'href="/mentorships/' in body


@pytest.mark.django_db
def test_it_shows_a_missing_page_to_someone_signed_out_too(client):
    assert_site_page(client.get("/no-such-page/"), 404, "The link may be out of date")


@pytest.mark.django_db
def test_it_explains_a_refused_page_in_the_site_layout(client_for, employee):
    # The programs list is an HR coordinator's page (tests/site/test_access_control.py).
    response = client_for(employee).get("/programs/")
    assert_site_page(response, 403, "belongs to a role you don't hold")


@pytest.mark.django_db
def test_it_explains_an_expired_form_in_the_site_layout():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "a@example.com", "password": "x"})
    assert_site_page(response, 403, "reload the page and send the form again")


@pytest.mark.django_db
def test_it_explains_too_many_sign_in_attempts_with_a_way_back(settings):
    settings.AXES_FAILURE_LIMIT = 2
    person = UserFactory(email="locked@example.com")
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(2):
        client.post("/accounts/login/", {"username": person.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": person.email, "password": PASSWORD})
    body = assert_site_page(response, 429, "Too many failed sign-in attempts")
    assert 'href="/accounts/password_reset/"' in body


def test_it_has_a_generic_too_many_requests_page():
    from django.template.loader import render_to_string

    body = render_to_string("429.html")
    assert LAYOUT in body and HOME_LINK in body and "Wait a few minutes" in body


def test_it_renders_the_server_error_page_without_the_database():
    # No database access is allowed in this test (no `db` fixture): pytest-django raises on any.
    response = server_error(RequestFactory().get("/"))
    assert_site_page(response, 500, "not because of anything you did")


@pytest.mark.django_db
@pytest.mark.urls("tests.pages.boom_urls")
def test_it_shows_the_server_error_page_when_a_view_fails(client_for, employee):
    client = client_for(employee)
    client.raise_request_exception = False
    response = client.get("/boom/")
    body = assert_site_page(response, 500, "Something went wrong on our side")
    assert "a bug in a view" not in body


@pytest.mark.django_db
def test_it_sends_the_favicon_to_the_static_icon_for_anyone(client, client_for, employee):
    for who in (client, client_for(employee)):
        response = who.get("/favicon.ico")
        assert response.status_code == 302
        assert response["Location"] == static("favicon.ico")
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
def test_it_describes_every_page_and_links_the_icon(client_for, employee):
    body = client_for(employee).get("/").content.decode()
    assert '<meta name="description" content="Tandem pairs mentees with mentors' in body
    assert 'rel="icon" href="/static/favicon.svg"' in body


@pytest.mark.django_db
def test_it_lets_a_page_give_its_own_description(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<meta name="description" content="Sign in to Tandem' in body
    assert body.count('<meta name="description"') == 1
