"""The people-search rate limit holds across server processes that share the Redis cache."""

from collections.abc import Iterator

import pytest

from people.views import SEARCHES_PER_MINUTE
from tests.factories import PASSWORD, UserFactory
from tests.resilience.helpers import Browser, PrivateRedis, WebServer

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_servers() -> Iterator[list[WebServer]]:
    """Two gunicorn processes, as behind a load balancer, with CACHE_URL on a private Redis."""
    redis = PrivateRedis()
    redis.start()
    cache_url = redis.url.replace("/0", "/1")
    servers = [WebServer(redis.url, CACHE_URL=cache_url) for _ in range(2)]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()
        redis.cleanup()


def test_it_counts_one_persons_searches_across_two_server_processes(two_servers):
    person = UserFactory(email="searcher@example.com")
    browsers = [Browser(server.port) for server in two_servers]
    for browser in browsers:
        browser.login(person.email, PASSWORD)
    statuses = [
        browsers[i % 2].get("/people/search/?q=abc").status for i in range(SEARCHES_PER_MINUTE)
    ]
    assert statuses == [200] * SEARCHES_PER_MINUTE
    # Each process has seen only half of them; the shared count is what stops the next one.
    assert browsers[0].get("/people/search/?q=abd").status == 429
    assert browsers[1].get("/people/search/?q=abd").status == 429
