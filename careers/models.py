"""Work roles and what they require, career paths between them, a mentee's target role and the
evidence a pair logs against a role's competency checklist (docs/careers.md)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from people.models import JobFamily


class WorkRole(models.Model):
    title = models.CharField(max_length=120)
    family = models.CharField(max_length=20, choices=JobFamily.choices, default=JobFamily.OTHER)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family", "title"]
        constraints = [models.UniqueConstraint(Lower("title"), name="work_role_title_ci_unique")]

    def __str__(self) -> str:
        return self.title


class RoleSkill(models.Model):
    """A skill a role requires, at a level (1-5, the scale of the skills taxonomy)."""

    role = models.ForeignKey(WorkRole, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey("programs.Skill", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["role", "-level", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="one_requirement_per_skill"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="role_skill_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.skill} {self.level}"


class ChecklistItem(models.Model):
    """Something a person can show at a level of a skill. A role requiring the skill at level L
    includes the skill's items of level L and below."""

    skill = models.ForeignKey("programs.Skill", on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["skill__name", "level", "id"]
        constraints = [
            models.UniqueConstraint(
                "skill", "level", Lower("text"), name="one_checklist_item_per_text"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="checklist_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class CareerPath(models.Model):
    """A directed move from one role to another."""

    from_role = models.ForeignKey(WorkRole, on_delete=models.CASCADE, related_name="paths_out")
    to_role = models.ForeignKey(WorkRole, on_delete=models.CASCADE, related_name="paths_in")

    class Meta:
        ordering = ["from_role__title", "to_role__title"]
        constraints = [
            models.UniqueConstraint(fields=["from_role", "to_role"], name="one_path_per_move"),
            models.CheckConstraint(
                condition=~models.Q(from_role=models.F("to_role")), name="path_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_role} → {self.to_role}"


class ProgramCareers(models.Model):
    """A program's career settings: a target role for every mentee without one, and whether
    matching reads a mentee's gap as the skills they seek."""

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="careers"
    )
    default_role = models.ForeignKey(
        WorkRole, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gap_as_sought_skills = models.BooleanField(
        "Matching uses each mentee's gap as the skills they seek", default=False
    )

    def __str__(self) -> str:
        return f"Career settings of {self.program}"


class TargetRole(models.Model):
    """The role a mentee works towards in a program, with the share of its required skills
    they met when it was chosen (the start of progress)."""

    enrolment = models.OneToOneField(
        "programs.Enrolment", on_delete=models.CASCADE, related_name="target_role"
    )
    role = models.ForeignKey(WorkRole, on_delete=models.CASCADE, related_name="targets")
    met_at_start = models.PositiveSmallIntegerField(default=0)
    required_at_start = models.PositiveSmallIntegerField(default=0)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Target role {self.role_id} of enrolment {self.enrolment_id}"


class Evidence(models.Model):
    """What a mentee shows for a checklist item or a milestone: a link, a note (private to the
    pair), the check-in it came from. The mentor confirms it."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="evidence"
    )
    item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    milestone = models.ForeignKey(
        "mentorships.Milestone",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="career_evidence",
    )
    link = models.URLField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    checkin = models.ForeignKey(
        "checkins.CheckIn", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=False, milestone__isnull=True)
                | models.Q(item__isnull=True, milestone__isnull=False),
                name="evidence_for_item_or_milestone",
            ),
            models.UniqueConstraint(
                fields=["mentorship", "item"],
                condition=models.Q(item__isnull=False),
                name="one_evidence_per_item",
            ),
            models.UniqueConstraint(
                fields=["milestone"],
                condition=models.Q(milestone__isnull=False),
                name="one_evidence_per_milestone",
            ),
        ]

    def __str__(self) -> str:
        # Never the note: str() reaches the admin, its log and delete confirmations.
        return f"Evidence {self.pk}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class AssessmentCheck(models.Model):
    """In an assessment round, whether the rater saw a checklist item met."""

    request = models.ForeignKey(
        "feedback.AssessmentRequest", on_delete=models.CASCADE, related_name="checklist"
    )
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="+")
    met = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="one_check_per_item"),
        ]

    def __str__(self) -> str:
        return f"Check {self.pk}"
