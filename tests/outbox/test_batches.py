"""The email queue sends in batches: leased in one commit, sent over one SMTP connection and
stamped sent in one commit, each email once, under a Message-ID made from its row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.mail.backends import smtp as smtp_backend
from django.utils import timezone

from core.mail import INTERRUPTED, MAX_INTERRUPTIONS
from outbox import services
from outbox.models import EmailStatus, OutgoingEmail
from outbox.services import Email, emails_enqueue, emails_retry, emails_send_pending
from tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db
LEASE = timedelta(seconds=300)


class CountingSmtp(smtp_backend.EmailBackend):
    """Django's SMTP backend, counting the connections it opens."""

    opened = 0

    def open(self) -> bool | None:
        new = super().open()
        if new:
            type(self).opened += 1
        return new


@pytest.fixture
def sink(settings, monkeypatch) -> Iterator[SmtpServer]:
    """A real SMTP server on loopback, and Django sending to it."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "tests.outbox.test_batches.CountingSmtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://tandem.example.com"
    monkeypatch.setattr(CountingSmtp, "opened", 0)
    yield server
    server.stop()


def _queue(n: int) -> list[int]:
    emails_enqueue(
        kind="test",
        batch="run:1",
        emails=[Email(f"person{i}@example.com", "Hello", f"Body {i}") for i in range(n)],
    )
    return list(OutgoingEmail.objects.order_by("id").values_list("pk", flat=True))


def test_it_sends_a_batch_over_one_smtp_connection(sink, settings) -> None:
    settings.EMAIL_BATCH = 4
    _queue(10)
    assert emails_send_pending().sent == 10
    assert sink.count() == 10
    assert CountingSmtp.opened == 3  # batches of 4, 4 and 2


def test_it_sends_each_email_once_under_its_own_message_id_when_run_twice(sink) -> None:
    ids = _queue(5)
    assert emails_send_pending().sent == 5
    assert emails_send_pending().sent == 0
    assert set(sink.message_ids) == {f"<tandem.email.{pk}@tandem.example.com>" for pk in ids}
    assert sink.duplicates() == 0 and sink.count() == 5


def test_it_stamps_a_batch_in_one_go(sink) -> None:
    _queue(4)
    emails_send_pending()
    rows = OutgoingEmail.objects.all()
    assert {(r.status, r.attempts, r.body, r.lease_until, r.claim_token) for r in rows} == {
        (EmailStatus.SENT, 1, "", None, "")
    }
    assert len({r.sent_at for r in rows}) == 1


def test_it_sends_the_others_when_one_message_is_refused(settings) -> None:
    server = SmtpServer(refuse={"person1@example.com"})
    server.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        _queue(4)
        result = emails_send_pending()
    finally:
        server.stop()
    assert (result.sent, result.refused) == (3, 1)
    assert sorted(server.received) == [f"person{i}@example.com" for i in (0, 2, 3)]
    refused = OutgoingEmail.objects.get(to="person1@example.com")
    assert (refused.status, refused.lease_until) == (EmailStatus.REFUSED, None)


def test_it_keeps_its_queries_per_batch_constant(sink, django_assert_max_num_queries) -> None:
    _queue(3)
    with django_assert_max_num_queries(16):
        assert emails_send_pending().sent == 3
    _queue(30)
    with django_assert_max_num_queries(16):
        assert emails_send_pending().sent == 30


def test_it_leaves_a_batch_another_sender_holds_alone() -> None:
    # On SQLite (its test lane), which ignores FOR UPDATE, the conditional UPDATE alone keeps a
    # leased row from a second sender.
    ids = _queue(5)
    _, held = services._claim_batch(size=2, lease=LEASE)  # the first sender, still sending
    assert emails_send_pending().sent == 3
    rows = OutgoingEmail.objects.order_by("id")
    assert [r.status for r in rows] == [EmailStatus.PENDING] * 2 + [EmailStatus.SENT] * 3
    assert held == ids[:2]


def test_it_takes_over_a_batch_only_once_its_lease_ran_out() -> None:
    ids = _queue(2)
    token, _ = services._claim_batch(size=10, lease=LEASE)  # its sender dies here
    assert emails_send_pending().sent == 0
    OutgoingEmail.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert emails_send_pending().sent == 2
    rows = OutgoingEmail.objects.filter(pk__in=ids)
    assert {(r.status, r.interruptions) for r in rows} == {(EmailStatus.SENT, 1)}
    assert not rows.filter(claim_token=token).exists()


def test_it_refuses_an_email_whose_sender_died_twice_until_hr_retries() -> None:
    _queue(1)
    for _ in range(MAX_INTERRUPTIONS):
        services._claim_batch(size=10, lease=LEASE)
        OutgoingEmail.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert emails_send_pending().sent == 0
    row = OutgoingEmail.objects.get()
    assert (row.status, row.last_error) == (EmailStatus.REFUSED, INTERRUPTED)
    assert emails_retry(batch="run:1") == 1
    assert emails_send_pending().sent == 1


def test_it_releases_the_rest_of_the_batch_when_the_mail_server_is_down(settings) -> None:
    _queue(3)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.FailingBackend"
    assert emails_send_pending().outage
    rows = OutgoingEmail.objects.all()
    assert {(r.status, r.attempts, r.lease_until, r.claim_token) for r in rows} == {
        (EmailStatus.PENDING, 0, None, "")
    }
