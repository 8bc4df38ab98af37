"""Reads about check-ins shared by pages, the health board and other apps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from core.privacy import suppress
from mentorships.models import Goal, Mentorship, Milestone

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


def board_rows(
    mentorships: QuerySet[Mentorship], today: date
) -> list[tuple[Mentorship, HealthInfo]]:
    """Mentorships with health, the ones needing attention first, then the longest silent."""
    rows = list(with_health_data(mentorships.select_related("mentor", "mentee"), today))
    pulses = recent_pulses([m.pk for m in rows], today)
    pairs = [(m, _info(m, pulses.get(m.pk, []), today)) for m in rows]
    pairs.sort(key=lambda p: (p[1].severity, -(p[1].days_since_checkin or 0), p[0].pk))
    return pairs


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
