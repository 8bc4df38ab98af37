from django.db import models


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
