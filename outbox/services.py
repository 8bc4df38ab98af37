"""The transactional outbox: record a task with the data, dispatch after commit."""

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from smtplib import SMTPDataError, SMTPRecipientsRefused
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.mail import (
    INTERRUPTED,
    close_quietly,
    error_text,
    is_permanent_refusal,
    lease_batch,
    release_batch,
    stable_message_id,
    transmit,
)
from mentorship_site.celery import app

from .models import EmailStatus, Event, OutboxMessage, OutboxStatus, OutgoingEmail

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *, task: str, args: Iterable[Any] = (), kwargs: dict[str, Any] | None = None
) -> OutboxMessage:
    """Record `task` now; try to send it once the surrounding transaction commits."""
    message = OutboxMessage.objects.create(task_name=task, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


def outbox_dispatch(*, message_id: int) -> bool:
    """Publish one pending message. A broker error leaves it pending for the next flush."""
    message = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).first()
    if message is None:
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1)
    try:
        _publish(message)
    except Exception as exc:  # the broker is down or unreachable: keep it for later
        logger.warning("Outbox: %s stays pending: %s", message.task_name, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(exc)[:500])
        return False
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.DISPATCHED, dispatched_at=timezone.now(), last_error=""
    )
    return True


def _publish(message: OutboxMessage) -> None:
    if app.conf.task_always_eager:
        # Embedded default (no broker): run it here and now.
        app.loader.import_default_modules()  # registers every app's tasks
        result = app.tasks[message.task_name].apply(args=message.args, kwargs=message.kwargs)
        result.get(propagate=True)
    else:
        # ignore_result: nobody reads an outbox task's result, and subscribing to it on a down
        # Redis result backend retries ~20 s before failing; the publish itself fails at once.
        app.send_task(
            message.task_name,
            args=message.args,
            kwargs=message.kwargs,
            retry=False,
            ignore_result=True,
        )


def outbox_flush(*, limit: int = 500) -> int:
    """Dispatch what is pending, oldest first; returns how many went out."""
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for message_id in ids:
        if not outbox_dispatch(message_id=message_id):
            break  # the broker is still down; don't hammer it
        sent += 1
    return sent


# --- emails -----------------------------------------------------------------------------------

SEND_TASK = "outbox.tasks.send_emails"


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str  # e.g. "text/calendar; method=REQUEST"
    content: str


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    attachment: Attachment | None = None


def emails_enqueue(*, kind: str, emails: Iterable[Email], batch: str = "") -> int:
    """Record emails to send, in the caller's transaction; the worker sends them after commit.

    Nothing waits on the mail server: a rolled-back change is never announced, and an outage
    only delays the emails. Returns how many were recorded (addresses left blank are skipped).
    """
    rows = [
        OutgoingEmail(
            kind=kind,
            batch=batch,
            to=email.to,
            subject=" ".join(email.subject.split()),
            body=email.body,
            attachment_name=email.attachment.filename if email.attachment else "",
            attachment_type=email.attachment.mimetype if email.attachment else "",
            attachment=email.attachment.content if email.attachment else "",
            from_email=settings.DEFAULT_FROM_EMAIL,
        )
        for email in emails
        if email.to
    ]
    OutgoingEmail.objects.bulk_create(rows, batch_size=1000)
    if rows:
        outbox_enqueue(task=SEND_TASK)
    return len(rows)


def email_enqueue(*, kind: str, to: str, subject: str, body: str, batch: str = "") -> int:
    return emails_enqueue(kind=kind, emails=[Email(to, subject, body)], batch=batch)


@dataclass
class SendResult:
    sent: int = 0
    refused: int = 0
    deferred: int = 0
    # The mail server could not be reached: the rest waits for the next periodic try.
    outage: bool = False
    # The time budget ran out with emails still due: the caller should continue in a new task.
    more: bool = False


OUTAGE = "outage"


def emails_send_pending(*, time_budget: float | None = None) -> SendResult:
    """Sends due emails oldest first, in batches, each once.

    Each batch (settings.EMAIL_BATCH rows) is leased in one commit (`core.mail.lease_batch`:
    SKIP LOCKED on PostgreSQL, the conditional UPDATE alone on SQLite, so several workers share
    the work), sent over one SMTP connection and stamped sent in one commit (see `_send_batch`
    for the crash window). A permanent refusal marks that email refused (HR sees it and may
    retry); a "try later" for one message defers it with backoff; an unreachable server stops
    the loop and leaves every email pending for the periodic retry.
    """
    started = time.monotonic()
    lease = timedelta(seconds=settings.EMAIL_LEASE_SECONDS)
    result = SendResult()
    while not result.outage:
        if time_budget is not None and time.monotonic() - started > time_budget:
            result.more = _has_due()
            break
        token, ids = _claim_batch(size=settings.EMAIL_BATCH, lease=lease)
        if not ids:
            break
        # Half the lease for sending leaves the commit a wide margin before the lease ends;
        # the time budget, if sooner, keeps the task inside its time limit.
        deadline = time.monotonic() + lease.total_seconds() / 2
        if time_budget is not None:
            deadline = min(deadline, started + time_budget)
        _send_batch(ids, token=token, result=result, deadline=deadline)
    return result


def _due(now) -> Q:
    return Q(status=EmailStatus.PENDING, next_attempt_at__lte=now) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def _claim_batch(*, size: int, lease: timedelta) -> tuple[str, list[int]]:
    """Leases up to `size` due emails; one interrupted MAX_INTERRUPTIONS times is marked
    refused (HR sees why and may send it again) instead of being sent a third time."""
    return lease_batch(
        OutgoingEmail,
        claimable=_due,
        size=size,
        lease=lease,
        interrupted={"status": EmailStatus.REFUSED, "last_error": INTERRUPTED},
    )


def _has_due() -> bool:
    return OutgoingEmail.objects.filter(_due(timezone.now())).exists()


def _message(row: OutgoingEmail, connection) -> EmailMessage:
    # Stable per row: a copy resent after a crash (see `_send_batch`) can be dropped by receivers.
    message = EmailMessage(
        row.subject,
        row.body,
        row.from_email or None,
        [row.to],
        connection=connection,
        headers={"Message-ID": stable_message_id("email", row.pk)},
    )
    if row.attachment_name:
        message.attach(row.attachment_name, row.attachment, row.attachment_type)
    return message


def _send_batch(ids: list[int], *, token: str, result: SendResult, deadline: float) -> None:
    """Sends one leased batch over one SMTP connection, then stamps it in one commit.

    A refusal or a deferral is recorded at once and opens a new connection for the rest; an
    outage stops the batch. The rows not sent are released by `_finish_batch`. The crash window:
    a sender killed between the mail server accepting a message and this batch's commit leaves
    the message leased but unstamped; once the lease runs out the next sender sends it again,
    under the same Message-ID (docs/operations.md, "Every email goes through the email queue").
    """
    rows = list(OutgoingEmail.objects.filter(pk__in=ids, claim_token=token).order_by("id"))
    sent: list[int] = []
    connection = None
    try:
        for row in rows:
            # The lease must not run out mid-send (another sender would take the rows over).
            if sent and time.monotonic() > deadline:
                break
            try:
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()  # kept open for the batch; send_messages won't close it
                transmit(connection, _message(row, connection))
            except SoftTimeLimitExceeded:
                raise  # out of time: stamp what went (finally below), the rest waits
            except Exception as exc:
                outcome = _failed(row, exc)
                if connection is not None:
                    close_quietly(connection)  # a refusal may leave the conversation in a bad state
                    connection = None
                if outcome == OUTAGE:
                    result.outage = True
                    break
                if outcome == EmailStatus.REFUSED:
                    result.refused += 1
                else:
                    result.deferred += 1
            else:
                sent.append(row.pk)
    finally:
        if connection is not None:
            close_quietly(connection)
        _finish_batch(token=token, sent=sent)
        result.sent += len(sent)


def _finish_batch(*, token: str, sent: list[int]) -> None:
    """Stamps the batch's sent emails in one commit (their bodies cleared: what was said to
    whom need not be kept), then releases the rest of the batch for the next run."""
    with transaction.atomic():
        if sent:
            OutgoingEmail.objects.filter(claim_token=token, pk__in=sent).update(
                status=EmailStatus.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                last_error="",
                body="",
                attachment="",
                claim_token="",
                lease_until=None,
            )
        release_batch(OutgoingEmail, token=token)


def _failed(row: OutgoingEmail, exc: BaseException) -> str:
    error = error_text(exc)
    attempts = row.attempts + 1
    logger.warning("Email %s (%s) not sent: %s", row.pk, row.kind, error)
    if is_permanent_refusal(exc) or attempts >= settings.OUTBOX_EMAIL_MAX_ATTEMPTS:
        OutgoingEmail.objects.filter(pk=row.pk).update(
            status=EmailStatus.REFUSED, attempts=attempts, last_error=error
        )
        return EmailStatus.REFUSED
    if isinstance(exc, SMTPDataError | SMTPRecipientsRefused):
        # "Try later" for this message only: back off for it, carry on with the others.
        delay = min(settings.OUTBOX_EMAIL_RETRY_SECONDS * 2 ** (attempts - 1), 3600)
        OutgoingEmail.objects.filter(pk=row.pk).update(
            attempts=attempts,
            last_error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        return EmailStatus.PENDING
    # Refused connection, timeout, lost connection, a refused login or sender address: the
    # server (or our settings) is at fault, not this message, and every email waits.
    # Not counted as an attempt: a long outage must not turn emails into refusals.
    OutgoingEmail.objects.filter(pk=row.pk).update(last_error=error)
    return OUTAGE


def emails_retry(*, batch: str) -> int:
    """Puts a batch's refused emails back in the queue and wakes the worker; returns how many."""
    with transaction.atomic():
        count = OutgoingEmail.objects.filter(batch=batch, status=EmailStatus.REFUSED).update(
            status=EmailStatus.PENDING, attempts=0, interruptions=0, next_attempt_at=timezone.now()
        )
        if count:
            outbox_enqueue(task=SEND_TASK)
    return count


# --- events -----------------------------------------------------------------------------------

# The integrations' task (webhooks app), by name: the outbox never imports the apps above it.
EVENT_TASK = "webhooks.tasks.fan_out"


@dataclass(frozen=True)
class EventData:
    kind: str
    program_id: int | None
    data: dict[str, Any]


def events_record(*, events: Iterable[EventData]) -> list[Event]:
    """Record what happened in the caller's transaction; after the commit the worker passes it
    on to the webhook endpoints that asked for it (beat picks up any wake-up that was lost).

    A rolled-back change records nothing. `data` must hold no private text.
    """
    rows = [Event(kind=e.kind, program_id=e.program_id, data=e.data) for e in events]
    if not rows:
        return []
    Event.objects.bulk_create(rows, batch_size=1000)
    transaction.on_commit(lambda: outbox_wake(task=EVENT_TASK))
    return rows


def event_record(*, kind: str, program_id: int | None, data: dict[str, Any]) -> Event:
    return events_record(events=[EventData(kind, program_id, data)])[0]


def outbox_wake(*, task: str) -> bool:
    """Publish a task that needs no arguments and whose work is recorded in a table (events,
    deliveries): a lost wake-up only delays it until beat's periodic run. False on a broker
    error."""
    try:
        _publish(OutboxMessage(task_name=task, args=[], kwargs={}))
    except Exception as exc:  # the broker is down: beat's periodic run picks the work up
        logger.warning("Outbox: wake-up for %s lost: %s", task, exc)
        return False
    return True
