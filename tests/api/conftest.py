"""The access-control world (tests/site), built once per module."""

import pytest
from django.core.cache import cache

from tests.site.conftest import shared_world, world  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with no request counted: ids repeat between tests (SQLite reuses them
    after a rollback), so one test's requests would count against the next one's limits."""
    cache.clear()
