import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import ChangeCounter, StoredFigures
from mentorships.models import Goal, Mentorship, Milestone
from programs.models import Program, Skill


class Activity(models.TextChoices):
    SHADOWING = "shadowing", "Shadowing"
    CODE_REVIEW = "code_review", "Code review"
    PAIR_PROGRAMMING = "pair_programming", "Pair programming"
    TROUBLESHOOTING = "troubleshooting", "Troubleshooting session"
    INCIDENT_REVIEW = "incident_review", "Incident review"
    CAREER_CONVERSATION = "career_conversation", "Career conversation"
    OTHER = "other", "Other"


class CheckInTemplate(models.Model):
    """An agenda that pre-fills a check-in. program=None means a global default."""

    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="checkin_templates"
    )
    name = models.CharField(max_length=120)
    agenda = models.TextField()
    is_retired = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_global(self) -> bool:
        return self.program_id is None


class CheckIn(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins_authored"
    )
    date = models.DateField()
    duration_minutes = models.PositiveSmallIntegerField()
    activity = models.CharField(max_length=20, choices=Activity.choices)
    skills = models.ManyToManyField(Skill, blank=True, related_name="checkins")
    goals = models.ManyToManyField(Goal, blank=True, related_name="checkins")
    milestones = models.ManyToManyField(Milestone, blank=True, related_name="checkins")
    next_steps = models.TextField(blank=True)
    next_meeting_date = models.DateField(null=True, blank=True)
    # With the date, the pair's next meeting: both get a calendar invitation (Meeting).
    next_meeting_time = models.TimeField(null=True, blank=True)
    # Only the two participants ever see this: never HR, managers, admin or exports.
    private_notes = models.TextField(blank=True)
    shared_summary = models.TextField(blank=True)
    template = models.ForeignKey(
        CheckInTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["mentorship", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1) & models.Q(duration_minutes__lte=1440),
                name="checkin_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.date} · {self.mentorship_id}"

    def get_absolute_url(self) -> str:
        return reverse("checkins:timeline", args=[self.mentorship_id])


class ActionItem(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="action_items")
    # Denormalised so "open items of a mentorship" is one indexed filter.
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items"
    )
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["mentorship", "done_at"])]

    def __str__(self) -> str:
        # Never the text: str() reaches the admin, its log and delete confirmations.
        return f"Action item {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Pulse(models.Model):
    """How useful one side found a check-in (1–5). Each side sees only their own."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="pulses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pulses"
    )
    score = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1) & models.Q(score__lte=5), name="pulse_score_1_5"
            ),
            models.UniqueConstraint(fields=["checkin", "user"], name="one_pulse_per_user_checkin"),
        ]

    def __str__(self) -> str:
        # Never the score: str() reaches the admin's delete confirmations and its log.
        return f"Pulse {self.pk} · check-in {self.checkin_id}"


class Recognition(models.Model):
    """A thank-you note HR sent to a mentor's manager."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recognitions"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Recognition for {self.mentor_id}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """A pair's next meeting, sent to both as a calendar invitation (iCalendar REQUEST).

    The UID stays the same for the meeting's life: a new time is an update (SEQUENCE + 1), a
    cancellation a CANCEL with the next SEQUENCE. Holds no private text.
    """

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    # The time zone it was set in (the person's profile), written into the invitation.
    time_zone = models.CharField(max_length=64, default="UTC")
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["mentorship", "status", "starts_at"])]

    def __str__(self) -> str:
        return f"Meeting {self.pk} · mentorship {self.mentorship_id}"


class MentorshipHealth(models.Model):
    """The health of one live mentorship as the HR board shows it, kept on a row so the board
    filters, sorts and pages in the database.

    Computed only by ``checkins.health`` (through ``services.mentorship_health_refresh``) from
    the check-ins, pulses, milestones, status and the program's cadence. Kept by the check-in
    services (a check-in or pulse recomputes its row at once), by the board (the rows of its
    program that are stale: ``Mentorship.health_stale``, set by the pairings app when a status,
    start or milestone changes; ``next_change_on`` passed; the cadence changed) and by the
    hourly sweep (every such row). Ended and completed mentorships have no row.
    """

    mentorship = models.OneToOneField(
        Mentorship, primary_key=True, on_delete=models.CASCADE, related_name="stored_health"
    )
    # Not indexed alone: every index below starts with it.
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", db_index=False)
    state = models.CharField(max_length=10)
    # health.SEVERITY[state]: the board's first sort key.
    severity = models.PositiveSmallIntegerField()
    # The last check-in, or the start if none: the days since it are counted when shown.
    reference_on = models.DateField(null=True, blank=True)
    # The board's second sort key, the longest silent first: reference_on, or for a pairing
    # with neither start nor check-in the day it was computed (it counts as silent since
    # today), which is why such a row is recomputed every day (next_change_on).
    sort_on = models.DateField()
    last_checkin_on = models.DateField(null=True, blank=True)
    next_due_on = models.DateField(null=True, blank=True)
    avg_pulse = models.FloatField(null=True, blank=True)
    milestones_done = models.PositiveIntegerField(default=0)
    milestones_total = models.PositiveIntegerField(default=0)
    milestones_overdue = models.PositiveIntegerField(default=0)
    # The program's meeting cadence it was computed with: another value makes it stale.
    cadence = models.CharField(max_length=20)
    computed_on = models.DateField()
    # The first day this row may be wrong by the passage of time alone; null: never.
    next_change_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["program", "severity", "sort_on", "mentorship"], name="health_board_order"
            ),
            models.Index(fields=["program", "next_change_on"], name="health_program_next_change"),
            models.Index(fields=["next_change_on"], name="health_next_change"),
        ]

    def __str__(self) -> str:
        return f"Health of mentorship {self.mentorship_id}: {self.state}"


class HealthChanges(ChangeCounter):
    """The health board's change counter (`core.models.ChangeCounter`): it counts a stored
    health added, removed, or its program, severity or cadence changed (triggers: migration
    0006)."""

    # No foreign key constraint: a trigger may count a change to a program being deleted.
    program = models.OneToOneField(
        Program,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        db_table = "checkins_health_changes"


class HealthFigures(StoredFigures):
    """The health board's counts of a program (its stored health per severity and cadence:
    `selectors.board_counts`, read by `board_look`), stored against its `HealthChanges`
    (`core.models.StoredFigures`)."""

    program = models.OneToOneField(
        Program,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # [[severity, cadence, n], ...] as JSON text (read and written by raw SQL).
    counts = models.TextField()

    class Meta:
        db_table = "checkins_health_figures"
