"""Shared fixtures: users per role, a real Celery worker, a real browser."""

import importlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests import factories

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


# Fixtures that only make sense against PostgreSQL: a test using one runs in the PostgreSQL lane.
POSTGRES_FIXTURES = {"celery_worker_process", "redis_server"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items) -> None:
    """Marks `postgres` every test about PostgreSQL itself, so the SQLite lane
    (`-m "not postgres"`) leaves it out: tests of a real worker or of the production stack,
    and those using a PostgreSQL-only fixture."""
    for item in items:
        whole_stack = item.get_closest_marker("worker") or item.get_closest_marker("stack")
        if whole_stack or POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
        if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
            item.add_marker(
                pytest.mark.skip(reason="about PostgreSQL itself: PostgreSQL lane only")
            )


@pytest.fixture(autouse=True)
def _no_axes_state_between_tests(settings) -> None:
    # Each test's failed logins must not lock another test out.
    settings.AXES_FAILURE_LIMIT = 5


SEED_MIGRATIONS = [
    "programs.migrations.0002_seed_skills",
    "checkins.migrations.0002_seed_default_templates",
]


@pytest.fixture(autouse=True)
def _migration_seed_data(request) -> None:
    """Put back rows that data migrations seed (skills, default templates).

    A transactional test flushes every table when it ends, so the test after it
    would otherwise see no skills at all.
    """
    marker = request.node.get_closest_marker("django_db")
    wants_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not wants_db:
        return
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    restore_migration_seed_data()


def restore_migration_seed_data() -> None:
    """The rows of SEED_MIGRATIONS, back if a transactional test flushed them. Also for
    module-scoped fixtures, which run before the per-test fixture above."""
    from django.apps import apps as registry

    from programs.models import Skill

    if Skill.objects.exists():
        return
    for module in SEED_MIGRATIONS:
        importlib.import_module(module).seed(registry, None)


@pytest.fixture
def hr_user(db):
    return factories.HRFactory(email="hr.coordinator@example.com")


@pytest.fixture
def other_hr(db):
    """An HR coordinator who does not coordinate the program under test."""
    return factories.HRFactory(email="other.hr@example.com")


@pytest.fixture
def employee(db):
    return factories.UserFactory(email="employee@example.com")


@pytest.fixture
def stranger(db):
    """A third user who must be refused everything private."""
    return factories.UserFactory(email="stranger@example.com")


@pytest.fixture
def client_for() -> Callable:
    def make(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return make


# --- a real Celery worker in a subprocess, on Redis, sharing the test database ------------


def _worker_env(broker: str) -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="mentorship_site.settings.test",
        TANDEM_TEST_BROKER_URL=broker,
        TEST_DATABASE_URL=(
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
        ),
        PYTHONPATH=str(ROOT),
    )
    return env


def worker_command(queue: str, name: str) -> list[str]:
    """`celery worker` on the test app (the project's app plus test-only tasks and failure
    injection, tests/worker_app.py), one process, listening on `queue` only."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "tests.worker_app",
        "worker",
        "-P",
        "solo",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        name,
        "--loglevel=WARNING",
    ]


class WorkerHandle:
    """A running `celery worker` process and a client app that talks to it."""

    def __init__(self, broker: str, queue: str, env: dict[str, str] | None = None) -> None:
        from celery import Celery

        self.broker = broker
        self.queue = queue
        self.env = env or {}  # e.g. a failure to inject, read by tests/worker_app.py
        self.process: subprocess.Popen | None = None
        # Not the current app: shared tasks in this process must stay eager.
        self.client = Celery(broker=broker, backend=broker, set_as_current=False)
        self.client.conf.task_default_queue = queue

    def start(self) -> None:
        cmd = worker_command(self.queue, f"{self.queue}@%h")
        env = {**_worker_env(self.broker), **self.env}
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("The Celery worker exited during start-up.")
            try:
                result = self.client.send_task("tests.echo", args=["ready"], queue=self.queue)
                result.get(timeout=2)
                return
            except Exception:  # not ready yet
                time.sleep(0.2)
        raise RuntimeError("The Celery worker did not answer within 30 s.")

    def kill(self, sig: int = 9) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[WorkerHandle]:
    """Starts a real worker against Redis; the test's rows are committed so it sees them."""
    import redis

    broker = settings.TEST_BROKER_URL
    redis.Redis.from_url(broker).ping()
    handle = WorkerHandle(broker, queue=f"test-{uuid.uuid4().hex[:8]}")
    handle.start()
    yield handle
    handle.stop()


# --- a real browser ------------------------------------------------------------------------


@pytest.fixture
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's Chromium.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the
    # test body are still synchronous and safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def _launch(sync_playwright) -> Iterator:
    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-quic",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server) -> Iterator:
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    yield pg
    context.close()


def login(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
