"""Reads about check-ins shared by pages, the health board and other apps."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from core.compiled import compiled_objects, compiled_rows
from core.privacy import suppress
from mentorships.models import LIVE_STATUSES, Goal, Mentorship, Milestone
from programs.models import CADENCE_DAYS, EnrolmentSkill, Program, Skill

from . import health
from .models import (
    ActionItem,
    CheckIn,
    CheckInTemplate,
    HealthChanges,
    HealthFigures,
    Meeting,
    MeetingStatus,
    MentorshipHealth,
    Pulse,
)

# Pulses from check-ins in this window count as "recent" for health.
RECENT_PULSE_DAYS = health.PULSE_WINDOW_DAYS


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
    def avg_pulse_text(self) -> str:
        """The average pulse to one decimal, rounded half up: what `floatformat:1` shows, at
        a fraction of its cost on a board of 50 rows."""
        if self.avg_pulse is None:
            return "—"
        return str(Decimal(repr(self.avg_pulse)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

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


def stored_health_is_fresh(row: MentorshipHealth, mentorship: Mentorship, today: date) -> bool:
    """Whether a stored row says what `health_for` would compute on `today`: the pairing is
    live and not flagged as changed since (`Mentorship.health_stale`), the row was computed by
    today with the program's cadence of now, and its next_change_on hasn't come."""
    return (
        not mentorship.health_stale
        and mentorship.status in LIVE_STATUSES
        and row.cadence == mentorship.program.meeting_cadence
        and row.computed_on <= today
        and (row.next_change_on is None or row.next_change_on > today)
    )


def health_of(mentorship: Mentorship, today: date) -> HealthInfo:
    """One pairing's health as `health_for` computes it: its stored row (the board's, kept by
    the check-in services, the board and the hourly sweep) when fresh, one query; afresh
    otherwise (a flagged, stopped or not yet stored pairing), two more. `mentorship` with its
    program, as pages read it."""
    if not mentorship.health_stale and mentorship.status in LIVE_STATUSES:
        row = MentorshipHealth.objects.filter(mentorship_id=mentorship.pk).first()
        if row is not None and stored_health_is_fresh(row, mentorship, today):
            return stored_info(row, today)
    return health_for(mentorship, today)


def scheduled_meetings(mentorship: Mentorship | OuterRef) -> QuerySet[Meeting]:
    """The pair's meetings still to come, soonest first (the first is "the next meeting")."""
    return Meeting.objects.filter(
        mentorship=mentorship, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).order_by("starts_at", "id")


def health_and_meeting(mentorship: Mentorship, today: date) -> tuple[HealthInfo, datetime | None]:
    """What a participant's page shows first: the pairing's health as `health_for` computes it
    (equal to `health_of`'s stored row whenever that row is fresh) and when its next meeting
    starts. One query whatever the pairing's state, its SQL built once (`core.compiled`):
    the page's `mentorship` (with its program) gives the status, start and cadence."""
    since = today - timedelta(days=RECENT_PULSE_DAYS)
    (row,) = _health_inputs(mentorship.pk, today, since, timezone.now())
    last, ms_overdue = row.last_checkin_on, row.ms_overdue
    pulse_sum, pulse_n = row.pulse_sum, row.pulse_n
    cadence = mentorship.program.cadence_days
    state = health.health_state(
        today=today,
        started_on=mentorship.started_on,
        last_checkin_on=last,
        cadence_days=cadence,
        # Only their mean matters (health.average): n scores of the same sum have the same.
        recent_pulses=[pulse_sum] + [0] * (pulse_n - 1) if pulse_n else [],
        milestones_overdue=ms_overdue,
        milestones_total=row.ms_due,
        status=mentorship.status,
    )
    info = HealthInfo(
        state=state,
        days_since_checkin=health.days_since(
            today=today, started_on=mentorship.started_on, last_checkin_on=last
        ),
        last_checkin_on=last,
        next_due_on=health.next_due_on(
            started_on=mentorship.started_on, last_checkin_on=last, cadence_days=cadence
        ),
        avg_pulse=pulse_sum / pulse_n if pulse_n else None,
        milestones_done=row.ms_done,
        milestones_total=row.ms_total,
        milestones_overdue=ms_overdue,
    )
    return info, row.meeting_at


@compiled_objects
def _health_inputs(mentorship_id: int, today: date, since: date, now: datetime) -> QuerySet:
    """One pairing (its id alone) with what `with_health_data` annotates, its recent pulses'
    sum and number (`recent_pulses`: pulse_sum, pulse_n) and the start of its first meeting
    scheduled after `now` (meeting_at); instances, so dates are converted on every database."""
    pulses = Pulse.objects.filter(
        checkin__mentorship_id=OuterRef("pk"), checkin__date__gte=since
    ).order_by()
    pulse_sum = pulses.annotate(t=Func(F("score"), function="SUM")).values("t")
    pulse_n = pulses.annotate(n=Func(F("pk"), function="COUNT")).values("n")
    meetings = Meeting.objects.filter(
        mentorship_id=OuterRef("pk"), status=MeetingStatus.SCHEDULED, starts_at__gt=now
    ).order_by("starts_at", "id")
    return (
        with_health_data(Mentorship.objects.filter(pk=mentorship_id), today)
        .annotate(
            pulse_sum=Coalesce(Subquery(pulse_sum, output_field=IntegerField()), Value(0)),
            pulse_n=Coalesce(Subquery(pulse_n, output_field=IntegerField()), Value(0)),
            meeting_at=Subquery(meetings.values("starts_at")[:1]),
        )
        .select_related(None)
        .only("pk")
        .order_by()
    )


def next_checkin_due(mentorship: Mentorship) -> date | None:
    """Last check-in (or the start) plus the program's cadence; None before the start."""
    last = mentorship.checkins.aggregate(d=Max("date"))["d"]
    return health.next_due_on(
        started_on=mentorship.started_on,
        last_checkin_on=last,
        cadence_days=mentorship.program.cadence_days,
    )


# --- the stored health the board reads (checkins.models.MentorshipHealth) -------------------


@dataclass(frozen=True)
class HealthModels:
    """The models the stored health is computed from: the app's own, or a migration's
    historical ones (the data migration fills the table with the same code)."""

    mentorship: type = Mentorship
    checkin: type = CheckIn
    pulse: type = Pulse
    milestone: type = Milestone


def health_snapshots(
    ids: Iterable[int], today: date, models: HealthModels | None = None, *, lock: bool = False
) -> tuple[list[int], list[dict]]:
    """The mentorships found (with `lock`, those locked: FOR NO KEY UPDATE SKIP LOCKED, so
    the ones a writer holds are left out) and the MentorshipHealth fields on `today` of the
    live ones among them (the others have no row), computed by `health.health_state` and
    `health.next_change_on`. Three queries whatever the number: the pairings with their last
    check-in, their milestones grouped, their recent pulses; O(n + milestones + pulses)."""
    m = models or HealthModels()
    last = (
        m.checkin.objects.filter(mentorship=OuterRef("pk"))
        .order_by()
        .values("mentorship")
        .annotate(d=Max("date"))
        .values("d")
    )
    found = m.mentorship.objects.filter(pk__in=list(ids)).order_by("pk")
    if lock:
        found = found.select_for_update(skip_locked=True, no_key=True, of=("self",))
    rows = list(
        found.annotate(last_checkin_on=Subquery(last)).values(
            "pk",
            "program_id",
            "status",
            "started_on",
            "program__meeting_cadence",
            "last_checkin_on",
        )
    )
    pairs = [p for p in rows if p["status"] in LIVE_STATUSES]
    if not pairs:
        return [p["pk"] for p in rows], []
    live = [p["pk"] for p in pairs]
    milestones = {
        row["goal__mentorship_id"]: row
        for row in m.milestone.objects.filter(goal__mentorship_id__in=live)
        .order_by()
        .values("goal__mentorship_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(done_at__isnull=False)),
            due=Count("pk", filter=Q(due_date__lt=today)),
            overdue=Count("pk", filter=Q(due_date__lt=today, done_at__isnull=True)),
            next_due=Min("due_date", filter=Q(due_date__gte=today)),
        )
    }
    since = today - timedelta(days=health.PULSE_WINDOW_DAYS)
    pulses: dict[int, list[int]] = defaultdict(list)
    oldest: dict[int, date] = {}
    for mentorship_id, score, day in m.pulse.objects.filter(
        checkin__mentorship_id__in=live, checkin__date__gte=since
    ).values_list("checkin__mentorship_id", "score", "checkin__date"):
        pulses[mentorship_id].append(score)
        if mentorship_id not in oldest or day < oldest[mentorship_id]:
            oldest[mentorship_id] = day
    return [p["pk"] for p in rows], [
        _snapshot(p, milestones.get(p["pk"]), pulses.get(p["pk"], []), oldest.get(p["pk"]), today)
        for p in pairs
    ]


def _snapshot(
    p: dict, ms: dict | None, pulses: list[int], oldest: date | None, today: date
) -> dict:
    cadence_days = CADENCE_DAYS.get(p["program__meeting_cadence"], 14)
    ms = ms or {"total": 0, "done": 0, "due": 0, "overdue": 0, "next_due": None}
    started_on, last_checkin_on, status = p["started_on"], p["last_checkin_on"], p["status"]
    state = health.health_state(
        today=today,
        started_on=started_on,
        last_checkin_on=last_checkin_on,
        cadence_days=cadence_days,
        recent_pulses=pulses,
        milestones_overdue=ms["overdue"],
        milestones_total=ms["due"],
        status=status,
    )
    reference_on = last_checkin_on or started_on
    next_change_on = health.next_change_on(
        today=today,
        started_on=started_on,
        last_checkin_on=last_checkin_on,
        cadence_days=cadence_days,
        status=status,
        oldest_recent_pulse_on=oldest,
        next_milestone_due_on=ms["next_due"],
    )
    if reference_on is None:  # its sort key is today: right until tomorrow
        tomorrow = today + timedelta(days=1)
        next_change_on = min(next_change_on, tomorrow) if next_change_on else tomorrow
    return {
        "mentorship_id": p["pk"],
        "program_id": p["program_id"],
        "state": state,
        "severity": health.SEVERITY[state],
        "reference_on": reference_on,
        "sort_on": reference_on or today,
        "last_checkin_on": last_checkin_on,
        "next_due_on": health.next_due_on(
            started_on=started_on, last_checkin_on=last_checkin_on, cadence_days=cadence_days
        ),
        "avg_pulse": health.average(pulses),
        "milestones_done": ms["done"],
        "milestones_total": ms["total"],
        "milestones_overdue": ms["overdue"],
        "cadence": p["program__meeting_cadence"],
        "computed_on": today,
        "next_change_on": next_change_on,
    }


def stale_health_ids(today: date, program: Program | None = None) -> list[int]:
    """Mentorships whose stored health is missing or may be wrong on `today`: flagged by a
    change (a new pairing starts flagged) or past their next_change_on; for all programs (the
    sweep), also those computed with another cadence than their program's now. One query; for
    a program, the union of two index ranges as long as what they find: the flagged ones (a
    partial index) and the dated ones (program, next_change_on). A program's other cadence is
    found by `board_counts`, which reads every row anyway."""
    flagged = Mentorship.objects.filter(health_stale=True).order_by()
    stored = MentorshipHealth.objects.order_by()
    if program is None:
        stored = stored.filter(
            Q(next_change_on__lte=today) | ~Q(cadence=F("program__meeting_cadence"))
        )
    else:
        flagged = flagged.filter(program=program)
        stored = stored.filter(program=program, next_change_on__lte=today)
    found = flagged.values_list("pk", flat=True).union(
        stored.values_list("mentorship_id", flat=True)
    )
    return sorted(set(found))


def off_cadence_ids(program: Program) -> list[int]:
    """The program's stored health computed with another meeting cadence than its own now."""
    return list(
        MentorshipHealth.objects.filter(program=program)
        .exclude(cadence=program.meeting_cadence)
        .values_list("mentorship_id", flat=True)
    )


def stored_info(row: MentorshipHealth, today: date) -> HealthInfo:
    """A stored row as the HealthInfo computed afresh would be on `today` (before its
    next_change_on): only the day count is derived, from the reference date."""
    return HealthInfo(
        state=row.state,
        days_since_checkin=(today - row.reference_on).days if row.reference_on else None,
        last_checkin_on=row.last_checkin_on,
        next_due_on=row.next_due_on,
        avg_pulse=row.avg_pulse,
        milestones_done=row.milestones_done,
        milestones_total=row.milestones_total,
        milestones_overdue=row.milestones_overdue,
    )


def _current_changes(program_id) -> Coalesce:
    return Coalesce(
        Subquery(HealthChanges.objects.filter(program_id=program_id).values("changes")[:1]),
        Value(0),
    )


@compiled_rows
def _board_look_rows(program_id: int, today: date) -> QuerySet:
    ids = {"kind": Value(-1), "ident": F("pk"), "at": Value(0), "figures": Value("")}
    flagged = (
        Mentorship.objects.filter(health_stale=True, program_id=program_id)
        .order_by()
        .annotate(**ids)
        .values_list(*ids)
    )
    ids["ident"] = F("mentorship_id")
    dated = (
        MentorshipHealth.objects.filter(program_id=program_id, next_change_on__lte=today)
        .order_by()
        .annotate(**ids)
        .values_list(*ids)
    )
    stored = {
        "kind": Value(-2),
        "ident": F("changes"),
        "at": _current_changes(OuterRef("program_id")),
        "figures": F("counts"),
    }
    figures = (
        HealthFigures.objects.filter(program_id=program_id)
        .order_by()
        .annotate(**stored)
        .values_list(*stored)
    )
    return figures.union(flagged, dated, all=True)


def board_look(program: Program, today: date) -> tuple[list[int], dict[str, int], bool]:
    """`stale_health_ids(today, program)` and `board_counts(program)` in one query (a UNION
    ALL of the stale ids, told apart by a first column of -1, and the counts stored for the
    program, -2, with its change counter now; built once: `core.compiled`): what the board
    reads before its page when nothing is stale and the counts stored are current (most of
    the time). Otherwise the counts are computed afresh and stored (`board_counts`)."""
    stale, stored = set(), None
    for kind, value, at, figures in _board_look_rows(program.pk, today):
        if kind == -1:
            stale.add(value)
        elif value == at:  # stored at the program's change counter as it reads now
            stored = figures
    if stored is None:
        return sorted(stale), *board_counts(program)
    return sorted(stale), *_board_counts(json.loads(stored), program.meeting_cadence)


def _severity_counts(program_id: int, cadence: str) -> QuerySet:
    """The board's counts by their plain definition: (severity, n, of which another cadence
    than `cadence`) of the program's stored health."""
    return (
        MentorshipHealth.objects.filter(program_id=program_id)
        .values_list("severity")
        .annotate(n=Count("pk"), off=Count("pk", filter=~Q(cadence=cadence)))
        .order_by("severity")
    )


@compiled_rows
def _counted_rows(program_id: int) -> QuerySet:
    """(severity, cadence, n) of the program's stored health, and one row (-2, "", its change
    counter) read in the same statement: a program without the row has counted no change."""
    counted = (
        MentorshipHealth.objects.filter(program_id=program_id)
        .order_by()
        .values_list("severity", "cadence")
        .annotate(n=Count("pk"))
    )
    changes = (
        HealthChanges.objects.filter(program_id=program_id)
        .order_by()
        .annotate(kind=Value(-2), none=Value(""))
        .values_list("kind", "none", "changes")
    )
    return counted.union(changes, all=True)


def _store_counts_sql() -> str:
    f = HealthFigures._meta.db_table
    return (
        f"INSERT INTO {f} (program_id, changes, counts) VALUES (%s, %s, %s) "
        "ON CONFLICT (program_id) DO UPDATE SET changes = excluded.changes, "
        f"counts = excluded.counts WHERE {f}.changes <> excluded.changes"
    )


def _board_counts(found, cadence: str) -> tuple[dict[str, int], bool]:
    """(label: n in board order, whether a row has another cadence than `cadence`) of
    (severity, cadence, n) rows."""
    state_of = {severity: state for state, severity in health.SEVERITY.items()}
    by_severity: dict[int, int] = defaultdict(int)
    off_cadence = False
    for severity, computed_with, n in found:
        by_severity[severity] += n
        off_cadence |= computed_with != cadence and n > 0
    counts = {health.LABELS[state_of[s]]: by_severity[s] for s in sorted(by_severity)}
    return counts, off_cadence


def computed_board_counts(program_id: int) -> tuple[list[list], int]:
    """([severity, cadence, n] of the program's stored health, as `HealthFigures.counts`
    stores them, counted afresh by `_counted_rows`; the program's change counter in the same
    statement)."""
    found, changes = [], 0
    for severity, cadence, n in _counted_rows(program_id):
        if severity == -2:
            changes = n
        else:
            found.append([severity, cadence, n])
    return found, changes


def board_counts(program: Program) -> tuple[dict[str, int], bool]:
    """Live pairings per state label, in board order (the ones needing HR first), and whether
    some row was computed with another cadence than the program's (it changed since).

    Counted afresh (one query reading every stored health of the program) with the program's
    change counter (`HealthChanges`, kept by database triggers on every write that can move a
    count) in the same statement, and stored with it (`HealthFigures`): `board_look` reads
    the stored counts while the counter has not moved, whatever the program's size."""
    found, changes = computed_board_counts(program.pk)
    with connection.cursor() as cursor:
        cursor.execute(_store_counts_sql(), [program.pk, changes, json.dumps(found)])
    return _board_counts(found, program.meeting_cadence)


def health_figures_mismatches() -> list[int]:
    """Programs whose stored counts are current (computed at the change counter as it reads
    now) yet differ from a fresh count: none, unless a write escaped the triggers."""
    current = HealthFigures.objects.filter(
        changes=_current_changes(OuterRef("program_id"))
    ).order_by("program_id")
    wrong = []
    for row in current:
        # One row per (severity, cadence), in whatever order the count returned them.
        stored = {(severity, cadence): n for severity, cadence, n in json.loads(row.counts)}
        fresh = computed_board_counts(row.program_id)[0]
        if stored != {(severity, cadence): n for severity, cadence, n in fresh}:
            wrong.append(row.program_id)
    return wrong


class BoardRows:
    """The board's rows as the paginator wants them: the length known (from the counts), a
    page a LIMIT/OFFSET query in board order — state severity, the longest silent first (a
    pairing with neither start nor check-in counts as silent since today), then id — as
    (mentorship, HealthInfo) pairs."""

    def __init__(self, program: Program, total: int, today: date):
        self.program, self.total, self.today = program, total, today
        # The board index's order: a page is the next 50 entries of one index range.
        self.order = ("severity", "sort_on", "mentorship_id")

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[tuple[Mentorship, HealthInfo]]:
        # The page's ids are chosen on the health rows alone (a top-N sort of the program's
        # rows, on its index), and only those 50 are joined to the pairing and both people:
        # one query, instead of joining every row of the program before sorting.
        ids = (
            MentorshipHealth.objects.filter(program=self.program)
            .order_by(*self.order)
            .values("mentorship_id")[window]
        )
        page = (
            MentorshipHealth.objects.filter(mentorship_id__in=ids)
            .select_related("mentorship__mentor", "mentorship__mentee")
            .only(*BOARD_FIELDS)
            .order_by(*self.order)
        )
        return [(row.mentorship, stored_info(row, self.today)) for row in page]


# What a board row shows (a deferred field read while rendering would cost a query per row:
# the tests comparing 3 and 60 pairings would see it).
BOARD_FIELDS = (
    "state",
    "severity",
    "reference_on",
    "last_checkin_on",
    "next_due_on",
    "avg_pulse",
    "milestones_done",
    "milestones_total",
    "milestones_overdue",
    "mentorship__status",
    "mentorship__mentor__full_name",
    "mentorship__mentor__email",
    "mentorship__mentee__full_name",
    "mentorship__mentee__email",
)


def available_templates(program_id: int) -> QuerySet[CheckInTemplate]:
    return CheckInTemplate.objects.filter(
        Q(program__isnull=True) | Q(program_id=program_id), is_retired=False
    ).order_by("program_id", "name")


def timeline_checkins(mentorship: Mentorship, viewer=None) -> QuerySet[CheckIn]:
    """The pair's check-ins, newest first, with their author and template; given `viewer` (one
    of the two), each with `own_pulse`: their own score, None if they gave none (the other
    side's is never read), in the same query. The skills, goals and milestones they name:
    `checkin_links`, one query for a page of them, none when no check-in of the page names
    any (`names_links`, read with them); `pair_has_items`: whether the pair has any action
    item (`timeline_action_items` is not read when it has none)."""
    qs = CheckIn.objects.annotate(
        names_links=_names_links(),
        pair_has_items=Exists(ActionItem.objects.filter(mentorship_id=OuterRef("mentorship_id"))),
    )
    if viewer is not None:
        own = Pulse.objects.filter(checkin=OuterRef("pk"), user=viewer).values("score")[:1]
        qs = qs.annotate(own_pulse=Subquery(own, output_field=IntegerField()))
    return (
        qs.filter(mentorship=mentorship)
        .select_related("author", "template")
        .order_by("-date", "-id")
    )


def timeline_head(mentorship: Mentorship, viewer, n: int) -> list[CheckIn]:
    """The first `n` check-ins of `timeline_checkins(mentorship, viewer)` (the viewer one of
    the two), as it reads them (author, template, `own_pulse`, `names_links`,
    `pair_has_items`), its SQL built once (`core.compiled`): what the mentorship page shows
    of the timeline. `n` at most `TIMELINE_HEAD`."""
    if n > TIMELINE_HEAD:
        raise ValueError(f"timeline_head reads at most {TIMELINE_HEAD} check-ins")
    return _timeline_head(mentorship.pk, viewer.pk)[:n]


# The most the mentorship page asks for: its five check-ins, and one to know there are more.
TIMELINE_HEAD = 6


@compiled_objects
def _timeline_head(mentorship_id: int, viewer_id: int) -> QuerySet[CheckIn]:
    # The viewer by id: `filter(user=...)` takes one.
    return timeline_checkins(Mentorship(pk=mentorship_id), viewer_id)[:TIMELINE_HEAD]


# A check-in's links: (relation, the field shown, the linked model's Meta.ordering as a text
# and a number; a skill's is its category, then the name shown).
_LINKS = (
    ("skills", "skill__name", "skill__category", None),
    ("goals", "goal__title", "goal__target_date", "goal_id"),
    ("milestones", "milestone__title", "milestone__due_date", "milestone_id"),
)


def _names_links() -> ExpressionWrapper:
    """Whether a check-in names a skill, a goal or a milestone."""
    named = [
        Exists(getattr(CheckIn, name).through.objects.filter(checkin_id=OuterRef("pk")))
        for name, *_ in _LINKS
    ]
    return ExpressionWrapper(named[0] | named[1] | named[2], output_field=BooleanField())


def checkin_links(checkin_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """check-in id -> {"skills": names, "goals": titles, "milestones": titles} it names, each
    in its model's order (as a prefetch reads them): the three link tables in one query (a
    UNION ALL), not one each."""
    if not checkin_ids:
        return {}
    rows = _links_union(checkin_ids)
    return _links_by_checkin((r["c"], r["kind"], r["title"]) for r in rows)


def _links_union(checkin_ids) -> QuerySet:
    """The links of these check-ins (ids, or a subquery of them) as rows (c: the check-in,
    kind, title, and the order's columns), ordered as shown."""
    parts = []
    for name, title, first, second in _LINKS:
        through = getattr(CheckIn, name).through
        parts.append(
            through.objects.filter(checkin_id__in=checkin_ids)
            .order_by()
            .values(
                c=F("checkin_id"),
                kind=Value(name, output_field=CharField()),
                title=F(title),
                first=Cast(first, CharField()),
                second=F(second) if second else Value(0, output_field=IntegerField()),
            )
        )
    # Ordered by the database, as the prefetches were (its collation, its place for NULL).
    return parts[0].union(*parts[1:], all=True).order_by("first", "second", "title")


def _links_by_checkin(rows) -> dict[int, dict[str, list[str]]]:
    found: dict[int, dict[str, list[str]]] = {}
    for checkin_id, kind, title, *_order in rows:
        links = found.setdefault(checkin_id, {name: [] for name, *_ in _LINKS})
        links[kind].append(title)
    return found


def _head_ids(mentorship_id: int, n: int) -> QuerySet:
    """The ids of the pair's first `n` check-ins in the timeline's order, as a subquery."""
    return (
        CheckIn.objects.filter(mentorship_id=mentorship_id)
        .order_by("-date", "-id")
        .values("pk")[:n]
    )


# The check-ins the mentorship page shows in full (its timeline_head, less the one read to
# know there are more).
PAGE_CHECKINS = TIMELINE_HEAD - 1


def head_links(mentorship: Mentorship) -> dict[int, dict[str, list[str]]]:
    """`checkin_links` of the pair's first PAGE_CHECKINS check-ins, their SQL built once."""
    return _links_by_checkin(_head_link_rows(mentorship.pk))


@compiled_rows
def _head_link_rows(mentorship_id: int) -> QuerySet:
    # Rows of (c, kind, title, first, second): the columns in the order `values` names them.
    return _links_union(_head_ids(mentorship_id, PAGE_CHECKINS))


def head_action_items(mentorship: Mentorship) -> list[ActionItem]:
    """`timeline_action_items` for the pair's first PAGE_CHECKINS check-ins, SQL built once."""
    return _head_action_items(mentorship.pk)


@compiled_objects
def _head_action_items(mentorship_id: int) -> QuerySet[ActionItem]:
    return (
        ActionItem.objects.filter(mentorship_id=mentorship_id)
        .filter(Q(done_at__isnull=True) | Q(checkin_id__in=_head_ids(mentorship_id, PAGE_CHECKINS)))
        .select_related("owner")
    )


def own_pulses(user, checkin_ids: Iterable[int]) -> dict[int, int]:
    """checkin id -> this user's score; the other side's pulse is never read here."""
    return dict(
        Pulse.objects.filter(user=user, checkin_id__in=list(checkin_ids)).values_list(
            "checkin_id", "score"
        )
    )


def timeline_action_items(mentorship: Mentorship, checkin_ids: list[int]) -> list[ActionItem]:
    """What a timeline shows of the pair's action items, in one query: the open ones (all of
    the pair's) and every item of these check-ins, with their owners, in the items' order."""
    return list(
        ActionItem.objects.filter(mentorship=mentorship)
        .filter(Q(done_at__isnull=True) | Q(checkin_id__in=checkin_ids))
        .select_related("owner")
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


# --- the check-in form's reads (checkins.views.checkin_create, checkins.forms.CheckInForm) ---
#
# Its SQL built once (core.compiled.compiled_rows): for a page this light, building and
# compiling the querysets cost more than running them.


@compiled_rows
def _participant_mentorship_row(pk: int, user_id: int) -> QuerySet:
    return (
        Mentorship.objects.filter(Q(mentor_id=user_id) | Q(mentee_id=user_id), pk=pk)
        .order_by()
        .values_list(
            "pk",
            "program_id",
            "mentor_id",
            "mentee_id",
            "status",
            "program__name",
            "mentor__full_name",
            "mentor__email",
            "mentee__full_name",
            "mentee__email",
        )
    )


def _partial(model, db: str, **values):
    """An instance of `model` with these fields (by attname), the others deferred."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def participant_mentorship(user, pk: int) -> Mentorship | None:
    """The pairing `pk` if `user` is one of its two participants, else None: its ids and
    status, with its program's name and the two people's names and emails (any other field
    is read when first used, as a deferred field). One query, its SQL built once."""
    rows = _participant_mentorship_row(pk, user.pk) if user.pk is not None else []
    if not rows:
        return None
    pk, program_id, mentor_id, mentee_id, status, program_name, *people = rows[0]
    db = Mentorship.objects.db
    mentorship = _partial(
        Mentorship,
        db,
        id=pk,
        program_id=program_id,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        status=status,
    )
    meta = Mentorship._meta
    person = meta.get_field("mentor").related_model
    meta.get_field("program").set_cached_value(
        mentorship, _partial(Program, db, id=program_id, name=program_name)
    )
    for side, person_id, (full_name, email) in (
        ("mentor", mentor_id, people[0:2]),
        ("mentee", mentee_id, people[2:4]),
    ):
        meta.get_field(side).set_cached_value(
            mentorship, _partial(person, db, id=person_id, full_name=full_name, email=email)
        )
    return mentorship


@dataclass(frozen=True, slots=True)
class TemplateRow:
    """An available conversation template, as the check-in form's picker shows it."""

    pk: int
    program_id: int | None
    name: str
    agenda: str


@compiled_rows
def _template_rows(program_id: int) -> QuerySet:
    return available_templates(program_id).values_list("pk", "program_id", "name", "agenda")


def available_template_rows(program_id: int) -> list[TemplateRow]:
    """`available_templates(program_id)` in its order, as plain rows: one query."""
    return [TemplateRow(*row) for row in _template_rows(program_id)]


@compiled_rows
def _relevant_skill_rows(program_id: int, mentor_id: int, mentee_id: int, pair_id: int) -> QuerySet:
    enrolled = EnrolmentSkill.objects.filter(
        enrolment__program_id=program_id, enrolment__user_id__in=[mentor_id, mentee_id]
    ).values("skill_id")
    # Selecting what it is ordered by: DISTINCT adds nothing to the row.
    return (
        Skill.objects.filter(Q(pk__in=enrolled) | Q(goals__mentorship_id=pair_id))
        .distinct()
        .values_list("pk", "name", "category")
    )


@compiled_rows
def _every_skill_row() -> QuerySet:
    return Skill.objects.values_list("pk", "name", "category")


def relevant_skills(mentorship: Mentorship) -> QuerySet[Skill]:
    """Skills the two enrolled with or their goals name (what a submitted check-in may name,
    when there are some; else every skill may be named)."""
    enrolled = EnrolmentSkill.objects.filter(
        enrolment__program_id=mentorship.program_id,
        enrolment__user_id__in=[mentorship.mentor_id, mentorship.mentee_id],
    ).values("skill_id")
    return Skill.objects.filter(Q(pk__in=enrolled) | Q(goals__mentorship=mentorship)).distinct()


def relevant_skill_rows(mentorship: Mentorship) -> tuple[bool, list[tuple[int, str]]]:
    """(whether any was found, (id, name) pairs): `relevant_skills(mentorship)` in its order,
    or, when it finds none, every skill. One query when some are found, two otherwise."""
    rows = _relevant_skill_rows(
        mentorship.program_id, mentorship.mentor_id, mentorship.mentee_id, mentorship.pk
    )
    found = bool(rows)
    return found, [(pk, name) for pk, name, _category in rows or _every_skill_row()]


@compiled_rows
def _goal_rows(pair_id: int) -> QuerySet:
    return Goal.objects.filter(mentorship_id=pair_id).values_list("pk", "title", "status")


def pair_goals(mentorship: Mentorship) -> list[Goal]:
    """The pair's goals in their order: id, title and status (the rest deferred), with their
    skills (prefetched: a second query only when there are goals)."""
    db = Goal.objects.db
    goals = [
        _partial(Goal, db, id=pk, mentorship_id=mentorship.pk, title=title, status=status)
        for pk, title, status in _goal_rows(mentorship.pk)
    ]
    prefetch_related_objects(goals, "skills")
    return goals


@compiled_rows
def _milestone_rows(pair_id: int) -> QuerySet:
    return Milestone.objects.filter(goal__mentorship_id=pair_id).values_list("pk", "title")


def pair_milestone_choices(mentorship: Mentorship) -> list[tuple[int, str]]:
    """(id, title) of the pair's milestones, in their order."""
    return _milestone_rows(mentorship.pk)
