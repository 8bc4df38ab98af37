"""Slack direct messages and Microsoft Teams channel cards, each sent once.

Queuing: the apps that email a notice (reminders, nudges, match announcements, enrolment
decisions) call `slack_notify` and `teams_announce` in the same transaction, with a dedupe key
per notice; the unique key makes a second call a no-op, and the worker is woken after commit.

Sending (`messages_send_due`, the `chat.tasks.send` task, also run by beat every 30 s): each
due row is claimed by a conditional UPDATE that sets a lease and a fresh token, sent, then
stamped under that token. Slack: `users.lookupByEmail`, then `chat.postMessage` to that user
(slack-sdk's WebClient, pointed at SLACK_API_URL). Teams: an Adaptive Card POSTed to the
channel's incoming webhook. A 429 waits for its Retry-After (and pauses that service for the
rest of the run); a 5xx or a network error is retried with exponential backoff; a permanent
answer (no such Slack user, a bad token, a webhook that no longer exists) marks it failed with
the reason in plain words. A person who chose Slack only then gets the notice by email.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from audit.services import audit_record
from core.http import refused_address
from core.mail import absolute_url
from outbox.services import email_enqueue, outbox_wake
from people.models import User

from . import selectors
from .models import ChatMessage, ChatPreference, Delivery, MessageStatus, Service, TeamsChannel

logger = logging.getLogger(__name__)

SEND_TASK = "chat.tasks.send"
USER_AGENT = "Tandem-Chat/1"


# --- preferences and channels ---------------------------------------------------------------


@transaction.atomic
def chat_preference_update(*, user: User, delivery: str) -> ChatPreference:
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": "Choose where your notices go."})
    if delivery != Delivery.EMAIL and not selectors.slack_enabled():
        raise ValidationError({"delivery": "Slack is not connected to Tandem yet."})
    pref, _ = ChatPreference.objects.update_or_create(user=user, defaults={"delivery": delivery})
    return pref


def check_webhook_url(url: str) -> str:
    """https with a host (plain http only where private addresses are allowed: tests, local)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ValidationError({"webhook_url": "Enter a valid URL."}) from exc
    schemes = ("https", "http") if settings.CHAT_ALLOW_PRIVATE_ADDRESSES else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValidationError(
            {"webhook_url": "Paste the https:// address Teams gave for the incoming webhook."}
        )
    if parts.username or parts.password:
        raise ValidationError({"webhook_url": "Leave the user name and password out of the URL."})
    return url


@transaction.atomic
def teams_channel_set(*, program, url: str, by: User) -> TeamsChannel:
    """Connects (or re-points) a program's Teams channel; only its HR coordinators may."""
    if not program.is_coordinator(by):
        raise ValidationError("Only this program's HR coordinators can connect a Teams channel.")
    channel, _ = TeamsChannel.objects.update_or_create(
        program=program, defaults={"webhook_url": check_webhook_url(url), "set_by": by}
    )
    # The address is a secret: the audit log says that it changed, not what it is.
    audit_record(actor=by, action="chat.teams_channel_set", obj=channel, program=program)
    return channel


@transaction.atomic
def teams_channel_clear(*, program, by: User) -> int:
    """Disconnects the channel; its waiting cards go with it."""
    if not program.is_coordinator(by):
        raise ValidationError("Only this program's HR coordinators can disconnect Teams.")
    deleted, _ = TeamsChannel.objects.filter(program=program).delete()
    if deleted:
        audit_record(actor=by, action="chat.teams_channel_cleared", program=program)
    return deleted


# --- queuing --------------------------------------------------------------------------------


def _wake() -> None:
    transaction.on_commit(lambda: outbox_wake(task=SEND_TASK))


def _text(value: str, limit: int) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass(frozen=True)
class Notice:
    """One Slack notice to one person. Never private text (check-in notes, reasons): a title,
    public facts and a link into Tandem."""

    user: User
    kind: str
    key: str  # names the notice, e.g. "mentorship:12": queued once per person and key
    title: str
    text: str
    link_path: str
    link_label: str = "Open in Tandem"


def slack_notify_many(notices: Iterable[Notice]) -> int:
    """Queues each notice as a Slack direct message if its person wants Slack (two queries
    whatever the number); returns how many are new."""
    notices = [n for n in notices if n.user is not None and n.user.is_active and n.user.email]
    wanted = selectors.slack_user_ids(n.user.pk for n in notices)
    now = timezone.now()
    rows = [
        ChatMessage(
            service=Service.SLACK,
            recipient_id=n.user.pk,
            kind=n.kind,
            dedupe_key=f"slack:{n.kind}:{n.key}:{n.user.pk}"[:200],
            title=_text(n.title, 200),
            text=_text(n.text, 2000),
            link=absolute_url(n.link_path),
            link_label=_text(n.link_label, 60),
            next_attempt_at=now,
        )
        for n in notices
        if n.user.pk in wanted
    ]
    return _record(rows)


def slack_notify(
    *,
    users: Iterable[User],
    kind: str,
    key: str,
    title: str,
    text: str,
    link_path: str,
    link_label: str = "Open in Tandem",
) -> int:
    """The same Slack notice to each of `users` who wants Slack; returns how many are new."""
    return slack_notify_many(
        Notice(u, kind, key, title, text, link_path, link_label) for u in users if u is not None
    )


def teams_announce(
    *,
    program,
    kind: str,
    key: str,
    title: str,
    text: str,
    link_path: str,
    link_label: str = "Open in Tandem",
) -> int:
    """Queues an Adaptive Card to the program's Teams channel, if it has one; 1 if new."""
    channel = selectors.teams_channel_of(program)
    if channel is None:
        return 0
    row = ChatMessage(
        service=Service.TEAMS,
        channel=channel,
        kind=kind,
        dedupe_key=f"teams:{kind}:{key}:{channel.program_id}"[:200],
        title=_text(title, 200),
        text=_text(text, 2000),
        link=absolute_url(link_path),
        link_label=_text(link_label, 60),
        next_attempt_at=timezone.now(),
    )
    return _record([row])


def _record(rows: list[ChatMessage]) -> int:
    if not rows:
        return 0
    keys = [r.dedupe_key for r in rows]
    before: set[str] = set()
    for start in range(0, len(keys), 1000):  # a big run's keys, in portable chunks
        chunk = keys[start : start + 1000]
        before |= set(
            ChatMessage.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True)
        )
    ChatMessage.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    new = len(set(keys) - before)
    if new:
        _wake()
    return new


# --- the messages ---------------------------------------------------------------------------


def slack_blocks(message: ChatMessage) -> list[dict]:
    blocks: list[dict] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{_escape(message.title)}*"}}
    ]
    if message.text:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _escape(message.text)}}
        )
    if message.link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message.link_label or "Open"},
                        "url": message.link,
                    }
                ],
            }
        )
    return blocks


def _escape(text: str) -> str:
    # Slack's mrkdwn: &, < and > are control characters.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def teams_card(message: ChatMessage) -> dict:
    """A message with one Adaptive Card (schema 1.4), as Teams incoming webhooks take it."""
    body: list[dict] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if message.text:
        body.append({"type": "TextBlock", "text": message.text, "wrap": True})
    card: dict = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if message.link:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": message.link_label or "Open", "url": message.link}
        ]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


# --- sending --------------------------------------------------------------------------------

SENT, RETRY, FAILED, RATE_LIMITED = "sent", "retry", "failed", "rate_limited"

# Slack's answers that no retry will change, in plain words for HR and the admin.
SLACK_PERMANENT = {
    "users_not_found": "Slack has no account with this person's email address.",
    "user_not_found": "Slack has no account with this person's email address.",
    "invalid_auth": "Slack refused the bot token (SLACK_BOT_TOKEN): check it.",
    "not_authed": "Slack refused the bot token (SLACK_BOT_TOKEN): check it.",
    "token_revoked": "The Slack bot token was revoked: install the app again.",
    "account_inactive": "The Slack app's account is deactivated.",
    "missing_scope": "The Slack app lacks a scope (users:read.email, chat:write, im:write).",
    "channel_not_found": "Slack could not open a direct message with this person.",
    "user_disabled": "This person's Slack account is deactivated.",
    "cannot_dm_bot": "This Slack account is a bot.",
    "is_archived": "The Slack conversation is archived.",
    "invalid_blocks": "Slack refused the message's layout.",
}


@dataclass
class Outcome:
    result: str
    error: str = ""
    retry_after: float | None = None


def _retry_after(headers) -> float:
    try:
        value = float((headers or {}).get("Retry-After") or (headers or {}).get("retry-after"))
    except (TypeError, ValueError):
        return float(settings.CHAT_RETRY_SECONDS)
    return max(1.0, min(value, float(settings.CHAT_RETRY_MAX_SECONDS)))


def slack_client() -> WebClient:
    # No SDK retries: a 429 or an error comes back to us, and the row waits in the database.
    return WebClient(
        token=settings.SLACK_BOT_TOKEN,
        base_url=settings.SLACK_API_URL,
        timeout=int(settings.CHAT_TIMEOUT_SECONDS),
        user_agent_prefix=USER_AGENT,
        retry_handlers=[],
    )


def _send_slack(message: ChatMessage) -> Outcome:
    if not selectors.slack_enabled():
        return Outcome(FAILED, "Slack is not connected (no SLACK_BOT_TOKEN).")
    user = message.recipient
    if user is None or not user.is_active or not user.email:
        return Outcome(FAILED, "The person's account is closed.")
    client = slack_client()
    try:
        found = client.users_lookupByEmail(email=user.email)
        slack_id = found["user"]["id"]
        client.chat_postMessage(
            channel=slack_id,
            text=f"{message.title}: {message.link}" if message.link else message.title,
            blocks=slack_blocks(message),
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        status = exc.response.status_code
        code = str(exc.response.get("error") or "") if isinstance(exc.response.data, dict) else ""
        if status == 429 or code == "ratelimited":
            return Outcome(
                RATE_LIMITED, "Slack asked to slow down (429).", _retry_after(exc.response.headers)
            )
        if status >= 500:
            return Outcome(RETRY, f"Slack answered {status}.")
        if code in SLACK_PERMANENT:
            return Outcome(FAILED, SLACK_PERMANENT[code])
        if status == 200 and code in (
            "internal_error",
            "fatal_error",
            "service_unavailable",
            "request_timeout",
        ):
            return Outcome(RETRY, f"Slack had trouble ({code}).")
        return Outcome(FAILED, f"Slack refused the message ({code or status}).")
    except SoftTimeLimitExceeded:
        raise
    except (SlackClientError, OSError, KeyError, TypeError) as exc:  # unreachable, timeout, odd
        return Outcome(RETRY, f"Could not reach Slack: {type(exc).__name__}")
    return Outcome(SENT)


def _send_teams(message: ChatMessage) -> Outcome:
    channel = message.channel
    if channel is None:
        return Outcome(FAILED, "The program's Teams channel was disconnected.")
    refused = refused_address(
        allow_private=settings.CHAT_ALLOW_PRIVATE_ADDRESSES,
        host=urlsplit(channel.webhook_url).hostname or "",
    )
    if refused:
        return Outcome(FAILED, refused)
    try:
        response = requests.post(
            channel.webhook_url,
            data=json.dumps(teams_card(message)),
            headers={"Content-Type": "application/json", "User-Agent": USER_AGENT},
            timeout=(settings.CHAT_CONNECT_TIMEOUT_SECONDS, settings.CHAT_TIMEOUT_SECONDS),
            allow_redirects=False,
        )
    except requests.Timeout:
        return Outcome(RETRY, "Teams did not answer in time.")
    except requests.RequestException as exc:
        return Outcome(RETRY, f"Could not reach Teams: {type(exc).__name__}")
    status = response.status_code
    if 200 <= status < 300:
        return Outcome(SENT)
    if status == 429:
        return Outcome(
            RATE_LIMITED, "Teams asked to slow down (429).", _retry_after(response.headers)
        )
    if status in (404, 410):
        return Outcome(
            FAILED, "The Teams webhook no longer exists: connect the channel again (new URL)."
        )
    if status in (400, 401, 403, 413):
        return Outcome(FAILED, f"Teams refused the card ({status}).")
    return Outcome(RETRY, f"Teams answered {status}.")


def _claimable() -> Q:
    now = timezone.now()
    return Q(status=MessageStatus.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def message_claim(*, message_id: int) -> uuid.UUID | None:
    """Conditional UPDATE on the row's own columns: one worker wins; it gets the token."""
    token = ChatMessage.new_token()
    lease = timedelta(seconds=settings.CHAT_TIMEOUT_SECONDS * 3 + 30)
    won = ChatMessage.objects.filter(_claimable(), pk=message_id).update(
        claimed_until=timezone.now() + lease, claim_token=token, attempts=F("attempts") + 1
    )
    return token if won else None


def message_send(*, message_id: int, token: uuid.UUID) -> Outcome:
    """One attempt at a message this worker claimed with `token`."""
    message = ChatMessage.objects.select_related("recipient", "channel").get(pk=message_id)
    outcome = _send_slack(message) if message.service == Service.SLACK else _send_teams(message)
    mine = ChatMessage.objects.filter(
        pk=message_id, claim_token=token, status=MessageStatus.PENDING
    )
    now = timezone.now()
    if outcome.result == SENT:
        mine.update(status=MessageStatus.SENT, sent_at=now, claimed_until=None, last_error="")
        return outcome
    logger.warning("Chat message %s (%s) not sent: %s", message.pk, message.kind, outcome.error)
    if outcome.result == RATE_LIMITED:
        # Not the message's fault: not counted against its attempts.
        mine.update(
            attempts=F("attempts") - 1,
            claimed_until=None,
            last_error=outcome.error,
            next_attempt_at=now + timedelta(seconds=outcome.retry_after or 30),
        )
        return outcome
    if outcome.result == RETRY and message.attempts < settings.CHAT_MAX_ATTEMPTS:
        delay = min(
            settings.CHAT_RETRY_SECONDS * 2 ** (message.attempts - 1),
            settings.CHAT_RETRY_MAX_SECONDS,
        )
        mine.update(
            claimed_until=None,
            last_error=outcome.error[:300],
            next_attempt_at=now + timedelta(seconds=delay),
        )
        return outcome
    with transaction.atomic():
        if mine.update(
            status=MessageStatus.FAILED, claimed_until=None, last_error=outcome.error[:300]
        ):
            _email_instead(message)
    return Outcome(FAILED, outcome.error)


def _email_instead(message: ChatMessage) -> None:
    """Someone who chose Slack only still hears of it: by email, once (with the failure)."""
    user = message.recipient
    if message.service != Service.SLACK or user is None or not user.email or not user.is_active:
        return
    if selectors.delivery_of(user) != Delivery.SLACK:
        return  # they get the email anyway
    body = f"Hello {user.full_name or user.email},\n\n{message.text}\n\n"
    if message.link:
        body += f"{message.link_label or 'Open in Tandem'}: {message.link}\n\n"
    body += "(Tandem could not reach you on Slack, so this came by email.)\n— Tandem\n"
    email_enqueue(
        kind=f"chat.fallback.{message.kind}", to=user.email, subject=message.title, body=body
    )


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    retried: int = 0
    more: bool = False


def messages_send_due(*, time_budget: float | None = None, limit: int = 1000) -> SendResult:
    """Sends due messages oldest first; several workers share them (each claims its own). A
    rate limit pauses that service for the rest of this run."""
    started = time.monotonic()
    result = SendResult()
    skipped: set[int] = set()
    paused: set[str] = set()
    while result.sent + result.failed + result.retried < limit:
        if time_budget is not None and time.monotonic() - started > time_budget:
            result.more = ChatMessage.objects.filter(_claimable()).exists()
            break
        ids = list(
            ChatMessage.objects.filter(_claimable())
            .exclude(pk__in=skipped)
            .exclude(service__in=paused)
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:50]
        )
        if not ids:
            break
        for message_id in ids:
            skipped.add(message_id)
            token = message_claim(message_id=message_id)
            if token is None:
                continue  # another worker has it
            outcome = message_send(message_id=message_id, token=token)
            if outcome.result == SENT:
                result.sent += 1
            elif outcome.result == FAILED:
                result.failed += 1
            else:
                result.retried += 1
                if outcome.result == RATE_LIMITED:
                    service = ChatMessage.objects.values_list("service", flat=True).get(
                        pk=message_id
                    )
                    paused.add(service)
                    break
    return result


def messages_purge(*, older_than_days: int = 90) -> int:
    """Forgets sent and failed messages after a while (what was said to whom)."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = ChatMessage.objects.filter(
        status__in=(MessageStatus.SENT, MessageStatus.FAILED), created_at__lt=cutoff
    ).delete()
    return deleted
