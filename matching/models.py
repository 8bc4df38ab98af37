from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from programs.models import Format, Program

from .rules import MustHave, describe
from .scoring import COMPONENTS, Weights


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


OPEN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class Objective(models.TextChoices):
    MAX_MATCHED = "max_matched", "Match as many mentees as possible, then highest score"
    MAX_SCORE = "max_score", "Highest total score"


def parse_load_penalty(value: str) -> tuple[int, ...]:
    """ "2,4,6" -> (2, 4, 6); raises ValidationError unless non-negative and non-decreasing."""
    text = (value or "").replace(" ", "")
    if not text:
        return ()
    try:
        numbers = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise ValidationError("Use whole numbers separated by commas, for example 2,4,6.") from None
    if any(n < 0 for n in numbers):
        raise ValidationError("Load penalties can't be negative.")
    if any(b < a for a, b in zip(numbers, numbers[1:], strict=False)):
        raise ValidationError("Each load penalty must be at least the one before it.")
    if len(numbers) > 20 or any(n > 100 for n in numbers):
        raise ValidationError("Give at most 20 penalties, each between 0 and 100.")
    return numbers


def validate_load_penalty(value: str) -> None:
    parse_load_penalty(value)


def _weight_field(default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(default=default, validators=[MaxValueValidator(100)])


class ProgramWeights(models.Model):
    """Per-program scoring weights and objective; defaults apply until HR edits them."""

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="matching_weights"
    )
    skill_fit = _weight_field(40)
    career_goal = _weight_field(15)
    communication = _weight_field(10)
    experience = _weight_field(15)
    availability = _weight_field(10)
    diversity = _weight_field(10)
    load_penalty = models.CharField(
        max_length=100,
        default="2,4,6",
        blank=True,
        validators=[validate_load_penalty],
        help_text="Extra cost of a mentor's 2nd, 3rd, … mentee, e.g. 2,4,6 "
        "(non-decreasing whole numbers; the last repeats).",
    )
    objective = models.CharField(
        max_length=20, choices=Objective.choices, default=Objective.MAX_MATCHED
    )
    # Must-have rules: hard constraints of every run (matching.rules).
    rule_skill_at_target = models.BooleanField(
        "Mentor offers a sought skill at the target level",
        default=True,
        help_text="The mentor offers at least one of the mentee's sought skills at or above "
        "the mentee's target level. On by default, except for peer programs.",
    )
    rule_min_score = models.PositiveSmallIntegerField(
        "Minimum total score",
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="Pairs scoring below this are never proposed (0 = no minimum).",
    )
    rule_max_timezone_hours = models.PositiveSmallIntegerField(
        "Maximum time-zone distance (hours)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(12)],
        help_text="Leave empty for no limit.",
    )
    rule_same_language = models.BooleanField(
        "Same language",
        default=False,
        help_text="Both speak one of the languages they gave at enrolment (someone who gave "
        "none is not held back).",
    )
    rule_other_department = models.BooleanField(
        "Mentor outside the mentee's department", default=False
    )
    rule_will_not_mentor = models.BooleanField(
        "Respect what mentors won't mentor",
        default=True,
        help_text="Skills and departments a mentor said at enrolment they will not mentor.",
    )
    weak_below = models.PositiveSmallIntegerField(
        "Weak-match line",
        default=40,
        validators=[MaxValueValidator(100)],
        help_text="Proposals scoring below this are flagged as weak on the review page "
        "(0 = never by score).",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "program weights"

    def __str__(self) -> str:
        return f"Matching weights of {self.program}"

    def clean(self) -> None:
        if sum(getattr(self, name) for name in COMPONENTS) <= 0:
            raise ValidationError("At least one weight must be above zero.")

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COMPONENTS}

    def weights(self) -> Weights:
        return Weights(**self.as_dict())

    def penalty(self) -> tuple[int, ...]:
        return parse_load_penalty(self.load_penalty)

    def must_have(self) -> MustHave:
        return MustHave(
            skill_at_target=self.rule_skill_at_target,
            min_score=self.rule_min_score,
            max_timezone_hours=self.rule_max_timezone_hours,
            same_language=self.rule_same_language,
            other_department=self.rule_other_department,
            will_not_mentor=self.rule_will_not_mentor,
        )

    def must_have_lines(self) -> list[str]:
        """The rules that are on, in words, for the program and settings pages."""
        return describe(self.must_have())


class RuleKind(models.TextChoices):
    PIN = "pin", "Pin (always pair them)"
    FORBID = "forbid", "Forbid (never pair them)"


class PairRule(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pair_rules")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=RuleKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"], name="one_rule_per_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="pair_rule_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.mentee} / {self.mentor}"


class MatchingRun(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="matching_runs")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    mode = models.CharField(max_length=20, choices=Objective.choices, default=Objective.MAX_MATCHED)
    # Snapshot of weights, load penalty and format at start, so later edits don't rewrite history.
    parameters = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    objective = models.BigIntegerField(null=True, blank=True)
    greedy_objective = models.BigIntegerField(null=True, blank=True)
    matched_count = models.PositiveIntegerField(default=0)
    unmatched_count = models.PositiveIntegerField(default=0)
    unmatched = models.JSONField(default=list, blank=True)
    odd_one_out = models.JSONField(null=True, blank=True)
    # How the assignment was found when it was not an exhaustive search (large peer pools).
    method_note = models.CharField(max_length=300, blank=True)
    fairness = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Liveness of a running run: the worker stamps it every few seconds. A run "running" with
    # an old heartbeat lost its worker for good and is requeued or failed by a periodic check.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The Celery task that holds the run: only it (or its own retry) may carry on with it.
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Only one run per program may be queued or running.
            models.UniqueConstraint(
                fields=["program"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_open_run_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.program}"

    def get_absolute_url(self) -> str:
        return reverse("matching:run", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def remaining_only(self) -> bool:
        """A run for those left: earlier pairs and open proposals were held fixed."""
        return bool((self.parameters or {}).get("remaining_only"))

    @property
    def total_seconds(self) -> float:
        return round(sum(self.timings.values()), 3) if self.timings else 0.0


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    # "Accept all" hands the proposals to the worker, which accepts them in chunks.
    ACCEPTING = "accepting", "Being accepted"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    SUPERSEDED = "superseded", "Superseded"


class Proposal(models.Model):
    """One suggested pair of a run. For peer programs "mentee"/"mentor" are the two peers."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.SmallIntegerField()
    explanation = models.JSONField(default=list, blank=True)  # [[text, points], ...]
    # Up to three other allowed mentors: {mentor_id, name, score, capacity_left}.
    alternatives = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    swapped = models.BooleanField(default=False)
    # What makes the fit weak, in words (a sought part scoring zero, a low total); [] = fine.
    weak = models.JSONField(default=list, blank=True)
    # Why accepting it was refused (a pairing rule), shown next to it.
    refusal = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="one_proposal_per_mentee"),
        ]
        indexes = [models.Index(fields=["run", "status"])]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} ({self.score})"

    @property
    def can_be_swapped(self) -> bool:
        """Whether HR may swap this proposal's mentor: the one rule behind the "Swap mentor" link
        and `services.proposal_swap`. An open proposal of a finished, unpublished run of a
        mentoring program (peer pairs are changed by forbidding the pair and running again).
        """
        run = self.run
        return (
            self.status == ProposalStatus.PROPOSED
            and run.status == RunStatus.SUCCEEDED
            and run.published_at is None
            and run.program.format != Format.PEER
        )
