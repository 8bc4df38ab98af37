"""With Redis stopped the site still answers, records its background work and sends it later.

The site runs as a real gunicorn process publishing to a private Redis that the test stops;
pages are requested over HTTP by signed-in coordinator, mentee and mentor.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.urls import reverse

from matching.models import MatchingRun, RunStatus
from outbox.models import OutboxMessage, OutboxStatus
from tests.factories import PASSWORD
from tests.site.access_world import World, build_world

from .helpers import Browser, PrivateRedis, Response, WebServer, Worker, manage
from .pages import page_paths

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# "A few seconds": every page must answer well within this, broker or not.
MAX_SECONDS = 5.0
ROLES = ("hr", "mentee", "mentor")


@pytest.fixture
def web(redis_server: PrivateRedis) -> Iterator[WebServer]:
    server = WebServer(redis_server.url)
    server.start()
    yield server
    server.stop()


def test_it_answers_every_page_and_keeps_the_work_while_redis_is_down(
    redis_server: PrivateRedis, web: WebServer
) -> None:
    w = build_world()
    users = {"hr": w.hr, "mentee": w.mentee, "mentor": w.mentor}
    paths = page_paths(w)
    redis_server.stop()

    outcomes: Counter[int] = Counter()
    per_role: dict[str, Counter[int]] = {role: Counter() for role in ROLES}
    slowest = (0.0, "")
    failures = []
    for role in ROLES:
        browser = Browser(web.port)
        browser.login(users[role].email, PASSWORD)
        for path in paths:
            response = browser.get(path)
            outcomes[response.status] += 1
            per_role[role][response.status] += 1
            slowest = max(slowest, (response.seconds, f"GET {path} as {role}"))
            if response.status >= 500 or response.seconds > MAX_SECONDS:
                failures.append((role, path, response.status, round(response.seconds, 2)))

    hr = Browser(web.port)
    hr.login(w.hr.email, PASSWORD)
    actions = {
        "start a matching run": _start_run(hr, w),
        "nudge a pairing": hr.post(reverse("checkins:nudge", args=[w.m.pk])),
    }
    for label, response in actions.items():
        slowest = max(slowest, (response.seconds, f"POST {label}"))
        if response.status >= 400 or response.seconds > MAX_SECONDS:
            failures.append(("hr", label, response.status, round(response.seconds, 2)))

    print(
        f"\nRedis down: {len(paths) * len(ROLES)} GETs ({len(paths)} URLs x {len(ROLES)} roles), "
        f"status codes {dict(sorted(outcomes.items()))}; {len(actions)} POSTs "
        f"{ {k: r.status for k, r in actions.items()} }; "
        f"slowest {slowest[0]:.2f} s ({slowest[1]}); per role "
        f"{ {role: dict(sorted(c.items())) for role, c in per_role.items()} }"
    )
    assert not failures, f"{failures}\n{web.output()}"

    redis_server.start()
    _assert_recovers(redis_server, hr, w)


def test_it_answers_within_the_socket_timeout_while_redis_hangs(
    redis_server: PrivateRedis, web: WebServer
) -> None:
    """A frozen Redis (network partition) accepts connections but never replies."""
    w = build_world()
    redis_server.freeze()
    hr = Browser(web.port)
    hr.login(w.hr.email, PASSWORD)
    page = hr.get(reverse("programs:manage", args=[w.p.slug]))
    started = _start_run(hr, w)
    limit = settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] + 3
    print(
        f"\nRedis frozen: manage page {page.status} in {page.seconds:.2f} s; "
        f"start run {started.status} in {started.seconds:.2f} s"
    )
    assert page.status == 200 and page.seconds < MAX_SECONDS
    assert started.status == 302 and started.seconds < limit

    redis_server.thaw()
    _assert_recovers(redis_server, hr, w)


def _start_run(browser: Browser, w: World) -> Response:
    return browser.post(
        reverse("matching:start", args=[w.p.slug]),
        {"mode": "max_matched"},
        referer_path=reverse("programs:manage", args=[w.p.slug]),
    )


def _assert_recovers(redis_server: PrivateRedis, hr: Browser, w: World) -> None:
    """The queued run was kept; once Redis answers, the outbox sends it and nothing is left."""
    run = MatchingRun.objects.exclude(pk=w.run.pk).get(program=w.p)
    assert run.status == RunStatus.QUEUED
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    runs = pending.filter(task_name="matching.tasks.execute_run")
    assert list(runs.values_list("args", flat=True)) == [[run.pk]]
    assert runs.get().last_error, "the failed publish should be recorded"
    # A nudge's emails wait in the email queue; the outbox wakes the worker to send them.
    assert set(pending.values_list("task_name", flat=True)) <= {
        "matching.tasks.execute_run",
        "outbox.tasks.send_emails",
    }
    waiting = pending.count()

    # A worker starts and the outbox flush (beat runs it every minute) sends the work.
    worker = Worker(redis_server.url)
    worker.start()
    try:
        flushed = manage(redis_server.url, "flush_outbox")
        assert f"Dispatched {waiting}; 0 still pending." in flushed.stdout
        _wait_until_done(run)
        assert run.status == RunStatus.SUCCEEDED, run.error
        assert not OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()

        # The running site reconnects by itself: the next run is published at once.
        again = _start_run(hr, w)
        assert again.status == 302 and again.seconds < MAX_SECONDS
        second = MatchingRun.objects.filter(program=w.p).latest("created_at")
        _wait_until_done(second)
    finally:
        worker.stop()
    assert second.pk != run.pk and second.status == RunStatus.SUCCEEDED, second.error
    assert OutboxMessage.objects.get(args=[second.pk]).status == OutboxStatus.DISPATCHED


def _wait_until_done(run: MatchingRun, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.is_open:
            return
        time.sleep(0.2)
