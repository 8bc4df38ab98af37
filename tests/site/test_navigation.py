"""The navigation: its links reversed once per process, and the manager's links without a query
on every page."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.templatetags.nav_tags import NAV, PERSONAL
from people.context_processors import nav_manager_key
from tests.factories import HRFactory, UserFactory

pytestmark = pytest.mark.django_db


def _nav(html: str) -> str:
    return html[html.index('<div class="collapse navbar-collapse"') : html.index("</nav>")]


def test_it_links_what_the_url_tags_linked(client_for):
    person = HRFactory(is_superuser=True, can_view_leadership=True)
    UserFactory(manager=person)
    html = _nav(client_for(person).get(reverse("programs:open")).content.decode())
    hrefs = set(re.findall(r'href="([^"#]+)"', html))
    expected = {reverse(name) for name in NAV.values() if name != "logout"} | {
        reverse(name, args=[person.pk]) for name in PERSONAL.values()
    }
    assert hrefs == expected
    assert f'action="{reverse("logout")}"' in html


def test_it_names_the_signed_in_persons_own_pages(client_for):
    one, two = UserFactory(), UserFactory()
    for person in (one, two):
        html = client_for(person).get(reverse("programs:open")).content.decode()
        assert f'href="{reverse("people:profile", args=[person.pk])}"' in html
        assert f'href="{reverse("checkins:mentor_stats", args=[person.pk])}"' in html


def test_it_asks_whether_a_person_manages_anyone_once_in_a_while(client_for):
    boss = UserFactory()
    UserFactory(manager=boss)
    client = client_for(boss)
    url = reverse("programs:my_enrolments")
    first = client.get(url).content.decode()
    assert reverse("people:team") in first
    with CaptureQueriesContext(connection) as later:
        again = client.get(url).content.decode()
    assert reverse("people:team") in again
    assert not any('"manager_id" = ' in q["sql"] for q in later.captured_queries)


def test_it_asks_again_when_the_kept_answer_is_old(client_for):
    person = UserFactory()
    client = client_for(person)
    url = reverse("programs:my_enrolments")
    assert reverse("people:team") not in client.get(url).content.decode()
    UserFactory(manager=person)
    cache.delete(nav_manager_key(person))  # as when NAV_MANAGER_SECONDS have passed
    assert reverse("people:team") in client.get(url).content.decode()


def test_it_never_uses_another_persons_answer(client_for):
    boss, other = UserFactory(), UserFactory()
    UserFactory(manager=boss)
    client_for(boss).get(reverse("programs:my_enrolments"))
    assert cache.get(nav_manager_key(boss)) is True
    html = client_for(other).get(reverse("programs:my_enrolments")).content.decode()
    assert reverse("people:team") not in html


def test_it_asks_the_database_when_the_cache_is_down(client_for, monkeypatch):
    boss = UserFactory()
    UserFactory(manager=boss)

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    html = client_for(boss).get(reverse("programs:my_enrolments")).content.decode()
    assert reverse("people:team") in html


def test_it_shows_a_new_managers_links_once_they_open_the_home_page(client_for):
    person = UserFactory()
    client = client_for(person)
    url = reverse("programs:my_enrolments")
    assert reverse("people:team") not in client.get(url).content.decode()
    UserFactory(manager=person)
    assert reverse("people:team") in client.get("/").content.decode()
    assert reverse("people:team") in client.get(url).content.decode()


def _words(html: str) -> str:
    return " ".join(html.split())


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"role_is_hr": True},
        {"role_is_manager": True, "can_view_leadership": True},
        {"uses_password": True, "is_superuser": True},
        {"is_privacy_officer": True, "role_is_hr": True, "role_is_manager": True},
    ],
)
def test_it_draws_the_navigation_the_template_drew(rf, flags):
    """main_nav against the navigation base.html drew before it (tests/site/nav_before.html),
    for a person whose name needs escaping, under several sets of flags."""
    from pathlib import Path

    from django.template import engines
    from django.template.context import make_context

    person = UserFactory(
        full_name='Ana "<b>" & Co',
        can_view_leadership=flags.get("can_view_leadership", False),
        is_superuser=flags.get("is_superuser", False),
        is_privacy_officer=flags.get("is_privacy_officer", False),
    )
    request = rf.get("/")
    request.user, request.session = person, {}
    context = {
        "user": person,
        "csrf_token": "t0k3n",
        "role_is_hr": flags.get("role_is_hr", False),
        "role_is_manager": flags.get("role_is_manager", False),
        "uses_password": flags.get("uses_password", False),
    }
    engine = engines["django"].engine
    before = engine.from_string((Path(__file__).parent / "nav_before.html").read_text())
    now = engine.from_string("{% load nav_tags %}{% main_nav %}")

    drawn = now.render(make_context(context, request))

    assert _words(drawn) == _words(before.render(make_context(context, request)))
    assert "Ana &quot;&lt;b&gt;&quot; &amp; Co" in drawn
    assert 'name="csrfmiddlewaretoken" value="t0k3n"' in drawn
    assert f"/people/{person.pk}/" in drawn


def test_it_draws_a_third_persons_navigation_with_their_own_name_and_links(client_for):
    one, two, third = UserFactory(full_name="One"), UserFactory(full_name="Two"), UserFactory()
    client_for(one).get(reverse("programs:open"))
    client_for(two).get(reverse("programs:open"))

    html = _nav(client_for(third).get(reverse("programs:open")).content.decode())

    assert ">One<" not in html and ">Two<" not in html
    assert f'href="{reverse("people:profile", args=[third.pk])}"' in html
    assert f'href="{reverse("people:profile", args=[one.pk])}"' not in html
