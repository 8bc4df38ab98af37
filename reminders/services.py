"""The reminder sweep, exactly-once sending, digests, preferences and calendar tokens.

Exactly once: planning only ever INSERTs rows keyed by (mentorship, recipient, kind, period,
milestone) with ON CONFLICT DO NOTHING, so any number of sweeps plan each reminder once.
Sending leases a batch of pending rows (SKIP LOCKED, a claim token and a lease expiry) in one
commit, hands them to the mail server over one SMTP connection and stamps the accepted ones sent,
with their EmailLogs, in one commit. A sender that dies mid-batch leaves its rows leased; once the
lease runs out the next sender sends them again under the same Message-ID (the crash window,
docs/operations.md "Reminders: exactly once"); a row interrupted twice is failed. Digests still
go one per transaction (one per user and week).

Failures: when the mail server refuses a message for good, a short transaction counts the attempt
and stores the error on the row. After MAX_ATTEMPTS refusals the row (or digest) turns failed, a
terminal state nothing picks up again, instead of being retried every sweep.
"""

import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import DatabaseError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from chat.selectors import slack_only_user_ids
from chat.services import Notice, slack_notify_many
from core.bulk import insert_rows
from core.mail import (
    INTERRUPTED,
    MAX_INTERRUPTIONS,  # noqa: F401 (named here for the reminder tests)
    DeliveryFailed,
    absolute_url,
    close_quietly,
    error_text,
    is_permanent_refusal,
    lease_batch,
    release_batch,
    stable_message_id,
)
from core.mail import transmit as _transmit  # a module name tests/worker_app.py patches
from outbox.services import EventData, events_record
from programs.models import CADENCE_DAYS

from . import selectors
from .cadence import Stage, classify
from .models import (
    AtRiskFlag,
    CalendarToken,
    Channel,
    DeliveryStatus,
    Digest,
    EmailLog,
    NotificationPreference,
    ReminderKind,
    ReminderSent,
)

BATCH_SIZE = 2000
# After this many refused emails in one run the mail server is probably down: stop and retry later.
MAX_FAILURES = 10
# Refusals of one reminder or digest (across runs and Celery retries) before it is marked failed.
MAX_ATTEMPTS = 5
logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    mentorships: int = 0
    due: int = 0
    overdue: int = 0
    at_risk: int = 0
    milestones_due: int = 0
    planned: int = 0  # reminder rows offered to the database; existing ones are ignored
    flags_resolved: int = 0
    at_risk_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Planned:
    mentorship_id: int
    kind: str
    period_start: date
    milestone_id: int | None = None


def _channel(user_id: int, prefs: dict[int, selectors.Preference]) -> str | None:
    pref = prefs.get(user_id, selectors.Preference())
    if not pref.email_enabled:
        return None
    return Channel.DIGEST.value if pref.weekly_digest else Channel.EMAIL.value


# Column order of a planned reminder row, as inserted by `insert_rows`.
# Rows per INSERT on PostgreSQL: 100,000 mentorships plan in a few statements.
CHUNK = 50_000
REMINDER_COLUMNS = (
    "mentorship_id",
    "recipient_id",
    "kind",
    "period_start",
    "milestone_id",
    "channel",
)


def _rows_for(
    plan: _Planned, recipients: Iterable[tuple[int, bool]], prefs: dict[int, selectors.Preference]
) -> Iterator[tuple]:
    for user_id, is_active in recipients:
        channel = _channel(user_id, prefs) if is_active else None
        if channel is None:
            continue
        yield (
            plan.mentorship_id,
            user_id,
            plan.kind,
            plan.period_start,
            plan.milestone_id,
            channel,
        )


def _plan_checkins(
    *, today: date, result: SweepResult, prefs: dict[int, selectors.Preference]
) -> tuple[list[tuple], list[tuple[int, date]]]:
    rows: list[tuple] = []
    flags: list[tuple[int, date]] = []
    for m in selectors.active_mentorship_contacts():
        result.mentorships += 1
        state = classify(
            today=today,
            last_contact=m["last_contact"],
            cadence_days=CADENCE_DAYS[m["program__meeting_cadence"]],
        )
        if state.stage == Stage.ON_TRACK:
            continue
        if state.stage == Stage.DUE:
            result.due += 1
            kind = ReminderKind.CHECKIN_DUE.value
        else:
            # First noticed late (or at risk): one overdue reminder, not a due one as well.
            result.overdue += 1
            kind = ReminderKind.CHECKIN_OVERDUE.value
        if state.stage == Stage.AT_RISK:
            result.at_risk += 1
            result.at_risk_ids.append(m["id"])
            flags.append((m["id"], state.due_on))
        plan = _Planned(m["id"], kind, state.due_on)
        recipients = (
            (m["mentor_id"], m["mentor__is_active"]),
            (m["mentee_id"], m["mentee__is_active"]),
        )
        rows.extend(_rows_for(plan, recipients, prefs))
    return rows, flags


def _plan_milestones(
    *, today: date, result: SweepResult, prefs: dict[int, selectors.Preference]
) -> list[tuple]:
    rows: list[tuple] = []
    for ms in selectors.milestones_coming_due(today=today):
        result.milestones_due += 1
        plan = _Planned(
            ms["goal__mentorship_id"], ReminderKind.MILESTONE_DUE.value, ms["due_date"], ms["id"]
        )
        recipients = (
            (ms["goal__mentorship__mentor_id"], ms["goal__mentorship__mentor__is_active"]),
            (ms["goal__mentorship__mentee_id"], ms["goal__mentorship__mentee__is_active"]),
        )
        rows.extend(_rows_for(plan, recipients, prefs))
    return rows


def _resolve_stale_flags(flags: list[tuple[int, date]], *, now: datetime) -> int:
    """A flag whose period no longer applies (a check-in happened, the pairing stopped) is
    closed."""
    current = set(flags)
    stale = [
        pk
        for pk, mentorship_id, period in AtRiskFlag.objects.filter(
            resolved_at__isnull=True
        ).values_list("pk", "mentorship_id", "period_start")
        if (mentorship_id, period) not in current
    ]
    if not stale:
        return 0
    return AtRiskFlag.objects.filter(pk__in=stale, resolved_at__isnull=True).update(resolved_at=now)


def _record_new_flags(*, now: datetime) -> int:
    """ "Pairing at risk" for the integrations (webhooks), once per transition: only the flags
    this sweep inserted (stamped `now`); a flag already open is never announced again."""
    new = list(
        AtRiskFlag.objects.filter(flagged_at=now)
        .select_related("mentorship__program")
        .values(
            "pk",
            "period_start",
            "mentorship_id",
            "mentorship__mentor_id",
            "mentorship__mentee_id",
            "mentorship__program_id",
            "mentorship__program__slug",
        )
    )
    events_record(
        events=[
            EventData(
                kind="pairing.at_risk",
                program_id=f["mentorship__program_id"],
                data={
                    "mentorship": {
                        "id": f["mentorship_id"],
                        "mentor_id": f["mentorship__mentor_id"],
                        "mentee_id": f["mentorship__mentee_id"],
                    },
                    "flag": {"id": f["pk"], "due_since": f["period_start"].isoformat()},
                    "program": {
                        "id": f["mentorship__program_id"],
                        "slug": f["mentorship__program__slug"],
                    },
                },
            )
            for f in new
        ]
    )
    return len(new)


def reminders_sweep(*, today: date, now: datetime | None = None) -> SweepResult:
    """Plans every reminder owed today and flags pairings at risk, in a constant number of queries.

    Not one transaction on purpose: each INSERT ... ON CONFLICT DO NOTHING commits on its own, so
    two concurrent sweeps wait on each other's keys for a moment instead of holding them all.
    """
    now = now or timezone.now()
    result = SweepResult()
    prefs = selectors.non_default_preferences()
    rows, flags = _plan_checkins(today=today, result=result, prefs=prefs)
    rows.extend(_plan_milestones(today=today, result=result, prefs=prefs))
    insert_rows(
        ReminderSent,
        rows,
        columns=REMINDER_COLUMNS,
        ignore_conflicts=True,
        chunk_size=CHUNK,
        constants={"status": DeliveryStatus.PENDING.value, "created_at": now},
    )
    insert_rows(
        AtRiskFlag,
        flags,
        columns=("mentorship_id", "period_start"),
        ignore_conflicts=True,
        chunk_size=CHUNK,
        constants={"flagged_at": now},
    )
    _record_new_flags(now=now)
    result.planned = len(rows)
    result.flags_resolved = _resolve_stale_flags(flags, now=now)
    return result


# --- sending -------------------------------------------------------------------------------


def _reminder_context(row: ReminderSent) -> dict:
    m = row.mentorship
    return {
        "reminder": row,
        "recipient": row.recipient,
        "other": m.mentee if row.recipient_id == m.mentor_id else m.mentor,
        "mentorship": m,
        "program": m.program,
        "milestone": row.milestone,
        "link": absolute_url(m.get_absolute_url()),
        "preferences_link": absolute_url(reverse("reminders:preferences")),
    }


def _reminder_email(row: ReminderSent) -> EmailMessage:
    context = _reminder_context(row)
    subject = render_to_string(f"reminders/email/{row.kind}_subject.txt", context)
    body = render_to_string(f"reminders/email/{row.kind}.txt", context)
    # Stable per row: a copy resent after a crash (see `_send_batch`) can be dropped by receivers.
    headers = {"Message-ID": stable_message_id("reminder", row.pk)}
    return EmailMessage(" ".join(subject.split()), body, to=[row.recipient.email], headers=headers)


_SLACK_TITLES = {
    ReminderKind.CHECKIN_DUE: "Check-in due with {other}",
    ReminderKind.CHECKIN_OVERDUE: "Check-in overdue with {other}",
    ReminderKind.MILESTONE_DUE: "A milestone is due on {due}",
}


def _reminder_notice(row: ReminderSent) -> Notice:
    """The reminder as a Slack notice, for those who want Slack: names, dates and a link,
    never the milestone's or the check-ins' text."""
    m = row.mentorship
    other = m.mentee if row.recipient_id == m.mentor_id else m.mentor
    title = _SLACK_TITLES[row.kind].format(
        other=other.full_name or other.email,
        due=row.milestone.due_date.strftime("%-d %b") if row.milestone else "",
    )
    return Notice(
        row.recipient,
        f"reminders.{row.kind}",
        f"reminder:{row.pk}",
        title,
        f"In {m.program.name}. "
        + (
            "Open your mentorship to see the milestone or mark it done."
            if row.milestone_id
            else "Open your mentorship to log a check-in or plan the next one."
        ),
        m.get_absolute_url(),
        "Open the mentorship",
    )


def _deliver(message: EmailMessage, **log_fields) -> None:
    # Raises on failure, which rolls back the caller's transaction: the row stays pending.
    message.send(fail_silently=False)
    EmailLog.objects.create(to=message.to[0], subject=message.subject[:255], **log_fields)


def _count_failure(model: type[ReminderSent] | type[Digest], *, pk: int, error: str) -> bool:
    """Adds one refused delivery to a still-pending row; False if it is no longer pending."""
    return bool(
        model.objects.filter(pk=pk, status=DeliveryStatus.PENDING).update(
            attempts=F("attempts") + 1, last_error=error
        )
    )


def _fail_if_exhausted(model: type[ReminderSent] | type[Digest], *, pk: int) -> bool:
    """Flips a row refused MAX_ATTEMPTS times to failed; conditional, so it happens once."""
    failed = model.objects.filter(
        pk=pk, status=DeliveryStatus.PENDING, attempts__gte=MAX_ATTEMPTS
    ).update(status=DeliveryStatus.FAILED)
    if failed:
        logger.error("%s %s failed for good after %s attempts.", model.__name__, pk, MAX_ATTEMPTS)
    return bool(failed)


def _reminder_record_failure(*, pk: int, exc: Exception) -> None:
    """Counts a refused reminder in its own transaction, after the send's one rolled back.

    Both UPDATEs require `pending`: a row another worker has sent meanwhile is left alone.
    Only a permanent refusal counts (see `is_permanent_refusal`); after anything else (an
    outage, a wrong SMTP password, a time limit) the row just stays pending.
    """
    if not is_permanent_refusal(exc):
        return
    try:
        with transaction.atomic():
            if _count_failure(ReminderSent, pk=pk, error=error_text(exc)):
                _fail_if_exhausted(ReminderSent, pk=pk)
    except DatabaseError:  # don't hide the delivery error the caller re-raises
        logger.exception("Could not record the failure of reminder %s.", pk)


def _claimable(now: datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, channel=Channel.EMAIL) & (
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )


def _claim_batch(*, size: int, lease: timedelta, skip: Iterable[int] = ()) -> tuple[str, list[int]]:
    """Leases up to `size` sendable reminders, oldest first (`core.mail.lease_batch`); one
    interrupted MAX_INTERRUPTIONS times is failed instead of sent again."""
    return lease_batch(
        ReminderSent,
        claimable=_claimable,
        size=size,
        lease=lease,
        skip=skip,
        interrupted={"status": DeliveryStatus.FAILED, "last_error": INTERRUPTED},
    )


def _finish_batch(*, token: str, sent: list[tuple[ReminderSent, EmailMessage | None]]) -> None:
    """Stamps the batch's sent rows, with their email logs and their Slack notices (queued for
    the chat worker; none for people who keep to email), in one commit, then releases the rest
    of the batch (failed sends, rows not reached) for the next run. A row without a message
    went to a person who chose Slack only."""
    now = timezone.now()
    with transaction.atomic():
        if sent:
            ReminderSent.objects.filter(
                claim_token=token, pk__in=[row.pk for row, _ in sent]
            ).update(status=DeliveryStatus.SENT, claimed_at=now, sent_at=now, lease_until=None)
            EmailLog.objects.bulk_create(
                [
                    EmailLog(reminder_id=row.pk, to=msg.to[0], subject=msg.subject[:255])
                    for row, msg in sent
                    if msg is not None
                ]
            )
            slack_notify_many(_reminder_notice(row) for row, _ in sent)
        release_batch(ReminderSent, token=token)


@dataclass
class _Run:
    sent: int = 0
    # Rows that failed in this run: left for the next run, not claimed again by this one.
    failed: list[int] = field(default_factory=list)
    stop: bool = False


def _send_batch(ids: list[int], *, token: str, run: _Run, deadline: float) -> None:
    """Sends one leased batch over one SMTP connection, then stamps it in one commit.

    The crash window: a sender killed between the mail server accepting a message and this
    batch's commit leaves the message leased but unstamped; once the lease runs out the next
    sender sends it again, under the same Message-ID (see docs/operations.md).
    """
    rows = (
        ReminderSent.objects.filter(pk__in=ids, claim_token=token)
        .select_related(
            "recipient",
            "milestone",
            "mentorship__program",
            "mentorship__mentor",
            "mentorship__mentee",
        )
        .order_by("id")
    )
    rows = list(rows)
    slack_only = slack_only_user_ids(row.recipient_id for row in rows)
    sent: list[tuple[ReminderSent, EmailMessage | None]] = []
    connection = None
    try:
        for row in rows:
            if row.recipient_id in slack_only:  # their chat preference: Slack, no email
                sent.append((row, None))
                continue
            # The lease must not run out mid-send (another sender would take the rows over).
            if time.monotonic() > deadline:
                break
            try:
                message = _reminder_email(row)
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()  # kept open for the batch; send_messages won't close it
                _transmit(connection, message)
            except SoftTimeLimitExceeded:
                run.stop = True
                raise  # out of time: stamp what went (finally below), the rest waits
            except Exception as exc:  # one bad address must not block everyone after it
                logger.warning("Reminder %s not sent: %s", row.pk, error_text(exc))
                _reminder_record_failure(pk=row.pk, exc=exc)
                run.failed.append(row.pk)
                if connection is not None:
                    close_quietly(connection)  # a refusal may leave the conversation in a bad state
                    connection = None
                if len(run.failed) >= MAX_FAILURES:
                    run.stop = True
                    break
            else:
                sent.append((row, message))
    finally:
        if connection is not None:
            close_quietly(connection)
        _finish_batch(token=token, sent=sent)
        run.sent += len(sent)


def reminders_send_pending(*, limit: int | None = None, time_budget: float | None = None) -> int:
    """Sends pending single-email reminders in batches; returns how many this call sent.

    Each batch (settings.EMAIL_BATCH rows) is leased in one commit, sent over one SMTP
    connection and stamped sent in one commit, so a reminder goes once unless its sender dies
    inside a batch (see `_send_batch`). Concurrent senders take disjoint batches. Stops early
    once `time_budget` seconds are spent, so a task stays inside its time limit; whatever is
    left stays pending.
    """
    started = time.monotonic()
    lease = timedelta(seconds=settings.EMAIL_LEASE_SECONDS)
    run = _Run()
    while not run.stop:
        if run.sent and time_budget is not None and time.monotonic() - started > time_budget:
            break  # checked only after some progress, so a follow-up task gets further
        size = (
            settings.EMAIL_BATCH if limit is None else min(settings.EMAIL_BATCH, limit - run.sent)
        )
        if size <= 0:
            break
        token, ids = _claim_batch(size=size, lease=lease, skip=run.failed)
        if not ids:
            break
        # Half the lease for sending leaves the commit a wide margin before the lease ends.
        _send_batch(
            ids, token=token, run=run, deadline=time.monotonic() + lease.total_seconds() / 2
        )
    if run.failed:
        raise DeliveryFailed(
            f"{len(run.failed)} reminder(s) not sent: pending for a retry, or failed once refused "
            f"{MAX_ATTEMPTS} times."
        )
    return run.sent


def has_pending_emails() -> bool:
    return ReminderSent.objects.filter(
        status=DeliveryStatus.PENDING, channel=Channel.EMAIL
    ).exists()


# --- weekly digest ---------------------------------------------------------------------------


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _attach_digest_items(week_start: date) -> None:
    """Puts every waiting digest line into its recipient's pending digest for the week.

    Lines attached to a digest that got sent meanwhile are picked up again here.
    """
    waiting = ReminderSent.objects.filter(
        Q(digest__isnull=True) | Q(digest__status=DeliveryStatus.SENT),
        channel=Channel.DIGEST,
        status=DeliveryStatus.PENDING,
    )
    users = set(waiting.values_list("recipient_id", flat=True))
    Digest.objects.bulk_create(
        [Digest(user_id=uid, week_start=week_start) for uid in sorted(users)],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    pending_digest = Digest.objects.filter(
        user=OuterRef("recipient"), week_start=week_start, status=DeliveryStatus.PENDING
    ).values("pk")[:1]
    waiting.update(digest=Subquery(pending_digest))


def _digest_email(digest: Digest, items: list[ReminderSent]) -> EmailMessage:
    lines = [_reminder_context(item) for item in items]
    context = {
        "user": digest.user,
        "digest": digest,
        "lines": lines,
        "preferences_link": absolute_url(reverse("reminders:preferences")),
    }
    subject = " ".join(render_to_string("reminders/email/digest_subject.txt", context).split())
    body = render_to_string("reminders/email/digest.txt", context)
    return EmailMessage(subject, body, to=[digest.user.email])


def digest_send(*, digest_id: int, now: datetime | None = None) -> bool:
    """Sends one pending digest with its lines; a delivery error is counted, then re-raised."""
    try:
        return _digest_send(digest_id=digest_id, now=now or timezone.now())
    except Exception as exc:
        _digest_record_failure(digest_id=digest_id, exc=exc)
        raise


def _digest_record_failure(*, digest_id: int, exc: Exception) -> None:
    """Counts a refused digest on it and on its waiting lines, in one short transaction.

    A failed digest takes its lines with it: lines of a digest that was not sent are never
    re-attached to another one, so `pending` would be a dead end for them. Only a permanent
    refusal counts (see `is_permanent_refusal`).
    """
    if not is_permanent_refusal(exc):
        return
    error = error_text(exc)
    try:
        with transaction.atomic():
            if not _count_failure(Digest, pk=digest_id, error=error):
                return
            lines = ReminderSent.objects.filter(digest_id=digest_id, status=DeliveryStatus.PENDING)
            lines.update(attempts=F("attempts") + 1, last_error=error)
            if _fail_if_exhausted(Digest, pk=digest_id):
                lines.update(status=DeliveryStatus.FAILED)
    except DatabaseError:  # don't hide the delivery error the caller re-raises
        logger.exception("Could not record the failure of digest %s.", digest_id)


def _digest_send(*, digest_id: int, now: datetime) -> bool:
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=digest_id, status=DeliveryStatus.PENDING)
            .select_related("user")
            .first()
        )
        if digest is None:
            return False
        items = list(
            digest.items.filter(status=DeliveryStatus.PENDING)
            .select_related(
                "recipient",
                "milestone",
                "mentorship__program",
                "mentorship__mentor",
                "mentorship__mentee",
            )
            .order_by("period_start", "id")
        )
        if items:
            _deliver(_digest_email(digest, items), digest_id=digest.pk)
        sent_at = timezone.now()
        ReminderSent.objects.filter(pk__in=[i.pk for i in items]).update(
            status=DeliveryStatus.SENT, claimed_at=now, sent_at=sent_at
        )
        Digest.objects.filter(pk=digest.pk).update(
            status=DeliveryStatus.SENT, claimed_at=now, sent_at=sent_at
        )
    return bool(items)


def digests_send(*, today: date) -> int:
    """Sends this week's digest to every weekly-digest user with something waiting."""
    week_start = week_start_of(today)
    _attach_digest_items(week_start)
    ids = list(
        Digest.objects.filter(status=DeliveryStatus.PENDING, week_start__lte=week_start)
        .order_by("id")
        .values_list("id", flat=True)
    )
    sent, failures = 0, 0
    for pk in ids:
        try:
            sent += digest_send(digest_id=pk)
        except SoftTimeLimitExceeded:
            raise  # out of time: the rest stays pending for the next run
        except Exception as exc:  # the other users' digests still go out
            logger.warning("Digest %s not sent: %s", pk, exc)
            failures += 1
            if failures >= MAX_FAILURES:
                break
    if failures:
        raise DeliveryFailed(
            f"{failures} digest(s) not sent: pending for a retry, or failed once refused "
            f"{MAX_ATTEMPTS} times."
        )
    return sent


# --- preferences and calendar ----------------------------------------------------------------


@transaction.atomic
def preference_update(*, user, email_enabled: bool, weekly_digest: bool) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.update_or_create(
        user=user,
        defaults={"email_enabled": email_enabled, "weekly_digest": weekly_digest},
    )
    return pref


@transaction.atomic
def calendar_token_rotate(*, user) -> CalendarToken:
    """Revokes the user's live token, if any, and issues a new one: old links stop working."""
    CalendarToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return CalendarToken.objects.create(user=user, token=secrets.token_urlsafe(32))


@transaction.atomic
def calendar_token_revoke(*, user) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
