from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class OutcomeKind(models.TextChoices):
    CERTIFICATION = "certification", "Certification attained"
    PROMOTION = "promotion", "Promotion"
    INTERNAL_MOVE = "internal_move", "Internal move"
    DEPARTURE = "departure", "Departure"
    PROJECT_OUTCOME = "project_outcome", "Project outcome"


class OutcomeEvent(models.Model):
    """Something that happened to an employee's career, recorded by HR or imported."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcome_events"
    )
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    occurred_on = models.DateField()
    certification_name = models.CharField(max_length=150, blank=True)
    certification_issuer = models.CharField(max_length=150, blank=True)
    from_role = models.CharField(max_length=150, blank=True)
    to_role = models.CharField(max_length=150, blank=True)
    from_department = models.CharField(max_length=120, blank=True)
    to_department = models.CharField(max_length=120, blank=True)
    voluntary = models.BooleanField(null=True, blank=True)
    project_name = models.CharField(max_length=150, blank=True)
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    note = models.TextField(blank=True)
    # Identifies the event for idempotent import: certification or project name, else "".
    natural_key = models.CharField(max_length=150, blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "kind", "occurred_on", "natural_key"],
                name="one_outcome_event_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="outcome_rating_1_5",
            ),
        ]
        indexes = [models.Index(fields=["kind", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.employee} · {self.occurred_on}"

    @staticmethod
    def key_for(kind: str, certification_name: str = "", project_name: str = "") -> str:
        if kind == OutcomeKind.CERTIFICATION:
            return certification_name.strip().lower()[:150]
        if kind == OutcomeKind.PROJECT_OUTCOME:
            return project_name.strip().lower()[:150]
        return ""


class DashboardSnapshot(models.Model):
    """One dashboard view as built (after suppression and differencing protection), kept for
    the day its figures are of (metrics.snapshots, refreshed by metrics.tasks each morning).

    `key` hashes everything that decides who is counted and what may be shown (audience,
    programs, the viewer's wider programs, a manager's line and subtree, filters), so a view
    is only ever served to viewers whose own view would be built from the same inputs.
    """

    key = models.CharField(max_length=64, unique=True)
    # What rebuilds the view (metrics.snapshots.View as JSON), for the worker.
    spec = models.JSONField(default=dict)
    label = models.CharField(max_length=200, blank=True)
    # An unfiltered view the morning refresh keeps; a filtered one is kept for its day only.
    is_default = models.BooleanField(default=False)
    # The built sections as JSON (metrics.snapshots.encode); empty until first built.
    payload = models.TextField(blank=True)
    data_day = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    compute_ms = models.PositiveIntegerField(default=0)
    # Claimed by a worker building it (a conditional UPDATE; a stale claim can be taken over).
    refreshing_since = models.DateTimeField(null=True, blank=True)
    # "Refresh now" pressed and not yet done: the page says the refresh is on its way.
    refresh_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["data_day"], name="dashboard_snapshot_day")]

    def __str__(self) -> str:
        return f"{self.label or self.key[:12]} · {self.data_day}"
