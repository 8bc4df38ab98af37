from django.conf import settings
from django.db import models
from django.urls import reverse

from programs.models import Program


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class MatchingRun(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="matching_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    parameters = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Only one run per program may be queued or running.
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_open_run_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("matching:run", args=[self.pk])
