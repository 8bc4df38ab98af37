"""Webhooks: endpoints, fanning recorded events out to them, and signed deliveries.

Events are recorded by the lower apps in `outbox.Event`, in the transaction of the change.
The worker turns each into one `Delivery` per endpoint that asked for it (a unique key makes
it once), then sends deliveries: each claimed with a conditional UPDATE (a lease), POSTed with
an HMAC-SHA256 signature, and on failure retried with exponential backoff. At least once: a
worker that dies after the receiver answered but before the row is stamped leaves the lease to
expire and the delivery is sent again, with the same event id, for the receiver to drop.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.services import audit_record
from core.http import refused_address
from core.mail import absolute_url
from outbox.models import Event
from outbox.services import Email, emails_enqueue, outbox_wake
from people.models import User
from programs.models import Program

from . import signing
from .models import PING, Delivery, DeliveryStatus, Endpoint, EventKind

logger = logging.getLogger(__name__)

DELIVER_TASK = "webhooks.tasks.deliver"
USER_AGENT = "Tandem-Webhooks/1"
EXCERPT = 200


# --- endpoints ------------------------------------------------------------------------------


new_secret = signing.new_secret


def check_url(url: str) -> str:
    """http(s) only, with a host and no user name or password in it."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ValidationError({"url": "Enter a valid URL."}) from exc
    if parts.scheme not in ("http", "https"):
        raise ValidationError({"url": "Only http:// and https:// addresses can receive webhooks."})
    if not parts.hostname:
        raise ValidationError({"url": "Enter a URL with a host name."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Leave the user name and password out of the URL."})
    return url


def _check_events(events: list[str]) -> list[str]:
    chosen = [e for e in EventKind.values if e in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        raise ValidationError({"events": "Choose at least one event."})
    return chosen


def _check_program(program: Program | None, by: User) -> None:
    if program is None:
        if not (by.is_staff or by.is_superuser):
            raise ValidationError(
                {"program": "Only staff can register an endpoint for every program."}
            )
    elif not program.is_coordinator(by):
        raise ValidationError({"program": "Choose a program you coordinate."})


@transaction.atomic
def endpoint_create(
    *, by: User, program: Program | None, url: str, description: str, events: list[str]
) -> Endpoint:
    _check_program(program, by)
    endpoint = Endpoint.objects.create(
        program=program,
        url=check_url(url),
        description=description.strip(),
        events=_check_events(events),
        secret=new_secret(),
        created_by=by,
    )
    audit_record(
        actor=by,
        action="webhooks.endpoint_created",
        obj=endpoint,
        program=program,
        payload={"url": endpoint.url, "events": endpoint.events},
    )
    return endpoint


@transaction.atomic
def endpoint_update(
    *,
    endpoint: Endpoint,
    by: User,
    url: str,
    description: str,
    events: list[str],
    active: bool,
    rotate_secret: bool = False,
) -> Endpoint:
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.url = check_url(url)
    endpoint.description = description.strip()
    endpoint.events = _check_events(events)
    if active and not endpoint.is_active:
        # Resumed: waiting deliveries go out now, and the failure count starts again.
        endpoint.consecutive_failures = 0
        endpoint.paused_reason = ""
        Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
            next_attempt_at=timezone.now()
        )
        transaction.on_commit(lambda: outbox_wake(task=DELIVER_TASK))
    elif not active and endpoint.is_active:
        endpoint.paused_reason = f"Paused by {by.full_name or by.email}."
    endpoint.is_active = active
    if rotate_secret:
        endpoint.secret = new_secret()
    endpoint.save()
    audit_record(
        actor=by,
        action="webhooks.endpoint_updated",
        obj=endpoint,
        program=endpoint.program,
        payload={
            "url": endpoint.url,
            "events": endpoint.events,
            "active": active,
            "secret_rotated": rotate_secret,
        },
    )
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, by: User) -> None:
    audit_record(
        actor=by,
        action="webhooks.endpoint_deleted",
        obj=endpoint,
        program=endpoint.program,
        payload={"url": endpoint.url},
    )
    endpoint.delete()


def _body(*, event_id: str, kind: str, occurred_at, program_id: int | None, data: dict) -> str:
    return json.dumps(
        {
            "id": str(event_id),
            "type": kind,
            "created_at": occurred_at.isoformat(),
            "program_id": program_id,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


@transaction.atomic
def endpoint_send_test(*, endpoint: Endpoint, by: User) -> Delivery:
    """Queues a "ping" event to this endpoint only; the worker sends it."""
    now = timezone.now()
    delivery = Delivery(endpoint=endpoint, kind=PING, next_attempt_at=now)
    delivery.body = _body(
        event_id=str(delivery.event_id),
        kind=PING,
        occurred_at=now,
        program_id=endpoint.program_id,
        data={"message": "A test event from Tandem.", "sent_by": by.pk},
    )
    delivery.save()
    transaction.on_commit(lambda: outbox_wake(task=DELIVER_TASK))
    return delivery


# --- fan-out --------------------------------------------------------------------------------


def events_fan_out(*, limit: int = 500) -> int:
    """Turns recorded events into deliveries, oldest first; returns how many events.

    Each event is claimed under a row lock (SKIP LOCKED: workers share the work) and stamped in
    the same transaction as its deliveries, which a unique key makes once per endpoint.
    """
    done = 0
    created = 0
    while done < limit:
        with transaction.atomic():
            batch = list(
                Event.objects.select_for_update(skip_locked=True)
                .filter(fanned_out_at__isnull=True)
                .order_by("occurred_at", "id")[:100]
            )
            if not batch:
                break
            endpoints = list(
                Endpoint.objects.filter(
                    Q(program__isnull=True) | Q(program_id__in={e.program_id for e in batch})
                )
            )
            rows = []
            now = timezone.now()
            for event in batch:
                for endpoint in endpoints:
                    if endpoint.program_id not in (None, event.program_id):
                        continue
                    if event.kind not in endpoint.events:
                        continue
                    rows.append(
                        Delivery(
                            endpoint=endpoint,
                            event_id=event.id,
                            kind=event.kind,
                            body=_body(
                                event_id=event.id,
                                kind=event.kind,
                                occurred_at=event.occurred_at,
                                program_id=event.program_id,
                                data=event.data,
                            ),
                            next_attempt_at=now,
                        )
                    )
            Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
            Event.objects.filter(pk__in=[e.pk for e in batch]).update(fanned_out_at=now)
            created += len(rows)
            done += len(batch)
    if created:
        transaction.on_commit(lambda: outbox_wake(task=DELIVER_TASK))
    return done


def events_purge(*, older_than_days: int = 30) -> int:
    """Forgets events passed on long ago (their deliveries keep the body)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Event.objects.filter(fanned_out_at__lt=cutoff).delete()
    return deleted


# --- sending --------------------------------------------------------------------------------


@dataclass
class SendResult:
    delivered: int = 0
    failed: int = 0  # attempts that failed (retried later, or given up)
    more: bool = False


def _claimable() -> Q:
    """Conditions on the delivery's own columns only: the claim's UPDATE must not join (on
    PostgreSQL a joined condition becomes a subquery that is not re-checked after waiting for
    another worker's row lock, and two workers would both win)."""
    now = timezone.now()
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def _due() -> Q:
    return _claimable() & Q(endpoint__is_active=True)


def _claim(delivery_id: int) -> bool:
    """Conditional UPDATE: true for the one worker that takes it."""
    now = timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3 + 30)
    return bool(
        Delivery.objects.filter(_claimable(), pk=delivery_id).update(
            claimed_until=now + lease, attempts=F("attempts") + 1, last_attempt_at=now
        )
    )


def deliveries_send_due(*, time_budget: float | None = None, limit: int = 1000) -> SendResult:
    """Sends due deliveries oldest first; several workers share them (each claims its own)."""
    started = time.monotonic()
    result = SendResult()
    skipped: set[int] = set()
    while result.delivered + result.failed < limit:
        if time_budget is not None and time.monotonic() - started > time_budget:
            result.more = Delivery.objects.filter(_due()).exists()
            break
        ids = list(
            Delivery.objects.filter(_due())
            .exclude(pk__in=skipped)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:20]
        )
        if not ids:
            break
        for delivery_id in ids:
            skipped.add(delivery_id)
            if not _claim(delivery_id):
                continue  # another worker has it
            sent = delivery_send(delivery_id=delivery_id)
            if sent is None:
                continue  # its endpoint was paused meanwhile
            if sent:
                result.delivered += 1
            else:
                result.failed += 1
    return result


@dataclass
class Answer:
    status_code: int | None
    excerpt: str
    error: str


def _post(endpoint: Endpoint, delivery: Delivery) -> Answer:
    body = delivery.body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.HEADER: signing.header_value(endpoint.secret, timestamp, body),
        "Tandem-Event-Id": str(delivery.event_id),
        "Tandem-Event": delivery.kind,
        "Tandem-Delivery-Attempt": str(delivery.attempts),
    }
    refused = refused_address(
        allow_private=settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES,
        host=urlsplit(endpoint.url).hostname or "",
    )
    if refused:
        return Answer(None, "", refused)
    try:
        response = requests.post(
            endpoint.url,
            data=body,
            headers=headers,
            timeout=(settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS, settings.WEBHOOK_TIMEOUT_SECONDS),
            allow_redirects=False,
        )
    except requests.Timeout:
        return Answer(None, "", "No answer in time (timeout).")
    except requests.RequestException as exc:
        return Answer(None, "", f"Could not connect: {type(exc).__name__}")
    excerpt = response.text[:EXCERPT] if response.content else ""
    if 200 <= response.status_code < 300:
        return Answer(response.status_code, excerpt, "")
    return Answer(response.status_code, excerpt, f"Answered {response.status_code}.")


def delivery_send(*, delivery_id: int) -> bool | None:
    """One attempt at a delivery this worker has claimed; True if the receiver took it, None
    if its endpoint was paused since (the claim is handed back, not counted)."""
    delivery = Delivery.objects.select_related("endpoint__program").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(
            claimed_until=None, attempts=F("attempts") - 1
        )
        return None
    answer = _post(endpoint, delivery)
    now = timezone.now()
    common = {
        "claimed_until": None,
        "last_status_code": answer.status_code,
        "last_response": answer.excerpt[:300],
        "last_error": answer.error[:300],
    }
    if not answer.error:
        with transaction.atomic():
            # The body (names, emails) need not be kept once the receiver has it.
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.DELIVERED, delivered_at=now, body="", **common
            )
            Endpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        return True
    logger.warning(
        "Webhook delivery %s to endpoint %s failed: %s", delivery.pk, endpoint.pk, answer.error
    )
    with transaction.atomic():
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED, **common)
        else:
            delay = min(
                settings.WEBHOOK_RETRY_SECONDS * 2 ** (delivery.attempts - 1),
                settings.WEBHOOK_RETRY_MAX_SECONDS,
            )
            Delivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=now + timedelta(seconds=delay), **common
            )
        Endpoint.objects.filter(pk=endpoint.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        failures = Endpoint.objects.values_list("consecutive_failures", flat=True).get(
            pk=endpoint.pk
        )
        if failures >= settings.WEBHOOK_PAUSE_AFTER_FAILURES:
            endpoint_pause_failing(endpoint=endpoint, failures=failures, error=answer.error)
    return False


def endpoint_pause_failing(*, endpoint: Endpoint, failures: int, error: str) -> bool:
    """Pauses an endpoint that keeps failing and tells who manages it, once (the conditional
    UPDATE lets one worker do it): the program's HR coordinators, or for a global endpoint the
    staff member who registered it."""
    reason = f"Paused after {failures} failed deliveries in a row. Last: {error}"[:200]
    paused = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, paused_reason=reason
    )
    if not paused:
        return False
    if endpoint.program_id:
        recipients = list(
            endpoint.program.coordinators.filter(is_active=True, is_hr_coordinator=True)
        )
        where = f"for {endpoint.program.name}"
    else:
        recipients = [endpoint.created_by] if endpoint.created_by else []
        where = "for every program"
    link = absolute_url(endpoint.get_absolute_url())
    emails = [
        Email(
            person.email,
            "A webhook endpoint was paused",
            (
                f"Hello {person.full_name or person.email},\n\n"
                f"Tandem paused the webhook endpoint {endpoint.url} {where}: {reason}\n\n"
                "Events keep waiting for it. Once the receiver works again, open the endpoint, "
                f"tick “Active” and save to send them:\n{link}\n"
            ),
        )
        for person in recipients
        if person.email
    ]
    emails_enqueue(kind="webhooks.paused", emails=emails)
    return True
