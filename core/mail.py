"""Sending an email exactly once per row, and telling a refused message from an outage.

Shared by every app that emails from a sweep (reminders, surveys, assessment requests,
enrolment decisions).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from smtplib import SMTPDataError, SMTPRecipientsRefused
from typing import TypeVar
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

logger = logging.getLogger(__name__)
Row = TypeVar("Row", bound=Model)

# Addresses in an SMTP error (the recipient's, quoted back by the server) are personal data
# that erasure does not scrub from the rows that keep the error.
_ADDRESS = re.compile(r"[^\s<>()\[\]'\",;:]+@[^\s<>()\[\]'\",;:]+")


def absolute_url(path: str) -> str:
    """A link for an email: the site's public address (SITE_URL) and `path`."""
    return settings.SITE_URL.rstrip("/") + path


def site_host() -> str:
    """The installation's own host name (from SITE_URL), e.g. for calendar event UIDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def stable_message_id(kind: str, pk: int) -> str:
    """A Message-ID that is the same each time one row's email is sent: a copy resent after a
    crash can be recognised (and dropped) by the receiving mail system."""
    return f"<tandem.{kind}.{pk}@{site_host()}>"


class DeliveryFailed(OSError):
    """Some emails could not be handed to the mail server and stay unsent for a retry.

    An OSError, so a sweep task's autoretry (with backoff and a cap) picks it up.
    """


def is_permanent_refusal(exc: BaseException) -> bool:
    """True when the mail server refused this message for good: a 5xx to every recipient, or
    to the message itself. Trying again will give the same answer.

    Everything else is the server's or our trouble, not the message's, and may pass next
    time: connection errors, timeouts, 4xx "try later", a wrong SMTP password or sender
    address (5xx, but for every message alike), database errors, a task's time limit.
    """
    if isinstance(exc, SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, SMTPDataError):
        return exc.smtp_code >= 500
    return False


def error_text(exc: BaseException) -> str:
    """Why delivery failed, for an admin: without addresses, at most 500 characters."""
    return _ADDRESS.sub("<address>", f"{type(exc).__name__}: {exc}")[:500]


def send_once(row: Row, *, field: str, send: Callable[[Row], None]) -> bool:
    """Sends `row`'s email unless another worker has it or it went already; True if sent.

    The row is locked (SKIP LOCKED: a second worker moves on) and `field` stamped in the same
    transaction as the send, so a failed send or a worker that dies leaves it unsent for the
    retry: nothing is lost, and nothing goes twice unless a worker dies between the mail
    server accepting the message and the commit.
    """
    model = type(row)
    with transaction.atomic():
        claimed = (
            model.objects.select_for_update(skip_locked=True)
            .filter(pk=row.pk, **{f"{field}__isnull": True})
            .values_list("pk", flat=True)
        )
        if not list(claimed):
            return False
        send(row)
        model.objects.filter(pk=row.pk).update(**{field: timezone.now()})
    return True


def send_each_once(
    rows: Iterable[Row],
    *,
    field: str,
    send: Callable[[Row], None],
    on_refused: Callable[[Row, BaseException], None] | None = None,
) -> int:
    """`send_once` for each row; returns how many went.

    One bad address does not stop the others. A permanent refusal is handed to `on_refused`
    (when given) and not retried by this call's caller; any other error leaves the row
    unsent, and once every row was tried, DeliveryFailed is raised so the task retries.
    A task's soft time limit stops the loop at once: the rest waits for the next run.
    """
    sent = failed = 0
    for row in rows:
        try:
            sent += send_once(row, field=field, send=send)
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # one bad address must not block everyone after it
            logger.warning("%s %s not emailed: %s", type(row).__name__, row.pk, error_text(exc))
            if on_refused is not None and is_permanent_refusal(exc):
                on_refused(row, exc)
            else:
                failed += 1
    if failed:
        raise DeliveryFailed(f"{failed} email(s) stay unsent after errors; {sent} went out.")
    return sent
