"""The email queue: every email is recorded, then sent once by the worker; an outage waits."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from outbox.models import EmailStatus, OutboxMessage, OutgoingEmail
from outbox.selectors import email_progress
from outbox.services import Email, emails_enqueue, emails_retry, emails_send_pending
from tests.reminders.failing_backend import FailingBackend, RefusingBackend

pytestmark = pytest.mark.django_db
FAILING = "tests.reminders.failing_backend.FailingBackend"
REFUSING = "tests.reminders.failing_backend.RefusingBackend"


def _queue(n: int, batch: str = "run:1") -> None:
    emails_enqueue(
        kind="test",
        batch=batch,
        emails=[Email(f"person{i}@example.com", "Hello", f"Body {i}") for i in range(n)],
    )


def test_it_records_emails_and_one_task_to_send_them() -> None:
    _queue(3)
    assert OutgoingEmail.objects.filter(status=EmailStatus.PENDING).count() == 3
    assert OutboxMessage.objects.get().task_name == "outbox.tasks.send_emails"
    assert not mail.outbox


def test_it_sends_each_email_once_when_sent_twice(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _queue(3)
    assert len(mail.outbox) == 3
    assert emails_send_pending().sent == 0
    assert len(mail.outbox) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{i}@example.com" for i in range(3)]
    sent = OutgoingEmail.objects.get(to="person0@example.com")
    assert (sent.status, sent.attempts, sent.body) == (EmailStatus.SENT, 1, "")
    assert sent.sent_at is not None


def test_it_keeps_every_email_pending_while_the_mail_server_is_down(settings) -> None:
    _queue(3)
    settings.EMAIL_BACKEND = FAILING
    result = emails_send_pending()
    assert result.outage and result.sent == 0
    rows = OutgoingEmail.objects.all()
    assert {r.status for r in rows} == {EmailStatus.PENDING}
    assert {r.attempts for r in rows} == {0}, "an outage must not use up a message's tries"
    assert "refused the connection" in rows[0].last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert emails_send_pending().sent == 3
    assert len(mail.outbox) == 3


def test_it_marks_a_refused_email_for_hr_and_sends_the_rest(settings) -> None:
    _queue(3)
    settings.EMAIL_BACKEND = REFUSING
    RefusingBackend.refused = {"person1@example.com"}
    try:
        result = emails_send_pending()
    finally:
        RefusingBackend.refused = set()
    assert (result.sent, result.refused) == (2, 1)
    refused = OutgoingEmail.objects.get(to="person1@example.com")
    assert refused.status == EmailStatus.REFUSED
    assert "<address>" in refused.last_error and "person1" not in refused.last_error
    progress = email_progress("run:1")
    assert (progress.total, progress.sent, progress.refused, progress.pending) == (3, 2, 1, 0)
    assert progress.done and [r.to for r in progress.refusals] == ["person1@example.com"]


def test_it_sends_a_refused_email_again_when_hr_retries(settings) -> None:
    _queue(1)
    OutgoingEmail.objects.update(status=EmailStatus.REFUSED, attempts=1, last_error="550")
    assert emails_retry(batch="run:2") == 0
    assert emails_retry(batch="run:1") == 1
    assert emails_send_pending().sent == 1
    assert OutgoingEmail.objects.get().status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_it_defers_a_try_later_message_and_sends_the_others(settings, monkeypatch) -> None:
    from smtplib import SMTPRecipientsRefused

    _queue(2)
    original = FailingBackend.send_messages

    def busy_for_first(self, messages):
        if messages[0].to == ["person0@example.com"]:
            raise SMTPRecipientsRefused({"person0@example.com": (451, b"4.2.1 Try later")})
        mail.outbox.extend(messages)
        return len(messages)

    monkeypatch.setattr(FailingBackend, "send_messages", busy_for_first)
    settings.EMAIL_BACKEND = FAILING
    result = emails_send_pending()
    monkeypatch.setattr(FailingBackend, "send_messages", original)
    assert (result.sent, result.deferred) == (1, 1)
    later = OutgoingEmail.objects.get(to="person0@example.com")
    assert later.status == EmailStatus.PENDING and later.attempts == 1
    assert later.next_attempt_at > timezone.now() + timedelta(seconds=30)


def test_it_gives_up_on_a_message_after_the_last_try(settings, monkeypatch) -> None:
    from smtplib import SMTPDataError

    _queue(1)
    OutgoingEmail.objects.update(attempts=settings.OUTBOX_EMAIL_MAX_ATTEMPTS - 1)

    def busy(self, messages):
        raise SMTPDataError(451, b"Try later")

    monkeypatch.setattr(FailingBackend, "send_messages", busy)
    settings.EMAIL_BACKEND = FAILING
    assert emails_send_pending().refused == 1
    assert OutgoingEmail.objects.get().status == EmailStatus.REFUSED


def test_it_stops_at_the_time_budget_and_says_there_is_more() -> None:
    _queue(3)
    result = emails_send_pending(time_budget=-1)
    assert result.more and result.sent == 0


def test_it_answers_a_password_reset_at_once_while_the_mail_server_is_down(
    client, settings
) -> None:
    from tests.factories import UserFactory

    settings.EMAIL_BACKEND = FAILING
    UserFactory(email="ada@example.com")
    response = client.post("/accounts/password_reset/", {"email": "ada@example.com"})
    assert response.status_code == 302
    queued = OutgoingEmail.objects.get(kind="accounts.password_reset")
    assert queued.to == "ada@example.com" and "/accounts/reset/" in queued.body
    assert "\n" not in queued.subject


def test_it_keeps_every_email_pending_when_the_mail_server_refuses_our_login(settings) -> None:
    _queue(2)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.AuthFailingBackend"
    result = emails_send_pending()
    assert result.outage and (result.sent, result.refused, result.deferred) == (0, 0, 0)
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {
        (EmailStatus.PENDING, 0)
    }
