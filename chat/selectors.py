"""Reads: who wants Slack, whether Slack is connected, a program's Teams channel."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import QuerySet

from .models import ChatMessage, ChatPreference, Delivery, TeamsChannel


def slack_enabled() -> bool:
    """Slack is connected when the installation has a bot token (docs/chat.md)."""
    return bool(settings.SLACK_BOT_TOKEN)


def delivery_of(user) -> str:
    pref = ChatPreference.objects.filter(user=user).values_list("delivery", flat=True).first()
    return pref or Delivery.EMAIL


def slack_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Of these people, those who want their notices in Slack (none while Slack is off)."""
    ids = set(user_ids)
    if not ids or not slack_enabled():
        return set()
    return set(
        ChatPreference.objects.filter(
            user_id__in=ids, delivery__in=(Delivery.SLACK, Delivery.BOTH)
        ).values_list("user_id", flat=True)
    )


def slack_only_user_ids(user_ids: Iterable[int]) -> set[int]:
    """Of these people, those who chose Slack only: their emails are left out. While Slack is
    off, everyone gets email."""
    ids = set(user_ids)
    if not ids or not slack_enabled():
        return set()
    return set(
        ChatPreference.objects.filter(user_id__in=ids, delivery=Delivery.SLACK).values_list(
            "user_id", flat=True
        )
    )


def wants_email(user) -> bool:
    return user.pk not in slack_only_user_ids([user.pk])


def teams_channel_of(program) -> TeamsChannel | None:
    return TeamsChannel.objects.filter(program=program).first()


def recent_messages_of(user, *, limit: int = 10) -> QuerySet[ChatMessage]:
    return ChatMessage.objects.filter(recipient=user).order_by("-created_at", "-id")[:limit]
