"""Ask an expert: people who chose to be found for a skill, and one-off ("flash") sessions.

Nobody is listed until they opt in (`ExpertProfile.listed`). A flash session takes one of the
expert's places in the calendar month of its proposed times, from the request until it is
declined or cancelled; `monthly_sessions` = 0 means not taking requests.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

MAX_MONTHLY_SESSIONS = 20
NOTE_MAX_LENGTH = 1000


class ExpertProfile(models.Model):
    """What one person chose to share about what they know, and how often they can help."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    listed = models.BooleanField(
        "List me in Ask an expert",
        default=False,
        help_text="Colleagues can find you by the skills below and ask for a one-off session.",
    )
    monthly_sessions = models.PositiveSmallIntegerField(
        "One-off sessions a month",
        default=2,
        validators=[MaxValueValidator(MAX_MONTHLY_SESSIONS)],
        help_text="0 keeps you listed but not taking requests.",
    )
    share_program_skills = models.BooleanField(
        "Also show the skills I offer as a mentor in programs",
        default=True,
        help_text="With the level you gave when you enrolled as a mentor.",
    )
    skills = models.ManyToManyField(
        "programs.Skill",
        blank=True,
        related_name="+",
        verbose_name="Skills you're happy to be asked about",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(monthly_sessions__lte=MAX_MONTHLY_SESSIONS),
                name="expert_monthly_sessions_max",
            )
        ]

    def __str__(self) -> str:
        return f"Expert profile of {self.user}"

    @property
    def accepting(self) -> bool:
        return self.listed and self.monthly_sessions > 0


class SessionStatus(models.TextChoices):
    REQUESTED = "requested", "Waiting for the expert"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    HELD = "held", "Held"
    NOT_HELD = "not_held", "Didn't happen"


# A session in one of these takes a place in its month.
TAKES_A_PLACE = (SessionStatus.REQUESTED, SessionStatus.ACCEPTED, SessionStatus.HELD)


class DurationChoice(models.IntegerChoices):
    SHORT = 30, "30 minutes"
    MEDIUM = 45, "45 minutes"
    LONG = 60, "1 hour"


class FlashSession(models.Model):
    """One person asks an expert for a single session on one skill, outside any program.

    The note is private to the two of them (docs/security.md).
    """

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flash_requests"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flash_sessions"
    )
    skill = models.ForeignKey("programs.Skill", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(max_length=NOTE_MAX_LENGTH)
    duration_minutes = models.PositiveSmallIntegerField(
        choices=DurationChoice.choices, default=DurationChoice.SHORT
    )
    option_1 = models.DateTimeField()
    option_2 = models.DateTimeField(null=True, blank=True)
    option_3 = models.DateTimeField(null=True, blank=True)
    # First day of the calendar month the options fall in: the place it takes.
    month = models.DateField()
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.REQUESTED
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("expert")), name="flash_not_self"
            ),
        ]
        indexes = [models.Index(fields=["expert", "month", "status"])]

    def __str__(self) -> str:
        return f"Flash session {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("experts:session", args=[self.pk])

    @property
    def options(self) -> list:
        return [t for t in (self.option_1, self.option_2, self.option_3) if t is not None]

    def other_side(self, user):
        return self.expert if user.pk == self.requester_id else self.requester
