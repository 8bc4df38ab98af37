"""Webhook endpoints HR registers, and one delivery per (endpoint, event)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from programs.models import Program

from . import signing


class EventKind(models.TextChoices):
    ENROLMENT_APPROVED = "enrolment.approved", "Enrolment approved"
    MENTORSHIP_CREATED = "mentorship.created", "Mentorship created"
    MENTORSHIP_ENDED = "mentorship.ended", "Mentorship ended or completed"
    CHECKIN_LOGGED = "checkin.logged", "Check-in logged (no notes)"
    RUN_PUBLISHED = "run.published", "Matching run published"
    PAIRING_AT_RISK = "pairing.at_risk", "Pairing at risk"


# Sent by "Send test event" only; an endpoint need not subscribe to it.
PING = "ping"


class Endpoint(models.Model):
    """A receiver's URL. program=None: every program's events (staff only)."""

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField("URL", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    # Signs every delivery (HMAC-SHA256); shown to those who manage the endpoint.
    secret = models.CharField(max_length=80, default=signing.new_secret)
    events = models.JSONField(default=list)
    # False: paused, by HR or after too many failures in a row; deliveries wait.
    is_active = models.BooleanField(default=True)
    paused_reason = models.CharField(max_length=200, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Webhook endpoint {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("webhooks:detail", args=[self.pk])

    def event_labels(self) -> list[str]:
        labels = dict(EventKind.choices)
        return [labels.get(kind, kind) for kind in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Gave up"


class Delivery(models.Model):
    """One event to one endpoint: sent at least once, retried with backoff until a 2xx."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The event's stable id (also in the body and the Tandem-Event-Id header).
    event_id = models.UUIDField(default=uuid.uuid4)
    kind = models.CharField(max_length=60)
    # The exact JSON sent each time, so every retry carries the same bytes.
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A worker's claim: nobody else sends it until then (a crashed worker's claim expires).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response = models.CharField(max_length=300, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="one_delivery_per_endpoint_event"
            )
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk} ({self.kind}, {self.status})"
