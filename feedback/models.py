from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from mentorships.models import Mentorship
from programs.models import Program, Skill


class SurveyKind(models.TextChoices):
    MID_POINT = "mid_point", "Mid-point survey"
    END = "end", "End-of-program survey"


class SendStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    # Claimed by a worker; invitations/requests are being created and sent.
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"


class AudienceRole(models.TextChoices):
    MENTEE = "mentee", "Mentees"
    MENTOR = "mentor", "Mentors"
    MANAGER = "manager", "Managers of mentees"


class Survey(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="surveys")
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    for_mentees = models.BooleanField("Send to mentees", default=True)
    for_mentors = models.BooleanField("Send to mentors", default=True)
    for_managers = models.BooleanField("Send to the mentees' managers", default=True)
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=SendStatus.choices, default=SendStatus.SCHEDULED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["opens_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="one_survey_per_kind"),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            ),
        ]
        indexes = [models.Index(fields=["status", "opens_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.program}"

    @property
    def roles(self) -> list[str]:
        flags = {
            AudienceRole.MENTEE: self.for_mentees,
            AudienceRole.MENTOR: self.for_mentors,
            AudienceRole.MANAGER: self.for_managers,
        }
        return [str(role) for role, on in flags.items() if on]


class QuestionKind(models.TextChoices):
    RATING = "rating", "Rating 1–5"
    TEXT = "text", "Free text"


# Created with every survey; position keeps the order stable and makes creation idempotent.
DEFAULT_QUESTIONS: tuple[tuple[str, str], ...] = (
    (QuestionKind.RATING, "How useful was mentoring for you?"),
    (QuestionKind.RATING, "How well did the pairing work?"),
    (QuestionKind.RATING, "Would you recommend the program to a colleague?"),
    (QuestionKind.TEXT, "Anything else you want to tell the program team?"),
)


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"], name="one_question_per_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    role = models.CharField(max_length=10, choices=AudienceRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Set when the mail server refused the invitation for good (sent_at then marks it handled).
    email_error = models.CharField(max_length=500, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="one_invitation_per_person"),
        ]
        indexes = [models.Index(fields=["user", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.survey} → {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:answer", args=[self.pk])


class SurveyAnswer(models.Model):
    invitation = models.ForeignKey(
        SurveyInvitation, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="survey_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class RoundKind(models.TextChoices):
    BASELINE = "baseline", "Baseline"
    FOLLOW_UP = "follow_up", "Follow-up"
    FINAL = "final", "Final"


class AssessmentRound(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="assessment_rounds")
    kind = models.CharField(max_length=10, choices=RoundKind.choices)
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=SendStatus.choices, default=SendStatus.SCHEDULED
    )
    include_manager = models.BooleanField("Also ask the mentee's manager", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "kind", "due_on"], name="one_round_per_kind_and_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%d %b %Y} · {self.program}"


class RaterRole(models.TextChoices):
    MENTEE = "mentee", "Self (mentee)"
    MENTOR = "mentor", "Mentor"
    MANAGER = "manager", "Manager"


class AssessmentRequest(models.Model):
    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="requests")
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments_about"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments_to_rate"
    )
    rater_role = models.CharField(max_length=10, choices=RaterRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set when the mail server refused the request or its reminder for good.
    email_error = models.CharField(max_length=500, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "mentee", "rater"], name="one_request_per_rater"
            ),
        ]
        indexes = [models.Index(fields=["rater", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.round}: {self.rater} rates {self.mentee}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:assessment", args=[self.pk])


class SkillRating(models.Model):
    request = models.ForeignKey(AssessmentRequest, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "skill"], name="one_rating_per_skill"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="skill_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        # Never the level: one rater's rating is shown only in groups of 3 or more.
        return f"Rating {self.pk} of {self.skill}"
