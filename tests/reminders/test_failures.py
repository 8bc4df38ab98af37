"""A reminder or digest the mail server keeps refusing ends up failed instead of pending forever.

The mail server is `RefusingBackend`: it refuses chosen mailboxes the way SMTP refuses an unknown
one and delivers everything else to the locmem outbox.
"""

from collections.abc import Callable
from datetime import date
from smtplib import (
    SMTPAuthenticationError,
    SMTPDataError,
    SMTPRecipientsRefused,
    SMTPResponseException,
    SMTPSenderRefused,
    SMTPServerDisconnected,
)

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.db import DatabaseError
from django.test import Client

from core.mail import is_permanent_refusal
from reminders import services
from reminders.models import Digest, EmailLog, ReminderSent
from reminders.services import reminders_send_pending, reminders_sweep
from tests.factories import UserFactory

from .factories import pairing, prefer
from .failing_backend import RefusingBackend

pytestmark = pytest.mark.django_db
TODAY = date.today()
ADMIN_LIST = "/admin/reminders/remindersent/"


@pytest.fixture
def refuse(settings, monkeypatch) -> Callable[..., None]:
    """Call with the addresses the mail server refuses from now on (none: it accepts all)."""
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.RefusingBackend"

    def set_refused(*addresses: str) -> None:
        monkeypatch.setattr(RefusingBackend, "refused", set(addresses))

    return set_refused


@pytest.fixture
def bad_row(refuse) -> ReminderSent:
    """A due check-in: the mentor's mailbox is refused, the mentee's (planned after it) is fine."""
    m = pairing(days_since=8)
    reminders_sweep(today=TODAY)
    refuse(m.mentor.email)
    return ReminderSent.objects.get(recipient=m.mentor)


def _good_row(bad: ReminderSent) -> ReminderSent:
    return ReminderSent.objects.exclude(pk=bad.pk).get()


def _send_refused(times: int) -> None:
    for _ in range(times):
        with pytest.raises(services.DeliveryFailed):
            reminders_send_pending()


def _fresh(row: ReminderSent) -> ReminderSent:
    return ReminderSent.objects.get(pk=row.pk)


# --- single emails ---------------------------------------------------------------------------


def test_it_counts_a_refused_send_and_keeps_the_reminder_pending_with_the_error(bad_row) -> None:
    _send_refused(1)
    row = _fresh(bad_row)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.last_error.startswith("SMTPRecipientsRefused: ")
    assert "User unknown" in row.last_error


def test_it_keeps_the_refused_address_out_of_the_stored_error(bad_row) -> None:
    _send_refused(1)
    error = _fresh(bad_row).last_error
    assert bad_row.recipient.email not in error
    assert "<address>" in error


def test_it_marks_the_reminder_failed_on_the_fifth_refusal(bad_row) -> None:
    assert services.MAX_ATTEMPTS == 5
    _send_refused(4)
    assert (_fresh(bad_row).status, _fresh(bad_row).attempts) == ("pending", 4)
    _send_refused(1)
    row = _fresh(bad_row)
    assert (row.status, row.attempts) == ("failed", 5)
    assert "User unknown" in row.last_error


def test_it_does_not_send_a_failed_reminder_when_the_server_accepts_it_again(
    bad_row, refuse
) -> None:
    _send_refused(5)
    refuse()
    mail.outbox.clear()
    assert reminders_send_pending() == 0
    assert mail.outbox == []
    assert _fresh(bad_row).status == "failed"
    assert not services.has_pending_emails()


def test_it_stops_raising_once_the_refused_reminder_has_failed(bad_row) -> None:
    # DeliveryFailed makes Celery retry; with the bad row failed there is nothing left to retry.
    _send_refused(5)
    assert reminders_send_pending() == 0
    assert _fresh(bad_row).attempts == 5


def test_it_sends_a_good_reminder_after_a_bad_one_exactly_once(bad_row) -> None:
    good = _good_row(bad_row)
    assert good.pk > bad_row.pk
    _send_refused(5)
    reminders_send_pending()
    assert [msg.to for msg in mail.outbox] == [[good.recipient.email]]
    assert EmailLog.objects.filter(reminder=good).count() == 1
    good = _fresh(good)
    assert (good.status, good.attempts, good.last_error) == ("sent", 0, "")


def test_it_never_writes_an_email_log_for_a_refused_send(bad_row) -> None:
    _send_refused(5)
    assert not EmailLog.objects.filter(reminder=bad_row).exists()
    assert not EmailLog.objects.filter(to=bad_row.recipient.email).exists()


def test_it_does_not_count_a_failure_on_a_reminder_another_worker_sent(bad_row) -> None:
    # The failure is recorded after the rollback: another worker may have sent the row by then.
    ReminderSent.objects.filter(pk=bad_row.pk).update(status="sent")
    services._reminder_record_failure(pk=bad_row.pk, exc=OSError("late"))
    row = _fresh(bad_row)
    assert (row.status, row.attempts, row.last_error) == ("sent", 0, "")


@pytest.mark.django_db(transaction=True)
def test_it_commits_the_count_although_the_send_rolled_back(bad_row) -> None:
    _send_refused(1)
    row = _fresh(bad_row)
    assert (row.attempts, row.claimed_at, row.sent_at) == (1, None, None)
    assert not EmailLog.objects.filter(reminder=bad_row).exists()


# --- weekly digests --------------------------------------------------------------------------


@pytest.fixture
def refused_digest_user(refuse):
    """A weekly-digest mentee with a line waiting, whose mailbox the server refuses."""
    m = pairing(days_since=8)
    prefer(m.mentee, weekly_digest=True)
    reminders_sweep(today=TODAY)
    refuse(m.mentee.email)
    return m.mentee


def _send_digests_refused(times: int) -> None:
    for _ in range(times):
        with pytest.raises(services.DeliveryFailed):
            services.digests_send(today=TODAY)


def test_it_counts_a_refused_digest_and_keeps_it_pending(refused_digest_user) -> None:
    _send_digests_refused(1)
    digest = Digest.objects.get(user=refused_digest_user)
    assert (digest.status, digest.attempts) == ("pending", 1)
    assert "User unknown" in digest.last_error


def test_it_marks_a_digest_and_its_lines_failed_on_the_fifth_refusal(refused_digest_user) -> None:
    _send_digests_refused(5)
    digest = Digest.objects.get(user=refused_digest_user)
    assert (digest.status, digest.attempts) == ("failed", 5)
    lines = ReminderSent.objects.filter(recipient=refused_digest_user)
    assert list(lines.values_list("status", "attempts")) == [("failed", 5)]
    assert "User unknown" in lines.get().last_error


def test_it_does_not_send_a_failed_digest_when_the_server_accepts_it_again(
    refused_digest_user, refuse
) -> None:
    _send_digests_refused(5)
    refuse()
    assert services.digests_send(today=TODAY) == 0
    assert refused_digest_user.email not in [msg.to[0] for msg in mail.outbox]
    assert not EmailLog.objects.filter(digest__isnull=False).exists()


# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_it_lets_admins_filter_the_failed_reminders_with_their_error(
    bad_row, superuser_client
) -> None:
    _send_refused(5)
    response = superuser_client.get(ADMIN_LIST, {"status__exact": "failed"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [bad_row]
    assert "User unknown" in response.content.decode()


def test_it_shows_attempts_and_error_read_only_in_the_admin(bad_row, superuser_client) -> None:
    _send_refused(1)
    response = superuser_client.get(f"{ADMIN_LIST}{bad_row.pk}/change/")
    assert response.status_code == 200
    form_fields = response.context["adminform"].form.fields
    assert "attempts" not in form_fields and "last_error" not in form_fields
    assert "User unknown" in response.content.decode()


# --- outages are not refusals ----------------------------------------------------------------


def test_it_keeps_every_reminder_pending_and_uncounted_through_a_mail_server_outage(
    settings,
) -> None:
    pairing(days_since=8)
    reminders_sweep(today=TODAY)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.FailingBackend"
    for _ in range(services.MAX_ATTEMPTS + 1):
        with pytest.raises(services.DeliveryFailed):
            reminders_send_pending()
    rows = ReminderSent.objects.all()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 0)}


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (SMTPRecipientsRefused({"a@example.com": (550, b"no such user")}), True),
        (SMTPDataError(554, b"message rejected"), True),
        (SMTPRecipientsRefused({"a@example.com": (450, b"mailbox busy")}), False),
        (
            SMTPRecipientsRefused(
                {"a@example.com": (550, b"no"), "b@example.com": (451, b"later")}
            ),
            False,
        ),
        (ConnectionRefusedError("refused"), False),
        (TimeoutError("timed out"), False),
        (SMTPServerDisconnected("gone"), False),
        (SMTPResponseException(451, b"try again later"), False),
        (SMTPAuthenticationError(535, b"bad password"), False),
        (SMTPSenderRefused(553, b"sender not allowed", "tandem@example.com"), False),
        (DatabaseError("lock timeout"), False),
        (SoftTimeLimitExceeded(), False),
        (ValueError("header contains a newline"), False),
    ],
)
def test_it_counts_only_a_permanent_refusal_of_the_message(
    error: Exception, permanent: bool
) -> None:
    assert is_permanent_refusal(error) is permanent


def test_it_counts_nothing_when_the_smtp_password_is_wrong(settings) -> None:
    pairing(days_since=8)
    reminders_sweep(today=TODAY)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.AuthFailingBackend"
    for _ in range(services.MAX_ATTEMPTS + 1):
        with pytest.raises(services.DeliveryFailed):
            reminders_send_pending()
    assert {(r.status, r.attempts) for r in ReminderSent.objects.all()} == {("pending", 0)}
