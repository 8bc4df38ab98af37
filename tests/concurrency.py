"""Running service calls at the same moment, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def run_at_once(*calls: Callable[[], Any], timeout: float = 60) -> list[Any]:
    """Starts every call in its own thread behind one barrier; returns, in call order, what
    each returned or the exception it raised. Needs a transactional test: each thread has its
    own connection and sees only committed rows. Races are about PostgreSQL's locks: mark the
    test `@pytest.mark.postgres` (the SQLite lane leaves it out)."""
    if connections["default"].vendor != "postgresql":
        raise AssertionError(
            "run_at_once races need PostgreSQL: mark the test @pytest.mark.postgres"
        )
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # the caller asserts on refusals as well as successes
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
