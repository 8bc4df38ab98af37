"""Self-match and hybrid programs: each program's matching mode, and mentees' requests.

A request is one mentee's ranked list of up to three mentors in one program. Exactly one
choice at a time is with a mentor (``pending``); a decline, a lapsed deadline or a mentor with
no place left passes it to the next choice; the mentor's acceptance creates the mentorship.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from programs.models import Program

MAX_CHOICES = 3
NOTE_MAX_LENGTH = 500


class Mode(models.TextChoices):
    HR = "hr", "HR runs matching"
    SELF = "self", "Self-match"
    HYBRID = "hybrid", "Hybrid: self-match first, then HR's matching run"


class ProgramMatching(models.Model):
    """How a program's mentees find a mentor. No row: HR runs matching (the default)."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="selfmatch_settings"
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.HR)
    response_days = models.PositiveSmallIntegerField(
        "Days a mentor has to answer",
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    max_choices = models.PositiveSmallIntegerField(
        "Mentors a mentee may list",
        default=MAX_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CHOICES)],
    )
    closes_on = models.DateField(
        "Self-match closes on",
        null=True,
        blank=True,
        help_text="Hybrid programs: on this day self-match closes and a matching run pairs "
        "everyone still without a mentor.",
    )
    # Stamped once, by whoever closes self-match first (beat or HR): a conditional UPDATE.
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_run = models.ForeignKey(
        "matching.MatchingRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_error = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(response_days__gte=1, response_days__lte=30),
                name="selfmatch_response_days_1_30",
            ),
            models.CheckConstraint(
                condition=models.Q(max_choices__gte=1, max_choices__lte=MAX_CHOICES),
                name="selfmatch_max_choices_1_3",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.get_mode_display()}"

    @property
    def uses_self_match(self) -> bool:
        return self.mode in (Mode.SELF, Mode.HYBRID)


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for a mentor"
    MATCHED = "matched", "Matched"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CANCELLED = "cancelled", "Cancelled by HR"
    EXHAUSTED = "exhausted", "Nobody on the list could take it"
    CLOSED = "closed", "Self-match closed"


class ChoiceStatus(models.TextChoices):
    QUEUED = "queued", "Not asked yet"
    PENDING = "pending", "Waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    LAPSED = "lapsed", "No answer in time"
    FULL = "full", "No place left"
    SKIPPED = "skipped", "Can no longer be asked"
    WITHDRAWN = "withdrawn", "Withdrawn"


class MatchRequest(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="selfmatch_requests"
    )
    # For the mentors asked (and the mentee who wrote it); never shown to HR or in aggregates.
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    mentorship = models.OneToOneField(
        "mentorships.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="selfmatch_request",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=models.Q(status="open"),
                name="selfmatch_one_open_request",
            ),
        ]
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        return f"Self-match request {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN


class Choice(models.Model):
    request = models.ForeignKey(MatchRequest, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CHOICES)]
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="selfmatch_choices"
    )
    status = models.CharField(
        max_length=10, choices=ChoiceStatus.choices, default=ChoiceStatus.QUEUED
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["request", "rank"], name="selfmatch_one_choice_rank"),
            models.UniqueConstraint(
                fields=["request", "mentor"], name="selfmatch_mentor_once_per_request"
            ),
            # At most one mentor is asked at a time.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status="pending"),
                name="selfmatch_one_pending_choice",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["mentor", "status"]),
        ]

    def __str__(self) -> str:
        return f"Choice {self.rank} of request {self.request_id}"
