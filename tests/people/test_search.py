"""Colleague search (/people/search/): what the "people to avoid" picker reads."""

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("people:search")


def _search(client, q: str):
    return client.get(URL, {"q": q})


def test_it_finds_colleagues_by_name_with_email_and_department(client_for, employee):
    UserFactory(
        full_name="Priya Raman",
        email="priya@example.com",
        department=DepartmentFactory(name="Platform"),
    )
    response = _search(client_for(employee), "raman")
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"name": "Priya Raman", "email": "priya@example.com", "department": "Platform"}]
    }


def test_it_finds_colleagues_by_email(client_for, employee):
    UserFactory(full_name="Priya Raman", email="p.raman@example.com")
    assert [r["email"] for r in _search(client_for(employee), "p.raman@").json()["results"]] == [
        "p.raman@example.com"
    ]


def test_it_leaves_out_the_searcher_and_people_who_left(client_for):
    me = UserFactory(full_name="Sam Searcher")
    UserFactory(full_name="Sam Gone", is_active=False)
    UserFactory(full_name="Sam Here")
    names = [r["name"] for r in _search(client_for(me), "Sam").json()["results"]]
    assert names == ["Sam Here"]


def test_it_returns_at_most_ten_people_in_name_order(client_for, employee):
    for i in range(12):
        UserFactory(full_name=f"Alex {i:02d}")
    names = [r["name"] for r in _search(client_for(employee), "Alex").json()["results"]]
    assert names == [f"Alex {i:02d}" for i in range(10)]


def test_it_returns_nothing_for_a_two_letter_query(client_for, employee):
    UserFactory(full_name="Ann")
    assert _search(client_for(employee), "An").json() == {"results": []}


def test_it_answers_a_too_long_query_with_a_json_error(client_for, employee):
    response = _search(client_for(employee), "x" * 101)
    assert response.status_code == 400
    assert "at most 100 characters" in response.json()["error"]


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(URL, {"q": "Sam"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_searches_in_one_query_however_many_match(
    client_for, employee, django_assert_max_num_queries
):
    for i in range(30):
        UserFactory(full_name=f"Kim {i}")
    client = client_for(employee)
    client.get("/")  # session and user loaded before counting
    with django_assert_max_num_queries(3):
        assert len(_search(client, "Kim").json()["results"]) == 10


def test_it_answers_a_nul_character_with_a_400(client_for, employee):
    # Refused before the view, like a NUL anywhere (core.middleware.RejectNulMiddleware).
    response = _search(client_for(employee), "Sam\x00")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_it_slows_down_someone_listing_the_whole_company(
    client_for, employee, settings, monkeypatch
):
    from types import SimpleNamespace

    from django.core.cache import cache

    # One minute's window throughout: on a loaded host the 61 searches could straddle two.
    monkeypatch.setattr("people.views.time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    cache.clear()
    client = client_for(employee)
    for _ in range(60):
        assert _search(client, "abc").status_code == 200
    response = _search(client, "abd")
    assert response.status_code == 429 and "wait a minute" in response.json()["error"]
    cache.clear()


def test_it_does_not_match_everyone_on_the_company_domain(client_for, employee):
    UserFactory(full_name="Jo Bloggs", email="jo@tandem.example")
    assert _search(client_for(employee), "tandem").json() == {"results": []}


def test_it_keeps_searching_when_the_shared_cache_is_down(client_for, employee, settings):
    from tests.resilience.helpers import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/1",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    UserFactory(full_name="Priya Raman")
    response = _search(client_for(employee), "raman")
    assert response.status_code == 200
    assert [r["name"] for r in response.json()["results"]] == ["Priya Raman"]
