"""Reads about check-ins shared by pages, the health board and other apps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from core.privacy import suppress
from mentorships.models import Goal, Mentorship, Milestone
from programs.models import CADENCE_DAYS

from . import health
from .models import ActionItem, CheckIn, CheckInTemplate, Pulse

# Pulses from check-ins in this window count as "recent" for health.
RECENT_PULSE_DAYS = 90


@dataclass(frozen=True)
class HealthInfo:
    state: str
    days_since_checkin: int | None
    last_checkin_on: date | None
    next_due_on: date | None
    avg_pulse: float | None
    milestones_done: int
    milestones_total: int
    milestones_overdue: int

    @property
    def label(self) -> str:
        return health.LABELS[self.state]

    @property
    def severity(self) -> int:
        return health.SEVERITY[self.state]


def _milestone_count(condition: Q) -> Coalesce:
    subquery = (
        Milestone.objects.filter(condition, goal__mentorship=OuterRef("pk"))
        .order_by()
        .values("goal__mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def with_health_data(qs: QuerySet[Mentorship], today: date) -> QuerySet[Mentorship]:
    """Annotate last check-in and milestone counts: subqueries, so no row multiplication."""
    last = (
        CheckIn.objects.filter(mentorship=OuterRef("pk"))
        .order_by()
        .values("mentorship")
        .annotate(d=Max("date"))
        .values("d")
    )
    return qs.select_related("program").annotate(
        last_checkin_on=Subquery(last),
        ms_total=_milestone_count(Q()),
        ms_done=_milestone_count(Q(done_at__isnull=False)),
        ms_due=_milestone_count(Q(due_date__lt=today)),
        ms_overdue=_milestone_count(Q(due_date__lt=today, done_at__isnull=True)),
    )


def recent_pulses(mentorship_ids: Iterable[int], today: date) -> dict[int, list[int]]:
    since = today - timedelta(days=RECENT_PULSE_DAYS)
    found: dict[int, list[int]] = defaultdict(list)
    rows = Pulse.objects.filter(
        checkin__mentorship_id__in=list(mentorship_ids), checkin__date__gte=since
    ).values_list("checkin__mentorship_id", "score")
    for mentorship_id, score in rows:
        found[mentorship_id].append(score)
    return found


def _info(m: Mentorship, pulses: list[int], today: date) -> HealthInfo:
    cadence = m.program.cadence_days
    state = health.health_state(
        today=today,
        started_on=m.started_on,
        last_checkin_on=m.last_checkin_on,
        cadence_days=cadence,
        recent_pulses=pulses,
        milestones_overdue=m.ms_overdue,
        milestones_total=m.ms_due,
        status=m.status,
    )
    return HealthInfo(
        state=state,
        days_since_checkin=health.days_since(
            today=today, started_on=m.started_on, last_checkin_on=m.last_checkin_on
        ),
        last_checkin_on=m.last_checkin_on,
        next_due_on=health.next_due_on(
            started_on=m.started_on, last_checkin_on=m.last_checkin_on, cadence_days=cadence
        ),
        avg_pulse=health.average(pulses),
        milestones_done=m.ms_done,
        milestones_total=m.ms_total,
        milestones_overdue=m.ms_overdue,
    )


def health_for_mentorships(
    mentorships: QuerySet[Mentorship] | Iterable[Mentorship], today: date
) -> dict[int, HealthInfo]:
    """Health of many mentorships in two queries, whatever their number."""
    if isinstance(mentorships, QuerySet):
        qs = mentorships
    else:
        qs = Mentorship.objects.filter(pk__in=[m.pk for m in mentorships])
    rows = list(with_health_data(qs, today))
    pulses = recent_pulses([m.pk for m in rows], today)
    return {m.pk: _info(m, pulses.get(m.pk, []), today) for m in rows}


def health_for(mentorship: Mentorship, today: date) -> HealthInfo:
    return health_for_mentorships(Mentorship.objects.filter(pk=mentorship.pk), today)[mentorship.pk]


def next_checkin_due(mentorship: Mentorship) -> date | None:
    """Last check-in (or the start) plus the program's cadence; None before the start."""
    last = mentorship.checkins.aggregate(d=Max("date"))["d"]
    return health.next_due_on(
        started_on=mentorship.started_on,
        last_checkin_on=last,
        cadence_days=mentorship.program.cadence_days,
    )


# --- The health board, computed and paged in the database ------------------------------------
# `health.health_state` stays the one definition of the rules; the SQL below restates it for
# ordering, counting and paging without fetching every pairing (tests/checkins/
# test_health_sql.py checks that both agree on a generated sample). Each rule compares the
# reference date (last check-in, else the start) with a date computed here for each meeting
# cadence, so there is no date arithmetic in SQL and PostgreSQL and SQLite agree.


def _pulse_figure(mentorship_ref: str, since: date, figure) -> Coalesce:
    subquery = (
        Pulse.objects.filter(checkin__mentorship=OuterRef(mentorship_ref), checkin__date__gte=since)
        .order_by()
        .values("checkin__mentorship")
        .annotate(v=figure)
        .values("v")
    )
    return Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))


def _reached(today: date, days_per_cadence) -> Q:
    """At least `days_per_cadence(cadence)` days since the reference date, for every cadence:
    the reference date on or before `today` minus that many days."""
    found = Q(pk__in=[])
    for cadence_name, days in CADENCE_DAYS.items():
        cadence = max(1, days)
        found |= Q(
            program__meeting_cadence=cadence_name,
            health_reference__lte=today - timedelta(days=days_per_cadence(cadence)),
        )
    return found


def with_health_severity(qs: QuerySet[Mentorship], today: date) -> QuerySet[Mentorship]:
    """Mentorships annotated with `health_severity` (`health.SEVERITY` of their state, the
    board's order; `STATE_OF_SEVERITY` names it), computed in SQL: one query whatever the
    number of pairings, so a board can count and page in the database."""
    since = today - timedelta(days=RECENT_PULSE_DAYS)
    # The last check-in as an aggregate over a join (computed once per pairing), not the
    # correlated subquery of `with_health_data`, which SQL would run again at every rule.
    qs = qs.select_related("program").annotate(
        last_checkin_on=Max("checkins__date"),
        ms_total=_milestone_count(Q()),
        ms_done=_milestone_count(Q(done_at__isnull=False)),
        ms_due=_milestone_count(Q(due_date__lt=today)),
        ms_overdue=_milestone_count(Q(due_date__lt=today, done_at__isnull=True)),
    )
    qs = qs.annotate(
        health_reference=Coalesce("last_checkin_on", "started_on"),
        pulse_sum=_pulse_figure("pk", since, Sum("score")),
        pulse_n=_pulse_figure("pk", since, Count("pk")),
        pulse_limit=ExpressionWrapper(
            F("pulse_n") * Value(health.LOW_PULSE), output_field=FloatField()
        ),
    )
    never_met = Q(last_checkin_on__isnull=True)
    low_pulse = Q(pulse_n__gt=0, pulse_sum__lte=F("pulse_limit"))
    milestones_late = Q(ms_due__gt=0, ms_due__lt=F("ms_overdue") * 2)
    rules = [
        (Q(status__in=health.STOPPED_STATUSES), health.INACTIVE),
        (Q(status="proposed"), health.ON_TRACK),
        (never_met & _reached(today, lambda c: 3 * c), health.INACTIVE),
        (_reached(today, lambda c: 2 * c), health.AT_RISK),
        (low_pulse, health.AT_RISK),
        (milestones_late, health.AT_RISK),
        (_reached(today, lambda c: c + health.grace_days(c)), health.OVERDUE),
        (_reached(today, lambda c: c), health.DUE),
    ]
    severity = Case(
        *(When(condition, then=Value(health.SEVERITY[name])) for condition, name in rules),
        default=Value(health.SEVERITY[health.ON_TRACK]),
        output_field=IntegerField(),
    )
    return qs.annotate(health_severity=severity)


STATE_OF_SEVERITY: dict[int, str] = {n: name for name, n in health.SEVERITY.items()}


def board_queryset(mentorships: QuerySet[Mentorship], today: date) -> QuerySet[Mentorship]:
    """The board's order in SQL: the pairings needing attention first, then the longest silent
    (no reference date counts as today, as `days_since` of None counts as 0), then by id."""
    return (
        with_health_severity(mentorships.select_related("mentor", "mentee"), today)
        .annotate(silent_since=Coalesce("health_reference", Value(today, output_field=DateField())))
        .order_by("health_severity", "silent_since", "pk")
    )


def board_counts(mentorships: QuerySet[Mentorship], today: date) -> dict[str, int]:
    """{label: number of pairings} in board order, leaving out states nobody is in: one
    grouped query."""
    found = (
        with_health_severity(mentorships, today)
        .order_by()
        .aggregate(
            **{f"severity_{n}": Count("pk", filter=Q(health_severity=n)) for n in STATE_OF_SEVERITY}
        )
    )
    return {
        health.LABELS[STATE_OF_SEVERITY[n]]: found[f"severity_{n}"]
        for n in sorted(STATE_OF_SEVERITY)
        if found[f"severity_{n}"]
    }


def board_page_rows(page_of_mentorships: Iterable[Mentorship], today: date):
    """The rows of one board page with their health from the pure function (one more query for
    the page's pulses): what the board shows is `health.health_state` itself."""
    rows = list(page_of_mentorships)
    pulses = recent_pulses([m.pk for m in rows], today)
    return [(m, _info(m, pulses.get(m.pk, []), today)) for m in rows]


def available_templates(program_id: int) -> QuerySet[CheckInTemplate]:
    return CheckInTemplate.objects.filter(
        Q(program__isnull=True) | Q(program_id=program_id), is_retired=False
    ).order_by("program_id", "name")


def timeline_checkins(mentorship: Mentorship) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(mentorship=mentorship)
        .select_related("author", "template")
        .prefetch_related(
            "skills",
            Prefetch("goals", queryset=Goal.objects.only("id", "title")),
            Prefetch("milestones", queryset=Milestone.objects.only("id", "title")),
            Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        )
        .order_by("-date", "-id")
    )


def own_pulses(user, checkin_ids: Iterable[int]) -> dict[int, int]:
    """checkin id -> this user's score; the other side's pulse is never read here."""
    return dict(
        Pulse.objects.filter(user=user, checkin_id__in=list(checkin_ids)).values_list(
            "checkin_id", "score"
        )
    )


def open_action_items(mentorship: Mentorship) -> QuerySet[ActionItem]:
    return ActionItem.objects.filter(mentorship=mentorship, done_at__isnull=True).select_related(
        "owner"
    )


def hr_summaries(mentorship: Mentorship) -> QuerySet:
    """Only what HR may see: no notes, no pulses, no action items."""
    return (
        CheckIn.objects.filter(mentorship=mentorship)
        .order_by("-date", "-id")
        .values("id", "date", "activity", "duration_minutes", "shared_summary")
    )


@dataclass(frozen=True)
class MentorStats:
    minutes: int
    mentees: int
    avg_pulse: float | None
    checkins: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def mentor_stats(mentor_id: int) -> MentorStats:
    """Check-ins in the mentorships where this user mentors; the average pulse their mentees
    gave, None unless at least 3 mentees gave one."""
    agg = CheckIn.objects.filter(mentorship__mentor_id=mentor_id).aggregate(
        minutes=Sum("duration_minutes"), n=Count("id")
    )
    # Supported = paired beyond the proposal stage, whether or not check-ins were logged.
    mentees = (
        Mentorship.objects.filter(mentor_id=mentor_id)
        .exclude(status="proposed")
        .aggregate(n=Count("mentee", distinct=True))["n"]
    )
    # Built from the mentees' private pulses: shown to anyone (the mentor, their managers,
    # HR) only when at least 3 different mentees gave them (core.privacy).
    found = Pulse.objects.filter(
        checkin__mentorship__mentor_id=mentor_id, user_id=F("checkin__mentorship__mentee_id")
    ).aggregate(avg=Avg("score"), people=Count("user", distinct=True))
    pulse = suppress(found["avg"], found["people"])
    return MentorStats(
        minutes=agg["minutes"] or 0,
        mentees=mentees or 0,
        avg_pulse=round(float(pulse), 1) if pulse is not None else None,
        checkins=agg["n"],
    )
