"""Schemathesis against the API's own OpenAPI schema, as every role, by session and by token.

For each role of the access world (tests/site/access_world.py) and each way in (the browser
session with its CSRF token, and an API token with every scope), every operation of the
schema gets `MAX_EXAMPLES` generated requests (path ids and slugs drawn from the world's real
objects half of the time, so details and actions hit real rows), sent in-process to Django's
WSGI application. Each response must:
- not be a 5xx;
- have a status, content type, headers and body the schema documents for that operation;
- not be a success the role may not have (the route's TABLE entry in test_access_control.py);
- not carry a private text the role must never see (MARKERS).
Anonymous requests get 401 everywhere. The counts of operations and cases are printed.
"""

from __future__ import annotations

import secrets
from collections import Counter
from contextlib import contextmanager

import pytest
import schemathesis
import werkzeug
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import scopes
from api.services import api_token_create
from core.middleware import NUL_REFUSED
from tests.site.access_world import ANONYMOUS, MARKERS, ROLES, World
from tests.site.test_access_control import TABLE

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
RUNS = Counter()  # "operations" and "cases", over the whole module
# World objects of the goals, check-ins, outcomes and matching resources, tried as path ids.
RESOURCE_OBJECTS = (
    "goal",
    "goal2",
    "milestone",
    "checkin",
    "checkin2",
    "action_item",
    "outcome",
    "run",
    "proposal",
)


@pytest.fixture
def wsgi_app(settings):
    settings.API_RATE_TOKEN = settings.API_RATE_SESSION = settings.API_RATE_ANON = "100000/min"
    return WSGIHandler()


@contextmanager
def _keeping_the_test_connection():
    """In-process requests share the test's transaction: Django must not close the connection
    when a request starts or ends (its test client disconnects the same handlers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world):
    client = Client()
    client.force_login(world.hr)
    response = client.get("/api/schema/")
    assert response.status_code == 200
    document = response.json()
    # The test sends each role's own credentials; schemathesis must not make up others.
    for path in document["paths"].values():
        for operation in path.values():
            operation.pop("security", None)
    document["components"].pop("securitySchemes", None)
    return schemathesis.openapi.from_dict(document)


def _credentials(world: World, role: str, way: str) -> dict[str, str]:
    if role == ANONYMOUS:
        return {}
    user = world.user(role)
    if way == "token":
        created = api_token_create(
            user=user, name="schemathesis", scopes=list(scopes.SCOPES), expires_in_days=1
        )
        return {"Authorization": f"Bearer {created.secret}"}
    client = Client()
    client.force_login(user)
    csrf = secrets.token_urlsafe(24)[:32].ljust(32, "a")
    csrf = "".join(c if c.isalnum() else "a" for c in csrf)
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf}


def _real_parameters(world: World) -> dict[str, list]:
    ids = sorted(
        {
            world.m.pk,
            world.m2.pk,
            world.pending_enrolment.pk,
            world.mentee.pk,
            world.hr.pk,
            *[e.pk for e in world.p.enrolments.all()],
            # goals, check-ins, outcomes, matching (api-resources)
            *[getattr(world, name).pk for name in RESOURCE_OBJECTS],
        }
    )
    return {"id": ids, "slug": [world.p.slug, world.q.slug, world.o.slug]}


def _role_may(world: World, role: str, path: str, status: int) -> None:
    """A success must be one the TABLE allows: for a role-gated route (403 to others), any
    success of a role not listed fails; for an object-level rule (404 to others), a success on
    the TABLE's own object does."""
    if not 200 <= status < 300:
        return
    try:
        match = resolve(path)
    except Resolver404:
        return
    rule = TABLE.get(match.view_name)
    assert rule is not None, f"{match.view_name} has no TABLE entry"
    if role in rule.ok:
        return
    same_object = {k: str(v) for k, v in rule.kwargs(world).items()} == {
        k: str(v) for k, v in match.kwargs.items()
    }
    if match.kwargs and not same_object:
        # Another object than the TABLE's may well be this role's own (another HR coordinator's
        # program Q, the other pair's check-in): only the TABLE's own object is known.
        return
    assert rule.refusal_for(role) == 404 and not same_object, (
        f"{role} got {status} on {path} ({match.view_name})"
    )


def _run(world, wsgi_app, api_schema, role: str, way: str) -> None:
    headers = _credentials(world, role, way)
    real = _real_parameters(world)
    # One client per run, without a cookie jar: only this role's credentials are ever sent
    # (a jar shared between runs would carry one role's session into the next).
    client = werkzeug.Client(wsgi_app, use_cookies=False)
    for result in api_schema.get_all_operations():
        operation = result.ok()
        RUNS["operations"] += 1

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), data=st.data())
        def check(case, data):
            for name, values in real.items():
                if case.path_parameters and name in case.path_parameters:
                    if data.draw(st.booleans(), label=f"real {name}"):
                        case.path_parameters[name] = data.draw(st.sampled_from(values))
            with _keeping_the_test_connection():
                response = case.call(app=wsgi_app, session=client, headers=headers)
            RUNS["cases"] += 1
            RUNS[f"status {response.status_code}"] += 1
            case.validate_response(response, checks=CHECKS)
            if role == ANONYMOUS:
                # A NUL character anywhere is refused first, by the middleware, for everyone.
                refused_nul = response.status_code == 400 and NUL_REFUSED in response.text
                assert refused_nul or response.status_code in (401, 429), (
                    case.formatted_path,
                    response,
                )
            path = case.formatted_path
            _role_may(world, role, path, response.status_code)
            body = response.text
            assert "CSRF" not in body, f"the session's CSRF token was refused: {body}"
            for marker, allowed in MARKERS.items():
                assert role in allowed or marker not in body, f"{path} shows {marker} to {role}"

        check()


CASES = [(role, way) for role in ROLES if role != ANONYMOUS for way in ("session", "token")]


@pytest.mark.parametrize(("role", "way"), CASES, ids=[f"{r}-{w}" for r, w in CASES])
def test_it_answers_every_operation_as_the_schema_says(world, wsgi_app, api_schema, role, way):
    _run(world, wsgi_app, api_schema, role, way)


def test_it_answers_anonymous_requests_with_401(world, wsgi_app, api_schema):
    _run(world, wsgi_app, api_schema, ANONYMOUS, "none")


def test_it_reports_how_much_it_ran(capsys):
    with capsys.disabled():
        statuses = ", ".join(
            f"{k.split()[1]}: {v}" for k, v in sorted(RUNS.items()) if k.startswith("status")
        )
        print(
            f"\nschemathesis: {RUNS['operations']} operation runs ({len(CASES) + 1} role/way "
            f"combinations), {RUNS['cases']} cases; statuses {statuses}"
        )
