"""Reminder emails go out in batches: leased in one commit, sent over one SMTP connection and
stamped sent in one commit. A sender that dies mid-batch leaves its lease to run out; the next
sender resends the batch under the same Message-IDs, and a row interrupted twice is failed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.utils import timezone

from reminders import services
from reminders.models import EmailLog, ReminderSent
from reminders.services import reminders_send_pending, reminders_sweep
from tests.smtp import SmtpServer

from .factories import pairing

pytestmark = pytest.mark.django_db
TODAY = date.today()
ROOT = Path(__file__).resolve().parents[2]
LEASE = timedelta(seconds=300)


class CountingBackend(locmem.EmailBackend):
    """The locmem outbox, counting the connections opened."""

    opened = 0

    def open(self) -> bool:
        type(self).opened += 1
        return True


def _plan(pairs: int) -> None:
    for _ in range(pairs):
        pairing(days_since=8)
    reminders_sweep(today=TODAY)


def test_it_sends_a_batch_over_one_smtp_connection(settings, monkeypatch) -> None:
    settings.EMAIL_BACKEND = "tests.reminders.test_batches.CountingBackend"
    settings.EMAIL_BATCH = 4
    monkeypatch.setattr(CountingBackend, "opened", 0)
    _plan(5)
    assert reminders_send_pending() == 10
    assert len(mail.outbox) == 10
    assert CountingBackend.opened == 3  # batches of 4, 4 and 2


def test_it_gives_each_reminder_a_message_id_of_its_own_row(settings) -> None:
    settings.SITE_URL = "https://tandem.example.com"
    _plan(1)
    reminders_send_pending()
    by_recipient = {msg.to[0]: msg.message()["Message-ID"] for msg in mail.outbox}
    expected = {
        row.recipient.email: f"<tandem.reminder.{row.pk}@tandem.example.com>"
        for row in ReminderSent.objects.select_related("recipient")
    }
    assert by_recipient == expected


def test_it_leases_disjoint_batches_to_two_senders() -> None:
    _plan(3)
    _, first = services._claim_batch(size=4, lease=LEASE)
    _, second = services._claim_batch(size=4, lease=LEASE)
    _, third = services._claim_batch(size=4, lease=LEASE)
    assert len(first) == 4 and len(second) == 2 and third == []
    assert not set(first) & set(second)


def test_it_leases_through_the_portable_path(monkeypatch) -> None:
    # SQLite ignores FOR UPDATE: the conditional UPDATE alone keeps a leased row from a second
    # claim.
    _plan(1)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    _, first = services._claim_batch(size=10, lease=LEASE)
    _, second = services._claim_batch(size=10, lease=LEASE)
    assert len(first) == 2 and second == []


def test_it_takes_over_a_batch_only_once_its_lease_ran_out() -> None:
    _plan(1)
    token, ids = services._claim_batch(size=10, lease=LEASE)  # its sender dies here
    assert reminders_send_pending() == 0
    ReminderSent.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert reminders_send_pending() == 2
    rows = ReminderSent.objects.filter(pk__in=ids)
    assert {(r.status, r.interruptions) for r in rows} == {("sent", 1)}
    assert not rows.filter(claim_token=token).exists()


def test_it_fails_a_reminder_whose_sender_died_twice_instead_of_sending_it_again() -> None:
    _plan(1)
    for _ in range(services.MAX_INTERRUPTIONS):
        services._claim_batch(size=10, lease=LEASE)
        ReminderSent.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert reminders_send_pending() == 0
    assert mail.outbox == []
    rows = ReminderSent.objects.all()
    assert {(r.status, r.interruptions) for r in rows} == {("failed", 2)}
    assert rows.first().last_error == services.INTERRUPTED
    assert not services.has_pending_emails()


def test_it_releases_the_rest_of_the_batch_when_the_mail_server_is_down(settings) -> None:
    _plan(2)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.FailingBackend"
    with pytest.raises(services.DeliveryFailed):
        reminders_send_pending()
    rows = ReminderSent.objects.all()
    assert {(r.status, r.attempts, r.lease_until) for r in rows} == {("pending", 0, None)}


def test_it_stamps_a_batch_with_its_email_logs_in_one_go(settings) -> None:
    settings.EMAIL_BATCH = 100
    _plan(3)
    assert reminders_send_pending() == 6
    rows = ReminderSent.objects.all()
    assert {(r.status, r.lease_until) for r in rows} == {("sent", None)}
    assert len({r.sent_at for r in rows}) == 1
    assert EmailLog.objects.count() == 6


SENDER = """
import django
django.setup()
from reminders.services import reminders_send_pending
reminders_send_pending()
"""


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_it_loses_nothing_and_resends_under_the_same_message_id_after_a_sigkill() -> None:
    # 30 pairings, 60 reminders, batches of 25: the sender is killed half-way through the second.
    _plan(30)
    smtp = SmtpServer(delay=0.02)
    smtp.start()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.test",
        "TEST_DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "TANDEM_TEST_SMTP_PORT": str(smtp.port),
        "EMAIL_BATCH": "25",
        "EMAIL_LEASE_SECONDS": "2",
    }
    try:
        sender = subprocess.Popen([sys.executable, "-c", SENDER], cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while smtp.count() < 37 and time.monotonic() < deadline:
            time.sleep(0.005)
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
        killed_at = smtp.count()
        assert 25 <= killed_at < 60, killed_at
        time.sleep(2.5)  # the dead sender's lease runs out
        subprocess.run([sys.executable, "-c", SENDER], cwd=ROOT, env=env, check=True, timeout=60)
    finally:
        smtp.stop()
    rows = list(ReminderSent.objects.select_related("recipient"))
    expected = {f"<tandem.reminder.{r.pk}@" for r in rows}
    received = {mid.split("@")[0] + "@" for mid in smtp.message_ids}
    assert received == expected  # nothing lost, and no row resent under another Message-ID
    assert set(smtp.received) == {r.recipient.email for r in rows}
    assert {(r.status, r.interruptions <= 1) for r in rows} == {("sent", True)}
    assert EmailLog.objects.count() == 60  # stamped once each
    # The copies a receiver drops by Message-ID: at most the killed batch.
    assert smtp.duplicates() <= 25
