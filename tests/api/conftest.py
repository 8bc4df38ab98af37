"""The access-control world (tests/site), built once per module; a fresh cache per test, so
rate-limit counts (keyed by token id, which a rolled-back test may hand out again) don't
carry over."""

import pytest
from django.core.cache import cache

from tests.site.conftest import shared_world, world  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()
