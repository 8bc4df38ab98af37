"""Sending an email exactly once per row, and telling a refused message from an outage.

Shared by every app that emails from a sweep (reminders, surveys, assessment requests,
enrolment decisions), and the batch lease of the senders that send many rows over one SMTP
connection and stamp them in one commit (reminders, the outbox's email queue).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from smtplib import SMTPDataError, SMTPRecipientsRefused
from typing import TypeVar
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Model, Q, Value, When
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


# --- batches: lease, one connection, one commit -----------------------------------------------

# A row leased this many times by senders that died (their lease ran out) is not sent again: a
# message that kills its sender must not be retried in a loop.
MAX_INTERRUPTIONS = 2
INTERRUPTED = (
    "Interrupted twice while being sent (the sender stopped before recording it); "
    "not sent again, it may have arrived."
)


def lease_batch(
    model: type[Model],
    *,
    claimable: Callable[[datetime], Q],
    size: int,
    lease: timedelta,
    skip: Iterable[int] = (),
    interrupted: Mapping[str, object],
) -> tuple[str, list[int]]:
    """Leases up to `size` rows matching `claimable(now)`, oldest first, in one short
    transaction; returns the claim token and the leased ids.

    `model` has `claim_token`, `lease_until` and `interruptions`; `claimable` must require a
    free or run-out lease (`lease_until` null or before now). PostgreSQL: `SELECT .. FOR
    UPDATE SKIP LOCKED` hands concurrent senders disjoint rows. The UPDATE repeats the
    conditions, so where the lock does nothing (SQLite) the rows another sender leased first
    are simply not taken; the ids are read back by this claim's token. A row whose earlier
    lease ran out (its sender died) counts an interruption; at MAX_INTERRUPTIONS it gets the
    `interrupted` values (a terminal status and INTERRUPTED, say) instead of being sent again.
    """
    token = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        candidates = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(claimable(now))
            .exclude(pk__in=list(skip))
            .order_by("id")
            .values_list("pk", flat=True)[:size]
        )
        if not candidates:
            return token, []
        model.objects.filter(claimable(now), pk__in=candidates).update(
            claim_token=token,
            lease_until=now + lease,
            interruptions=F("interruptions")
            + Case(When(lease_until__isnull=False, then=Value(1)), default=Value(0)),
        )
        mine = model.objects.filter(claim_token=token, lease_until__isnull=False)
        given_up = mine.filter(interruptions__gte=MAX_INTERRUPTIONS).update(
            **interrupted, lease_until=None
        )
        if given_up:
            logger.error(
                "%s: %s row(s) interrupted %s times were given up.",
                model.__name__,
                given_up,
                MAX_INTERRUPTIONS,
            )
        ids = list(mine.order_by("id").values_list("pk", flat=True))
    return token, ids


def release_batch(model: type[Model], *, token: str) -> int:
    """Frees the rows of a batch still leased (not sent, or not reached) for the next run."""
    return model.objects.filter(claim_token=token, lease_until__isnull=False).update(
        claim_token="", lease_until=None
    )


def transmit(connection, message) -> None:
    """Hands one message to an open connection; raises when it is not accepted."""
    if not connection.send_messages([message]):
        raise SMTPRecipientsRefused({message.to[0]: (550, b"Not accepted")})


def close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # the server went away: nothing to close politely
        pass
