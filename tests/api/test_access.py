"""The access table again, with API tokens instead of the browser session.

Every `api:*` entry of tests/site/test_access_control.py's TABLE is requested by each role
holding a token with every scope: a token acts as its owner, so the outcome must be exactly the
session's (anonymous aside: no token at all, 401). Then the token's own refusals: a token
without the route's scope gets 403, an expired, revoked or unknown one 401, on every route.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api import scopes
from api.models import ApiToken
from api.services import api_token_create, api_token_revoke
from tests.site.access_world import ANONYMOUS, HR, MENTEE, ROLES, World, table_hashes
from tests.site.test_access_control import TABLE, assert_no_leak, changed_tables

# ~300 requests (about a minute): in `make test`, not in the inner loop (test_tokens.py covers
# dead tokens and scopes there).
pytestmark = pytest.mark.slow

SIGNED_IN_ROLES = [r for r in ROLES if r != ANONYMOUS]
# The API's own routes (the token pages and the Swagger UI page are for the browser).
API_NAMES = sorted(n for n in TABLE if n.startswith("api:") and n != "api:docs")
CASES = [(name, role) for name in API_NAMES for role in SIGNED_IN_ROLES]


def _changed(before: dict[str, str]) -> list[str]:
    """Tables a request changed, but for the tokens' own `last_used_at`."""
    return [t for t in changed_tables(before, table_hashes()) if t != "api.ApiToken"]


def _token_client(world: World, role: str, token_scopes=scopes.SCOPES) -> Client:
    created = api_token_create(
        user=world.user(role), name=f"{role} test", scopes=list(token_scopes), expires_in_days=1
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {created.secret}")


def _request(client: Client, rule, url: str, method: str):
    if method == "POST":
        return client.post(url, data={}, content_type="application/json")
    return client.get(url)


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}@{r}" for n, r in CASES])
def test_it_gives_a_token_exactly_its_owners_outcome(world, name, role):
    rule = TABLE[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    client = _token_client(world, role)
    method = "POST" if rule.post_only else "GET"
    if role in rule.ok:
        response = _request(client, rule, url, method)
        allowed = rule.allowed_statuses or frozenset(range(200, 300))
        assert response.status_code in allowed, (url, role, response.status_code)
        assert_no_leak(response, role, url)
        return
    before = table_hashes()
    for method in ("GET", "POST"):
        response = _request(client, rule, url, method)
        expected = {rule.refusal_for(role)}
        if method == "GET" and rule.post_only:
            expected.add(405)
        if method == "POST" and rule.get_only:
            expected = {405}
        assert response.status_code in expected, (method, url, role, response.status_code)
        assert response.json()["status"] == response.status_code
        assert_no_leak(response, role, url)
    assert not _changed(before), (url, role)


@pytest.mark.parametrize("name", [n for n in API_NAMES if n not in {"api:schema", "api:not_found"}])
def test_it_refuses_a_token_without_the_routes_scope_with_403(world, name):
    from django.urls import resolve

    rule = TABLE[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    group = resolve(url).func.cls.scope_group
    # HR of P holds every role a route may need; the token has every scope but this group's.
    others = [s for s in scopes.SCOPES if not s.startswith(f"{group}:")]
    client = _token_client(world, HR, others)
    before = table_hashes()
    response = _request(client, rule, url, "POST" if rule.post_only else "GET")
    assert response.status_code == 403, (url, response.status_code)
    assert f"{group}:" in response.json()["detail"]
    assert not _changed(before)


@pytest.mark.parametrize("name", [n for n in API_NAMES if TABLE[n].post_only])
def test_it_refuses_a_read_only_token_on_a_write_with_403(world, name):
    from django.urls import resolve

    rule = TABLE[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    group = resolve(url).func.cls.scope_group
    client = _token_client(world, HR, [s for s in scopes.SCOPES if s != f"{group}:write"])
    response = client.post(url, data={}, content_type="application/json")
    assert response.status_code == 403
    assert f"{group}:write" in response.json()["detail"]


def _expired(world: World) -> str:
    created = api_token_create(
        user=world.hr, name="old", scopes=list(scopes.SCOPES), expires_in_days=1
    )
    ApiToken.objects.filter(pk=created.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    return created.secret


def _revoked(world: World) -> str:
    created = api_token_create(
        user=world.hr, name="gone", scopes=list(scopes.SCOPES), expires_in_days=1
    )
    api_token_revoke(token=created.token, by=world.hr)
    return created.secret


def _deactivated_owner(world: World) -> str:
    created = api_token_create(
        user=world.mentee, name="left", scopes=list(scopes.SCOPES), expires_in_days=1
    )
    type(world.mentee).objects.filter(pk=world.mentee.pk).update(is_active=False)
    return created.secret


BAD_TOKENS = {
    "expired": _expired,
    "revoked": _revoked,
    "unknown": lambda w: "tdm_" + "x" * 43,
    "not-ours": lambda w: "some-other-token",
    "owner deactivated": _deactivated_owner,
}


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
@pytest.mark.parametrize("name", API_NAMES)
def test_it_refuses_a_dead_token_with_401_on_every_route(world, name, kind):
    rule = TABLE[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {BAD_TOKENS[kind](world)}")
    before = table_hashes()
    for method in ("GET", "POST"):
        response = _request(client, rule, url, method)
        assert response.status_code == 401, (kind, method, url, response.status_code)
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["code"] == "not_authenticated"
    assert not _changed(before)


def test_it_lets_a_token_read_what_its_owner_reads_and_nothing_more(world):
    mine = _token_client(world, MENTEE).get(reverse("api:mentorship-list")).json()["results"]
    assert {m["id"] for m in mine} == {world.m.pk}
