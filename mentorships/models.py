from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import ChangeCounter, StoredFigures
from programs.models import Program, Skill


class MentorshipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    ENDED = "ended", "Ended early"


# A mentorship in one of these holds a mentor slot and the mentee's one place per program.
LIVE_STATUSES = (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)


class Source(models.TextChoices):
    MATCHING = "matching", "Matching run"
    MANUAL = "manual", "HR by hand"
    SELF_MATCH = "self", "Self-match"


class EndReason(models.TextChoices):
    WITHDREW = "withdrew", "A participant withdrew"
    NOT_WORKING = "not_working", "The pairing was not working"
    REASSIGNED = "reassigned", "Reassigned to another mentor"
    LEFT_COMPANY = "left_company", "A participant left the company"
    PROGRAM_CLOSED = "program_closed", "The program closed"
    OTHER = "other", "Other"


class Mentorship(models.Model):
    """One mentor and one mentee (for peers: two peers). A group is several rows sharing a
    mentor."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    status = models.CharField(
        max_length=10, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    matching_run = models.ForeignKey(
        "matching.MatchingRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentorships",
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Something relationship health reads changed (status, start, milestones) since the
    # check-ins app last stored it (checkins.MentorshipHealth, a layer above, which recomputes
    # and clears this under a row lock). Set in the same transaction as the change, by the
    # services here; a new pairing starts stale.
    health_stale = models.BooleanField(default=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mentor=models.F("mentee")), name="mentorship_not_self"
            ),
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=models.Q(status__in=LIVE_STATUSES),
                name="one_live_mentorship_per_mentee",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "mentor", "status"]),
            models.Index(fields=["status"]),
            models.Index(
                fields=["program"],
                condition=models.Q(health_stale=True),
                name="mentorship_health_stale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} ({self.program})"

    def get_absolute_url(self) -> str:
        return reverse("mentorships:detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def is_participant(self, user) -> bool:
        return user.is_authenticated and user.pk in (self.mentor_id, self.mentee_id)

    def other_side(self, user):
        return self.mentee if user.pk == self.mentor_id else self.mentor


class Agreement(models.Model):
    """The short agreement both sides confirm at the start."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    meeting_frequency = models.CharField(max_length=120, blank=True)
    channel = models.CharField(max_length=120, blank=True)
    confidentiality = models.TextField(
        blank=True,
        default="Private notes stay between the two of us. HR sees only shared summaries.",
    )
    mentor_owns = models.TextField(blank=True)
    mentee_owns = models.TextField(blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Agreement for {self.mentorship}"

    @property
    def is_confirmed(self) -> bool:
        return bool(self.mentor_confirmed_at and self.mentee_confirmed_at)


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "Dropped"


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    success_measure = models.TextField("Measure of success", blank=True)
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="goals")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target_date", "id"]

    def __str__(self) -> str:
        # Never the title: str() reaches the admin, its log and delete confirmations.
        return f"Goal {self.pk}"


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        # Never the title: str() reaches the admin, its log and delete confirmations.
        return f"Milestone {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ResetOutcome(models.TextChoices):
    ENDED = "ended", "Pairing ended"
    REASSIGNED = "reassigned", "Mentee reassigned"
    DISMISSED = "dismissed", "Dismissed"


class ResetRequest(models.Model):
    """A participant's private word to HR that a pairing is not working."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="reset_requests"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=ResetOutcome.choices, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open request per person and pairing: repeated clicks don't pile up.
            models.UniqueConstraint(
                fields=["mentorship", "raised_by"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_reset_request_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Reset request on {self.mentorship}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    ACTIVATED = "activated", "Activated"
    PAUSED = "paused", "Paused"
    RESUMED = "resumed", "Resumed"
    COMPLETED = "completed", "Completed"
    ENDED = "ended", "Ended early"
    REASSIGNED = "reassigned", "Reassigned"


class MentorshipEvent(models.Model):
    """Who changed a pairing's status, when and why (pause reasons live only here)."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.mentorship_id}"


# --- the pairings page's figures per program (migration 0006_pairing_counters) --------------


class PairingChanges(ChangeCounter):
    """The pairings page's change counter (`core.models.ChangeCounter`): it counts a pairing
    or an enrolment added, removed, or its program, status, people, role or capacity changed
    (triggers: migration 0006). No foreign key: a trigger may count a change to a program that
    is being deleted."""

    program_id = models.BigIntegerField(primary_key=True)

    class Meta:
        db_table = "mentorships_pairing_changes"


class PairingFigures(StoredFigures):
    """The pairings page's figures of a program (`selectors.pairings_overview`), stored
    against its `PairingChanges` (`core.models.StoredFigures`)."""

    program_id = models.BigIntegerField(primary_key=True)
    # {status: pairings} as JSON text (read and written by raw SQL).
    statuses = models.TextField()
    mentors_full = models.IntegerField()
    mentors = models.IntegerField()
    unpaired = models.IntegerField()

    class Meta:
        db_table = "mentorships_pairing_figures"
