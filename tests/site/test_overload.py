"""gunicorn as shipped (gunicorn.conf.py), overloaded on loopback: every request gets an answer,
a page (200) or a clear "busy" (503 with Retry-After), never a reset or a dropped connection."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from tests.smtp import free_port

pytestmark = [pytest.mark.stack, pytest.mark.slow, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
CLIENTS = 48
REQUESTS_EACH = 12


def _wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gunicorn exited"
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/healthz")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not listen on {port} within {timeout} s")


def _client(port: int, index: int, outcomes: Counter, lock: threading.Lock) -> None:
    # Half the clients keep their connection alive between requests (as a proxy does), half
    # open a new one each time.
    keep = index % 2 == 0
    conn = None
    for _ in range(REQUESTS_EACH):
        try:
            if conn is None or not keep:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/accounts/login/")
            response = conn.getresponse()
            response.read()
            outcome = str(response.status)
            if response.status == 503 and not response.getheader("Retry-After"):
                outcome = "503 without Retry-After"
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except Exception as exc:  # a reset, a dropped connection, a timeout
            outcome = type(exc).__name__
            conn = None
        with lock:
            outcomes[outcome] += 1
        if not keep and conn is not None:
            conn.close()


def test_it_answers_every_request_with_a_page_or_a_clear_503_under_overload() -> None:
    port = free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "WEB_MAX_IN_FLIGHT": "1",
        "WEB_MAX_QUEUED": "1",
        "WEB_QUEUE_SECONDS": "0.2",
    }
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "gunicorn.conf.py", "mentorship_site.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, server)
        outcomes: Counter[str] = Counter()
        lock = threading.Lock()
        clients = [
            threading.Thread(target=_client, args=(port, i, outcomes, lock)) for i in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=180)
        assert not any(client.is_alive() for client in clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\nOverload, {CLIENTS} clients × {REQUESTS_EACH} requests: {dict(outcomes)}")
    assert sum(outcomes.values()) == CLIENTS * REQUESTS_EACH
    assert set(outcomes) <= {"200", "503"}, outcomes
    assert outcomes["200"] > 0 and outcomes["503"] > 0, outcomes  # it did shed, and did serve
