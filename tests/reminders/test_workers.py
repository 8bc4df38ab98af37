"""Real Celery workers on Redis: exactly-once holds across processes, races and crashes.

Emails sent inside a worker go to *its* locmem outbox, invisible here, so these tests count the
EmailLog rows each worker writes in the transaction that marks a reminder sent.
"""

import time
import uuid
from collections import Counter

import pytest
from django.db.models import Count

from reminders.models import EmailLog, ReminderSent
from tests.conftest import WorkerHandle
from tests.worker_app import STOP_REMINDERS_AFTER

from .factories import pairing

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SWEEP = "reminders.tasks.sweep"
LEASE_SECONDS = 2


def _pairings(n: int) -> int:
    """n pairings with a check-in due: two reminders each."""
    for _ in range(n):
        pairing(days_since=8)
    return 2 * n


def _second_worker(first: WorkerHandle, env: dict[str, str] | None = None) -> WorkerHandle:
    other = WorkerHandle(first.broker, queue=f"test-{uuid.uuid4().hex[:8]}", env=env)
    other.start()
    return other


def _assert_each_reminder_sent_once(expected: int) -> None:
    per_key = Counter(
        EmailLog.objects.values_list(
            "reminder__mentorship_id",
            "reminder__period_start",
            "reminder__recipient_id",
            "reminder__kind",
        )
    )
    assert len(per_key) == expected, "an email was lost"
    assert set(per_key.values()) == {1}, "an email was sent twice"
    assert ReminderSent.objects.filter(status="sent").count() == expected
    assert not ReminderSent.objects.annotate(n=Count("logs")).exclude(n=1).exists()


def test_it_sends_one_email_per_period_when_two_workers_sweep_at_once(
    celery_worker_process,
) -> None:
    expected = _pairings(40)
    first = celery_worker_process
    second = _second_worker(first)
    try:
        results = [handle.client.send_task(SWEEP, queue=handle.queue) for handle in (first, second)]
        outcomes = [r.get(timeout=120) for r in results]
    finally:
        second.stop()
    assert sum(o["sent"] for o in outcomes) == expected
    assert all(o["due"] == 40 for o in outcomes)
    _assert_each_reminder_sent_once(expected)


def test_it_sends_nothing_twice_when_a_sweep_fails_half_way_and_is_retried(
    celery_worker_process,
) -> None:
    expected = _pairings(10)
    # A worker whose first run stops after 7 emails (injected by tests/worker_app.py); Celery's
    # own retry of the task then sends the rest.
    handle = _second_worker(celery_worker_process, env={STOP_REMINDERS_AFTER: "7"})
    try:
        outcome = handle.client.send_task(SWEEP, queue=handle.queue).get(timeout=60)
    finally:
        handle.stop()
    assert outcome["sent"] == expected - 7, "the retry should send only what the first run left"
    _assert_each_reminder_sent_once(expected)


def test_it_sends_nothing_twice_when_a_worker_is_killed_mid_sweep(celery_worker_process) -> None:
    expected = _pairings(150)
    # Reminders go out in leased batches: the batch the kill interrupts stays leased until its
    # lease runs out, so both workers lease for 2 s and the replacement starts after that.
    short_lease = {"EMAIL_LEASE_SECONDS": str(LEASE_SECONDS)}
    handle = _second_worker(celery_worker_process, env=short_lease)
    handle.client.send_task(SWEEP, queue=handle.queue)
    deadline = time.monotonic() + 60
    while EmailLog.objects.count() < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    handle.kill()  # SIGKILL: no cleanup, its open transaction is rolled back by PostgreSQL
    sent_before_kill = EmailLog.objects.count()
    assert 0 < sent_before_kill < expected, "the kill should land half-way through the sweep"
    time.sleep(LEASE_SECONDS + 0.5)
    replacement = _second_worker(handle, env=short_lease)
    try:
        retried = replacement.client.send_task(SWEEP, queue=replacement.queue).get(timeout=120)
    finally:
        replacement.stop()
    assert retried["sent"] == expected - sent_before_kill
    _assert_each_reminder_sent_once(expected)
