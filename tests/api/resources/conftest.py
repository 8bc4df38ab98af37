"""Fixtures of the API resource tests: the access-control world and a client per lane."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from api.scopes import SCOPES
from tests.api.resources.helpers import LANES, ApiClient
from tests.metrics.conftest import assessments, org  # noqa: F401  (the metrics org)
from tests.site.conftest import shared_world, world  # noqa: F401  (the access world)


@pytest.fixture(params=LANES)
def api_as(request) -> Callable[..., ApiClient]:
    """`api_as(user)`: a client in this test's lane (each test runs once per lane: the
    browser session, then a bearer token with every scope)."""

    def make(user, scopes: tuple[str, ...] = SCOPES) -> ApiClient:
        return ApiClient(user, request.param, scopes)

    return make
