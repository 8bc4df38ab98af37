from django.conf import settings
from django.db import models
from django.urls import reverse


class ImportKind(models.TextChoices):
    PEOPLE = "people", "People directory"
    ENROLMENTS = "enrolments", "Program enrolments"


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", "Ready to import"
    APPLYING = "applying", "Importing"
    APPLIED = "applied", "Imported"
    FAILED = "failed", "Rejected"


class ImportBatch(models.Model):
    """One uploaded file, kept between the preview and the confirmation, then as history."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    program = models.ForeignKey(
        "programs.Program",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    content = models.TextField()
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=BatchStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="enrolments") | models.Q(program__isnull=False),
                name="enrolment_import_has_program",
            ),
        ]
        indexes = [models.Index(fields=["kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:batch", args=[self.pk])
