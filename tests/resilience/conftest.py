"""Fixtures shared by the resilience tests."""

from collections.abc import Iterator

import pytest

from .helpers import PrivateRedis


@pytest.fixture
def redis_server() -> Iterator[PrivateRedis]:
    """A redis-server of this test's own on a free port, so the shared Redis is never touched."""
    server = PrivateRedis()
    server.start()
    yield server
    server.cleanup()
