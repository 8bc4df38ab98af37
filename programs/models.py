from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse


class SkillCategory(models.TextChoices):
    NETWORKING = "networking", "Networking"
    CYBERSECURITY = "cybersecurity", "Cybersecurity"
    CLOUD = "cloud", "Cloud"
    DEVOPS = "devops", "DevOps"
    DATABASES = "databases", "Databases"
    SOFTWARE = "software", "Software engineering"
    SUPPORT = "support", "IT support"
    DATA = "data", "Data"
    LEADERSHIP = "leadership", "Leadership and communication"


class Skill(models.Model):
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=20, choices=SkillCategory.choices)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["category", "name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="skill_name_ci_unique")]

    def __str__(self) -> str:
        return self.name


class Purpose(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    MOBILITY = "mobility", "Internal mobility"
    RETENTION = "retention", "Retention"
    TECHNICAL = "technical", "Technical depth"
    LEADERSHIP = "leadership", "Leadership"


class Format(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    GROUP = "group", "Group"
    PEER = "peer", "Peer"
    REVERSE = "reverse", "Reverse"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    ENROLLING = "enrolling", "Enrolling"
    MATCHING = "matching", "Matching"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


# Programs move forward only; "closed" is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.ENROLLING,),
    Status.ENROLLING: (Status.MATCHING,),
    Status.MATCHING: (Status.ACTIVE,),
    Status.ACTIVE: (Status.CLOSED,),
    Status.CLOSED: (),
}


class MeetingCadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    MONTHLY = "monthly", "Monthly"


CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 30}


class MilestoneCadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class Program(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.ONE_TO_ONE)
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    meeting_cadence = models.CharField(
        max_length=20, choices=MeetingCadence.choices, default=MeetingCadence.FORTNIGHTLY
    )
    milestone_cadence = models.CharField(
        max_length=20, choices=MilestoneCadence.choices, default=MilestoneCadence.MONTHLY
    )
    mentor_expectations = models.TextField("What the mentor does", blank=True)
    mentee_expectations = models.TextField("What the mentee owns", blank=True)
    meeting_expectations = models.TextField("How often they meet", blank=True)
    default_mentor_capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    min_group_size = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(2), MaxValueValidator(30)]
    )
    max_group_size = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(2), MaxValueValidator(30)]
    )
    requires_manager_approval = models.BooleanField(default=False)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_programs", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(max_group_size__gte=models.F("min_group_size")),
                name="program_group_sizes_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.slug])

    @property
    def cadence_days(self) -> int:
        return CADENCE_DAYS[self.meeting_cadence]

    def clean(self) -> None:
        errors = {}
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = "The end date must be after the start date."
        if (
            self.min_group_size
            and self.max_group_size
            and self.max_group_size < self.min_group_size
        ):
            errors["max_group_size"] = "The maximum group size can't be below the minimum."
        if errors:
            raise ValidationError(errors)

    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS[self.status]

    def check_transition(self, new_status: str, *, today: date | None = None) -> None:
        if new_status not in TRANSITIONS[self.status]:
            allowed = ", ".join(Status(s).label for s in TRANSITIONS[self.status]) or "none"
            raise ValidationError(
                f"A {self.get_status_display().lower()} program can't move to "
                f"“{Status(new_status).label}”. Allowed next: {allowed}."
            )

    def is_coordinator(self, user) -> bool:
        return bool(
            user.is_authenticated
            and user.is_hr_coordinator
            and user.is_active
            and self.coordinators.filter(pk=user.pk).exists()
        )


class EnrolmentRole(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"
    PEER = "peer", "Peer"


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for manager approval"
    APPROVED = "approved", "Enrolled"
    DECLINED = "declined", "Declined by manager"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CareerTrack(models.TextChoices):
    CLOUD = "cloud", "Cloud engineering"
    SECURITY = "security", "Security"
    ARCHITECTURE = "architecture", "Architecture"
    LEADERSHIP = "leadership", "Leadership"
    DATA = "data", "Data engineering"
    DEVOPS = "devops", "DevOps and SRE"
    SOFTWARE = "software", "Software engineering"
    NETWORKING = "networking", "Networking"
    SUPPORT = "support", "Service and support"


class CommunicationStyle(models.TextChoices):
    STRUCTURED = "structured", "Structured"
    EXPLORATORY = "exploratory", "Exploratory"
    DIRECT = "direct", "Direct"
    SUPPORTIVE = "supportive", "Supportive"


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video"
    CHAT = "chat", "Chat"


class Seniority(models.TextChoices):
    JUNIOR = "junior", "Junior"
    MID = "mid", "Mid-level"
    SENIOR = "senior", "Senior"
    LEAD = "lead", "Lead"
    PRINCIPAL = "principal", "Principal"


LIVE_ENROLMENT = (EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED)


class Enrolment(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    role = models.CharField(max_length=10, choices=EnrolmentRole.choices)
    status = models.CharField(
        max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.APPROVED
    )
    capacity = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Mentors: how many mentees at once.",
    )
    career_track = models.CharField(max_length=20, choices=CareerTrack.choices, blank=True)
    career_goal = models.TextField(blank=True)
    communication_style = models.CharField(
        max_length=20, choices=CommunicationStyle.choices, default=CommunicationStyle.STRUCTURED
    )
    meeting_mode = models.CharField(
        max_length=20, choices=MeetingMode.choices, default=MeetingMode.VIDEO
    )
    years_experience = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(60)]
    )
    seniority = models.CharField(max_length=20, choices=Seniority.choices, default=Seniority.MID)
    hours_per_month = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    prefer_other_department = models.BooleanField(default=False)
    avoid = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="avoided_in_enrolments"
    )
    languages = models.CharField(
        max_length=200,
        blank=True,
        help_text="Languages you can mentor or learn in, separated by commas.",
    )
    # Mentors: what they will not mentor (a must-have rule of matching keeps them out).
    will_not_mentor_skills = models.ManyToManyField(
        Skill, blank=True, related_name="+", verbose_name="Skills I won't mentor"
    )
    will_not_mentor_departments = models.ManyToManyField(
        "people.Department",
        blank=True,
        related_name="+",
        verbose_name="Departments I won't mentor",
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Stamped in the same transaction as the decision email goes out: it goes once.
    decision_emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="one_enrolment_per_program"),
        ]
        indexes = [models.Index(fields=["program", "role", "status"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.program}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_ENROLMENT

    @property
    def language_list(self) -> list[str]:
        """The languages given, lower-cased, without blanks or repeats, in order."""
        seen: list[str] = []
        for part in self.languages.replace(";", ",").split(","):
            name = " ".join(part.split()).lower()
            if name and name not in seen:
                seen.append(name)
        return seen


class EnrolmentSkill(models.Model):
    """A skill a mentor offers (level = proficiency) or a mentee seeks (level → target_level)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    target_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "skill"], name="one_row_per_skill"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="level_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(target_level__isnull=True)
                | models.Q(target_level__gte=1, target_level__lte=5),
                name="target_level_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill}: {self.level}"
