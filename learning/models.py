"""Learning resources per skill, what participants have done of them, and certifications
prepared as goals (docs/learning.md)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models.functions import Lower

from mentorships.models import Goal, Mentorship
from programs.models import Skill


class ResourceKind(models.TextChoices):
    DOCUMENTATION = "documentation", "Documentation"
    COURSE = "course", "Course"
    LAB = "lab", "Lab"
    BOOK = "book", "Book"


# Links open in the participants' browsers: web addresses only (no ftp:, no javascript:).
validate_web_link = URLValidator(schemes=["http", "https"])

LEVELS = [(1, "1 · Beginner"), (2, "2"), (3, "3 · Intermediate"), (4, "4"), (5, "5 · Expert")]


class Resource(models.Model):
    """One piece of learning material for one skill, at a level on the 1–5 skill scale."""

    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="resources")
    title = models.CharField(max_length=200)
    provider = models.CharField(max_length=120, blank=True)
    url = models.URLField("Link", max_length=500, validators=[validate_web_link])
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    level = models.PositiveSmallIntegerField(
        choices=LEVELS, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["skill__name", "level", "title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["skill", "url"],
                name="one_resource_per_skill_link",
                violation_error_message="This skill already has a resource with this link.",
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="resource_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ResourceCompletion(models.Model):
    """A participant has done a resource, within one mentorship (shown to the pair)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="completions")
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="resource_completions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_completions"
    )
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-done_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "mentorship", "user"], name="one_completion_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Completion {self.pk}"


class Certification(models.Model):
    """A certification in HR's catalogue: its exam objectives, one per line, become
    milestones when a pair prepares for it."""

    name = models.CharField(max_length=150)
    issuer = models.CharField(max_length=150)
    objectives = models.TextField(
        "Exam objectives", help_text="One objective per line; each becomes a milestone."
    )
    url = models.URLField("Link", max_length=500, blank=True, validators=[validate_web_link])
    skills = models.ManyToManyField(Skill, blank=True, related_name="certifications")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="certification_name_ci_unique",
                violation_error_message="A certification with this name is already in the "
                "catalogue.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def objective_list(self) -> list[str]:
        return [line.strip() for line in self.objectives.splitlines() if line.strip()]


class CertificationGoal(models.Model):
    """A goal that is preparation for a certification exam."""

    goal = models.OneToOneField(Goal, on_delete=models.CASCADE, related_name="certification_goal")
    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="goals")
    started_on = models.DateField()
    attained_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"Certification goal {self.pk}"


class ExamResult(models.Model):
    """One sitting of a certification exam, passed or not (for the pass rate and the time to
    certify). From a certification goal, or recorded by HR for anyone."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_results"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="exam_results"
    )
    certification_goal = models.ForeignKey(
        CertificationGoal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exam_results",
    )
    taken_on = models.DateField()
    passed = models.BooleanField()
    # When preparation started (the goal's start): the time to certify runs from here.
    prepared_from = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "certification", "taken_on"], name="one_exam_result_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(prepared_from__isnull=True)
                | models.Q(prepared_from__lte=models.F("taken_on")),
                name="exam_prepared_before_taken",
            ),
        ]

    def __str__(self) -> str:
        return f"Exam result {self.pk}"
