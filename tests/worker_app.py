"""The Celery app test workers run (`celery -A tests.worker_app worker`): the project's app plus
what only tests need, so none of it sits in production code.

- `tests.echo`: the round trip that tells a test its worker is up and sees the test database.
- Failures injected through the environment the test starts the worker with
  (`WorkerHandle(..., env={...})`), installed before the worker's first task:
  `TANDEM_TEST_REMINDERS_STOP_AFTER=n` cuts the first reminder-sending run off after n emails,
  the way a task is cut off by its soft time limit half-way through.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import task_prerun

from mentorship_site.celery import app

__all__ = ["app", "echo", "stop_reminders_after"]

STOP_REMINDERS_AFTER = "TANDEM_TEST_REMINDERS_STOP_AFTER"


@shared_task(name="tests.echo")
def echo(value: str) -> str:
    """Returns what it was given and how many users the worker sees in the database."""
    from people.models import User

    return f"{value}:{User.objects.count()}"


def stop_reminders_after(count: int, patch: Callable[..., None] = setattr) -> None:
    """Makes `reminders_send_pending` stop once, after `count` emails, with SoftTimeLimitExceeded
    (the one exception its loop lets through, as when a task runs out of time).

    `patch` is the plain `setattr` in a worker, pytest's `monkeypatch.setattr` in-process.
    """
    from reminders import services

    real = services._transmit
    state = {"sent": 0, "stopped": False}

    def send(connection, message) -> None:
        if not state["stopped"] and state["sent"] >= count:
            state["stopped"] = True
            raise SoftTimeLimitExceeded(f"Stopped by the test after {count} emails.")
        real(connection, message)
        state["sent"] += 1

    patch(services, "_transmit", send)


_installed = False


@task_prerun.connect
def _inject_failures(**_) -> None:
    # Django is set up by the time a task runs; the environment is the worker's own.
    global _installed
    if _installed:
        return
    _installed = True
    if os.environ.get(STOP_REMINDERS_AFTER):
        stop_reminders_after(int(os.environ[STOP_REMINDERS_AFTER]))
