import uuid

from django.db import models
from django.utils import timezone


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the broker"
    DISPATCHED = "dispatched", "Handed to the broker"


class OutboxMessage(models.Model):
    """A task recorded in the same transaction as the change that needs it.

    Work that needs the worker survives a broker outage: the row stays pending
    until a dispatch succeeds, and tasks are idempotent, so a rare double
    dispatch (crash between publish and marking) does no harm.
    """

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.status})"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    REFUSED = "refused", "Refused by the mail server"


class OutgoingEmail(models.Model):
    """One email to one address, recorded with the change that needs it and sent by the worker.

    The worker leases a batch of rows (SKIP LOCKED, a claim token and a lease expiry), sends
    them over one SMTP connection and stamps the accepted ones sent in one commit, so each goes
    once unless its sender dies mid-batch (then it goes again under the same Message-ID,
    docs/operations.md). A mail server outage leaves it pending for a later try; a permanent
    refusal marks it refused, for HR to see and retry.
    """

    kind = models.CharField(max_length=50)
    # Groups the emails of one action (e.g. "run:12"), so its page can show their progress.
    batch = models.CharField(max_length=60, blank=True)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # One optional attachment (a calendar invitation), cleared with the body once sent.
    attachment_name = models.CharField(max_length=100, blank=True, default="")
    attachment_type = models.CharField(max_length=100, blank=True, default="")
    attachment = models.TextField(blank=True, default="")
    from_email = models.CharField(max_length=254, blank=True)
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(auto_now_add=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The batch lease (core.mail.lease_batch): which sender holds the row and until when. A
    # lease that ran out means its sender died mid-batch; `interruptions` counts those, and a
    # row interrupted twice is marked refused (HR may retry it) rather than resent in a loop.
    claim_token = models.CharField(max_length=32, blank=True, default="", db_default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    interruptions = models.PositiveSmallIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["batch", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.status})"


class Event(models.Model):
    """Something that happened (a pairing made, a check-in logged), recorded in the same
    transaction as the change, for the integrations above to pass on (webhooks).

    The lower apps record events here without knowing who listens; the id is the stable event
    id receivers use to drop duplicates. `data` never holds private text.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    # A plain number: the outbox sits below the programs app.
    program_id = models.PositiveIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    # Set once the webhooks app has turned it into deliveries.
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["fanned_out_at", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"
