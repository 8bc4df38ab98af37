"""Slack and Microsoft Teams: who wants what where, program channels, and one row per message.

The chat app sits below programs (beside sso and twofactor), so the apps that email people
(programs, matching, check-ins, reminders) can also queue a chat message with the email.
"""

import uuid

from django.conf import settings
from django.db import models


class Delivery(models.TextChoices):
    EMAIL = "email", "Email only"
    BOTH = "both", "Email and Slack"
    SLACK = "slack", "Slack only"


class ChatPreference(models.Model):
    """Where a person gets reminders, nudges, match announcements and approvals. No row: email
    only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_preference"
    )
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Chat preference of user {self.user_id}"


class TeamsChannel(models.Model):
    """A program's Microsoft Teams channel: its incoming-webhook URL (a secret: masked)."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="teams_channel"
    )
    webhook_url = models.URLField("Incoming webhook URL", max_length=1000)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Teams channel of program {self.program_id}"

    @property
    def masked_url(self) -> str:
        url = self.webhook_url
        return url[:30] + "…" + url[-4:] if len(url) > 40 else url[:12] + "…"


class Service(models.TextChoices):
    SLACK = "slack", "Slack"
    TEAMS = "teams", "Microsoft Teams"


class MessageStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    SENT = "sent", "Sent"
    FAILED = "failed", "Gave up"


class ChatMessage(models.Model):
    """One Slack direct message to a person, or one card to a program's Teams channel.

    `dedupe_key` is unique: queuing the same notice twice records it once. The worker claims
    a due row with a conditional UPDATE (a lease and a token) and stamps it sent, so it goes
    once; a worker that dies between the service's answer and the stamp lets the lease expire
    and it goes again (the same rule as the emails).
    """

    service = models.CharField(max_length=10, choices=Service.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chat_messages",
    )
    channel = models.ForeignKey(
        TeamsChannel, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=60)
    dedupe_key = models.CharField(max_length=200, unique=True)
    # Never private text: a title, a line of public facts and a link into Tandem.
    title = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    link = models.URLField(max_length=500, blank=True)
    link_label = models.CharField(max_length=60, blank=True)
    status = models.CharField(
        max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_service_display()} message {self.pk} ({self.kind}, {self.status})"

    @staticmethod
    def new_token() -> uuid.UUID:
        return uuid.uuid4()
