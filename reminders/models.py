"""Reminder bookkeeping: what must be sent once, what was sent, preferences and calendar feeds."""

from django.conf import settings
from django.db import models

from mentorships.models import Mentorship, Milestone


class NotificationPreference(models.Model):
    """A user's email choices. No row means the defaults: single emails on, no digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField("Email me reminders", default=True)
    weekly_digest = models.BooleanField(
        "Send one weekly digest instead of single emails", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"


class ReminderKind(models.TextChoices):
    CHECKIN_DUE = "checkin_due", "Check-in due"
    CHECKIN_OVERDUE = "checkin_overdue", "Check-in overdue"
    MILESTONE_DUE = "milestone_due", "Milestone coming due"


class Channel(models.TextChoices):
    EMAIL = "email", "Single email"
    DIGEST = "digest", "Weekly digest"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    # Terminal: delivery was refused MAX_ATTEMPTS times; nothing picks the row up again.
    FAILED = "failed", "Failed"


class ReminderSent(models.Model):
    """One reminder owed to one person for one due period; the unique key makes it happen once.

    Planning inserts rows as pending (duplicates are ignored by the constraint); sending claims a
    row under a row lock and flips it to sent in the same transaction as the email log. A row the
    mail server keeps refusing counts its attempts and ends up failed instead of pending forever.
    """

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    # The due date the reminder is about: last check-in (or start) + cadence, or the milestone's
    # due date. The same situation always maps to the same key however often beat fires.
    period_start = models.DateField()
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    digest = models.ForeignKey(
        "Digest", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    # Failed deliveries only, recorded after the send's transaction rolled back. Database
    # defaults too: planning INSERTs raw SQL without these columns (and so does code from before
    # this migration during a rolling deploy).
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    last_error = models.CharField(max_length=500, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The batch sender's lease (see services.reminders_send_pending): which claim holds the row
    # and until when. A lease that ran out means its sender died mid-batch; `interruptions`
    # counts those, and a row interrupted twice is failed rather than retried in a loop.
    claim_token = models.CharField(max_length=32, blank=True, default="", db_default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    interruptions = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # Two partial keys, because NULL milestones would never collide in one key (and
            # NULLS NOT DISTINCT is PostgreSQL-only; development runs on SQLite).
            models.UniqueConstraint(
                fields=["mentorship", "recipient", "kind", "period_start"],
                condition=models.Q(milestone__isnull=True),
                name="one_checkin_reminder_per_period",
            ),
            models.UniqueConstraint(
                fields=["mentorship", "recipient", "kind", "period_start", "milestone"],
                condition=models.Q(milestone__isnull=False),
                name="one_milestone_reminder_per_period",
            ),
        ]
        indexes = [models.Index(fields=["status", "channel"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient} ({self.period_start})"


class Digest(models.Model):
    """One weekly digest email per user and week; claimed, sent or failed like a reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    week_start = models.DateField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    # As on ReminderSent. The database default covers digests created by code from before this
    # migration during a rolling deploy.
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    last_error = models.CharField(max_length=500, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-week_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="one_digest_per_week"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} ({self.week_start})"


class EmailLog(models.Model):
    """Every email handed to the backend, written in the transaction that marks it sent.

    Deliberately without a unique constraint: a duplicate send would show up here.
    """

    reminder = models.ForeignKey(
        ReminderSent, null=True, blank=True, on_delete=models.SET_NULL, related_name="logs"
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.SET_NULL, related_name="logs"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        # Not the subject: it can carry a milestone title.
        return f"Email {self.pk} → {self.to}"


class AtRiskFlag(models.Model):
    """Twice the cadence without a check-in: HR is shown the pairing until a check-in resolves
    it."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="at_risk_flags"
    )
    period_start = models.DateField()
    flagged_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-flagged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "period_start"], name="one_at_risk_flag_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"At risk: {self.mentorship} since {self.period_start}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class CalendarToken(models.Model):
    """The secret in a user's private .ics URL. Revoking keeps the row so old links stay dead."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_calendar_token_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"Calendar token of {self.user}"
