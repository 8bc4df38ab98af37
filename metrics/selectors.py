"""Every figure on the dashboards, as plain data with the number of people behind it.

Each selector runs a fixed number of queries whatever the size of the organisation: it
aggregates in SQL or loads narrow value lists once and combines them in Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import fmean, median

from django.db.models import Count, F, Max, Q, QuerySet, Sum

from careers import selectors as careers_selectors
from checkins.models import CheckIn, Pulse
from core.dates import add_months
from core.privacy import MIN_GROUP
from feedback.selectors import survey_results_by_program
from learning import selectors as learning_selectors
from mentorships.models import EndReason, Mentorship, MentorshipStatus, ResetRequest
from people.models import User
from people.selectors import ancestor_ids
from programs.models import CADENCE_DAYS, Enrolment, EnrolmentSkill, Program, Skill, SkillCategory

from .models import DashboardSnapshot, OutcomeEvent, OutcomeKind

# A mentorship is on track while its last check-in is no older than this many cadences.
ON_TRACK_CADENCES = 1.5
RESET_REASONS = (EndReason.NOT_WORKING, EndReason.REASSIGNED)
EXPERT_LEVEL = 5


@dataclass(frozen=True)
class Scope:
    """What a dashboard looks at: programs, people and the filters applied to every figure."""

    program_ids: tuple[int, ...] | None = None  # None: every program
    people_ids: frozenset[int] | None = None  # None: everyone; a manager: their subtree
    department_id: int | None = None
    cohort: str | None = None  # program start month, "YYYY-MM"
    date_from: date | None = None
    date_to: date | None = None
    today: date = field(default_factory=date.today)
    # Rows loaded once per request and shared by every selector (not part of the scope's identity).
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def includes_person(self, user_id: int, department_id: int | None) -> bool:
        if self.people_ids is not None and user_id not in self.people_ids:
            return False
        return self.department_id is None or department_id == self.department_id


@dataclass(frozen=True)
class ProgramInfo:
    id: int
    name: str
    slug: str
    start_date: date
    end_date: date
    cadence_days: int

    @property
    def cohort(self) -> str:
        return self.start_date.strftime("%Y-%m")


def scoped_programs(scope: Scope) -> dict[int, ProgramInfo]:
    """The programs behind every figure, after the cohort and date-range filters (one query
    per request for the same filters: the view and its wider views with them share it)."""
    key = ("programs", scope.program_ids, scope.cohort, scope.date_from, scope.date_to)
    return dict(shared(scope, key, lambda: _scoped_programs(scope)))


def _scoped_programs(scope: Scope) -> dict[int, ProgramInfo]:
    qs = Program.objects.all()
    if scope.program_ids is not None:
        qs = qs.filter(pk__in=scope.program_ids)
    if scope.cohort:
        try:
            year, month = (int(p) for p in scope.cohort.split("-"))
            qs = qs.filter(start_date__year=year, start_date__month=month)
        except ValueError:
            qs = qs.none()
    # A program counts in a date range when its window overlaps the range.
    if scope.date_from:
        qs = qs.filter(end_date__gte=scope.date_from)
    if scope.date_to:
        qs = qs.filter(start_date__lte=scope.date_to)
    rows = qs.values_list("id", "name", "slug", "start_date", "end_date", "meeting_cadence")
    return {
        pk: ProgramInfo(pk, name, slug, start, end, CADENCE_DAYS.get(cadence, 14))
        for pk, name, slug, start, end, cadence in rows
    }


def shared(scope: Scope, key: tuple, load):
    """Rows that depend only on `key`, not on the scope's people: loaded once per request and
    also handed to the wider views the dashboard compares itself with (dashboards.Builder)."""
    name = ("shared", *key)
    found = scope.cache.get(name)
    if found is None:
        found = scope.cache[name] = load()
    return found


def unfiltered(scope: Scope, key: tuple, rows: list) -> bool:
    """Are `rows` all of those `shared` loaded under `key`, the scope's people leaving none
    out? Then what is worked out from them is the same in every such view of the request."""
    found = scope.cache.get(("shared", *key))
    return found is not None and len(found) == len(rows)


def _program_key(programs: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(programs))


def _people(
    scope: Scope, ids: Iterable[int] | None = None
) -> dict[int, tuple[int | None, date | None]]:
    """user id -> (department id, hire date), for people inside the scope.

    One query per scope, then served from its cache. Filtering by id happens here in Python:
    a manager's subtree can be thousands of ids, far slower to send to the database.
    """
    population = scope.cache.get("people")
    if population is None:
        qs = User.objects.all()
        if scope.department_id is not None:
            qs = qs.filter(department_id=scope.department_id)
        rows = shared(
            scope,
            ("people", scope.department_id),
            lambda: list(qs.order_by().values_list("pk", "department_id", "hire_date")),
        )
        if scope.people_ids is None:  # the same in every such view of the request
            population = shared(
                scope,
                ("population", scope.department_id),
                lambda: {pk: (dept, hired) for pk, dept, hired in rows},
            )
        else:
            everyone = shared(
                scope,
                ("population", scope.department_id),
                lambda: {pk: (dept, hired) for pk, dept, hired in rows},
            )
            population = _within(everyone, scope.people_ids)
        scope.cache["people"] = population
    if ids is None:
        return population
    return _within(population, ids)


def everyone_in(scope: Scope) -> bool:
    """Does the scope take in everyone (no subtree, no department)? Then every row about
    a person is in it, with no need to look them up."""
    return scope.people_ids is None and scope.department_id is None


def _within(population: dict, ids: Iterable[int]) -> dict:
    """The entries of `population` whose key is in `ids`, looking up the smaller side: a
    manager's subtree of a few hundred against the ids of a whole organisation's rows."""
    if not isinstance(ids, (set, frozenset)):
        ids = set(ids)
    if len(ids) <= len(population):
        return {pk: population[pk] for pk in ids if pk in population}
    return {pk: found for pk, found in population.items() if pk in ids}


# --- participants and the comparison group -------------------------------------------------


@dataclass
class Cohorts:
    """Participants and their matched comparison group, each person with a program window."""

    participants: dict[int, tuple[date, date]]  # user -> (program start, program end)
    comparison: dict[int, tuple[date, date]]


def tenure_bucket(hire_date: date, anchor: date) -> int:
    """Whole years of service on `anchor`: people in the same bucket are within a year."""
    return (anchor - hire_date).days // 365


def _taking_part(scope: Scope) -> list[tuple[int, int]]:
    """(user, program) for every approved enrolment and every side of a pairing past proposal,
    in every program (two queries per scope)."""
    found = scope.cache.get("taking_part")
    if found is None:
        found = list(
            Enrolment.objects.filter(status="approved")
            .order_by()
            .values_list("user_id", "program_id")
        )
        for mentor_id, mentee_id, program_id in (
            Mentorship.objects.exclude(status=MentorshipStatus.PROPOSED)
            .order_by()
            .values_list("mentor_id", "mentee_id", "program_id")
        ):
            found += [(mentor_id, program_id), (mentee_id, program_id)]
        scope.cache["taking_part"] = found
    return found


def _participant_windows(
    scope: Scope, programs: dict[int, ProgramInfo]
) -> dict[int, tuple[date, date]]:
    """user -> the window of their earliest program in scope."""
    windows: dict[int, tuple[date, date]] = {}
    for user_id, program_id in _taking_part(scope):
        p = programs.get(program_id)
        if p is not None and (user_id not in windows or p.start_date < windows[user_id][0]):
            windows[user_id] = (p.start_date, p.end_date)
    return windows


def _everyone_who_took_part(scope: Scope) -> set[int]:
    """Anyone ever enrolled or paired in any program: never in a comparison group."""
    return {user_id for user_id, _program in _taking_part(scope)}


def cohorts(scope: Scope, programs: dict[int, ProgramInfo] | None = None) -> Cohorts:
    """Participants, and non-participants of the same departments and tenure bucket.

    Each non-participant is matched to the earliest participant window they fit (same
    department, same whole years of service at that window's start) and gets that window.
    """
    programs = scoped_programs(scope) if programs is None else programs
    # Neither depends on the scope's people: worked out once per request.
    windows = shared(
        scope, ("windows", _program_key(programs)), lambda: _participant_windows(scope, programs)
    )
    took_part = shared(scope, ("took_part",), lambda: _everyone_who_took_part(scope))
    if everyone_in(scope):
        # A whole organisation: the same groups in every such view of a request or refresh
        # run, without going through its people to key them.
        whole = ("cohorts_of_everyone", _program_key(programs))
        found = scope.cache.get(("shared", *whole))
        if found is not None:
            return found
    everyone = _people(scope)
    # The only people the groups depend on: participants, and whoever could be matched to
    # them. Views with the same such people (a whole organisation and its CEO's subtree, say)
    # get the same groups, worked out once per request.
    relevant = frozenset(
        u
        for u, (dept, hired) in everyone.items()
        if u in windows or (dept is not None and hired is not None and u not in took_part)
    )
    found = shared(
        scope,
        ("cohorts", _program_key(programs), relevant),
        lambda: _cohorts(scope, windows, took_part, everyone),
    )
    if everyone_in(scope):
        scope.cache["shared", *whole] = found
    return found


def _cohorts(
    scope: Scope,
    windows: dict[int, tuple[date, date]],
    took_part: set[int],
    everyone: dict[int, tuple[int | None, date | None]],
) -> Cohorts:
    hired_days = shared(scope, ("hired_days",), lambda: {})
    participants = {u: w for u, w in windows.items() if u in everyone}
    keys: dict[tuple[int | None, int, date], date] = {}
    for user_id, (start, end) in participants.items():
        dept, hired = everyone[user_id]
        if hired is None or dept is None:
            continue
        key = (dept, tenure_bucket(hired, start), start)
        keys[key] = max(end, keys.get(key, end))
    # Day numbers instead of date arithmetic: this loop runs over the whole organisation.
    starts = [(s, s.toordinal()) for s in sorted({k[2] for k in keys})]
    departments = {k[0] for k in keys}
    comparison: dict[int, tuple[date, date]] = {}
    for user_id, (dept, hired) in everyone.items():
        if dept not in departments or hired is None or user_id in took_part:
            continue
        hired_day = hired_days.get(user_id)
        if hired_day is None:
            hired_day = hired_days[user_id] = hired.toordinal()
        for start, start_day in starts:
            if hired_day > start_day:
                continue
            end = keys.get((dept, (start_day - hired_day) // 365, start))
            if end is not None:
                comparison[user_id] = (start, end)
                break
    return Cohorts(participants, comparison)


def _events(
    kinds: Iterable[str], user_ids: Iterable[int], scope: Scope | None = None
) -> dict[int, list[tuple[str, date]]]:
    """user -> [(kind, date)] for the given event kinds (one query).

    Loads the kinds for everyone and keeps `user_ids` in Python: a list of thousands of ids
    in SQL costs more than the narrow rows it would save.
    """
    wanted = set(user_ids)
    found: dict[int, list[tuple[str, date]]] = defaultdict(list)
    if not wanted:
        return found
    kinds = sorted(kinds)
    query = (
        OutcomeEvent.objects.filter(kind__in=kinds)
        .order_by()
        .values_list("employee_id", "kind", "occurred_on")
    )
    rows = query if scope is None else shared(scope, ("events", *kinds), lambda: list(query))
    for user_id, kind, occurred in rows:
        if user_id in wanted:
            found[user_id].append((kind, occurred))
    return found


def _retention(
    group: dict[int, tuple[date, date]], departures: dict[int, list], months: int, today: date
) -> tuple[int, int, Callable[[], frozenset]]:
    """(retained, eligible, who): only people whose window has fully elapsed count.

    Counts people per start date, then looks only at those with a departure. `who()`: the
    (person, window start) of each eligible person, worked out only when asked for.
    """
    ends = {start: add_months(start, months) for start in {w[0] for w in group.values()}}
    per_start = Counter(w[0] for w in group.values())
    eligible = sum(n for start, n in per_start.items() if ends[start] <= today)
    lost = 0
    too_early: set[int] = set()
    for user_id, found in departures.items():
        window = group.get(user_id)
        if window is None or ends[window[0]] > today:
            continue
        start, until = window[0], ends[window[0]]
        left = [d for _k, d in found]
        if any(d <= start for d in left):
            eligible -= 1  # had already left before the program began: not comparable
            too_early.add(user_id)
        elif any(d <= until for d in left):
            lost += 1

    def who() -> frozenset:
        return frozenset(
            (u, w[0]) for u, w in group.items() if ends[w[0]] <= today and u not in too_early
        )

    return eligible - lost, eligible, Once(who)


class Once:
    """`work()` worked out at most once, on the first call. Who stands behind a figure shared
    by every view of a request or refresh run (a whole organisation's groups, say) is then
    worked out once, not once per view comparing itself with it."""

    __slots__ = ("_found", "_work")

    def __init__(self, work: Callable[[], frozenset]) -> None:
        self._work: Callable[[], frozenset] | None = work
        self._found: frozenset | None = None

    def __call__(self) -> frozenset:
        if self._work is not None:
            self._found, self._work = self._work(), None
        return self._found


def _per_groups(scope: Scope, name: str, groups: Cohorts, work: Callable[[], dict]) -> dict:
    """What `work` makes of `groups`, once per request for the same groups (see cohorts)."""
    key = ("shared", name, id(groups))
    found = scope.cache.get(key)
    if found is None or found[0] is not groups:
        found = scope.cache[key] = (groups, work())  # kept with it: its id stays its own
    return found[1]


def rate(count: int, n: int) -> float | None:
    return round(100 * count / n, 1) if n else None


def retention(scope: Scope, *, groups: Cohorts | None = None) -> dict:
    """Retention at 6 and 12 months after program start, participants vs comparison group."""
    groups = groups or cohorts(scope)
    return _per_groups(scope, "retention", groups, lambda: _retention_rows(scope, groups))


def _retention_rows(scope: Scope, groups: Cohorts) -> dict:
    people = set(groups.participants) | set(groups.comparison)
    departures = _events([OutcomeKind.DEPARTURE], people, scope)
    rows = []
    for months in (6, 12):
        row: dict = {"months": months}
        for name, group in (
            ("participants", groups.participants),
            ("comparison", groups.comparison),
        ):
            kept, n, who = _retention(group, departures, months, scope.today)
            row[name] = {"retained": kept, "n": n, "rate": rate(kept, n), "who": who}
        rows.append(row)
    return {
        "rows": rows,
        "participants_n": len(groups.participants),
        "comparison_n": len(groups.comparison),
    }


CAREER_KINDS = (OutcomeKind.PROMOTION, OutcomeKind.INTERNAL_MOVE, OutcomeKind.CERTIFICATION)


def career_outcomes(scope: Scope, *, groups: Cohorts | None = None) -> dict:
    """Share of each group with a promotion, internal move or certification in their window.

    The window is the program's start to its end (or today, if earlier).
    """
    groups = groups or cohorts(scope)
    return _per_groups(scope, "career", groups, lambda: _career_rows(scope, groups))


def _career_rows(scope: Scope, groups: Cohorts) -> dict:
    people = set(groups.participants) | set(groups.comparison)
    events = _events(CAREER_KINDS, people, scope)
    rows = []
    who = {
        name: Once(lambda group=group: frozenset((u, w[0]) for u, w in group.items()))
        for name, group in (
            ("participants", groups.participants),
            ("comparison", groups.comparison),
        )
    }
    named = (("participants", groups.participants), ("comparison", groups.comparison))
    # People with at least one event of each kind in their window, in one pass: only people
    # with events need a look, far fewer than the groups.
    hits: dict[str, Counter] = {name: Counter() for name, _group in named}
    for user_id, found in events.items():
        for name, group in named:
            window = group.get(user_id)
            if window is None:
                continue
            start, until = window[0], min(window[1], scope.today)
            hits[name].update({k for k, d in found if start <= d <= until})
    for kind in CAREER_KINDS:
        row: dict = {"kind": kind, "label": OutcomeKind(kind).label}
        for name, group in named:
            count = hits[name][kind]
            row[name] = {
                "count": count,
                "n": len(group),
                "rate": rate(count, len(group)),
                "who": who[name],
            }
        rows.append(row)
    return {
        "rows": rows,
        "participants_n": len(groups.participants),
        "comparison_n": len(groups.comparison),
    }


def certifications(scope: Scope, *, groups: Cohorts | None = None) -> dict:
    """Certification exams (learning) per group: the pass rate (of people who sat an exam
    from their program's start to today, the share who passed one) and the median days from
    the start of preparation to the first pass (people whose start is known)."""
    groups = groups or cohorts(scope)
    return _per_groups(scope, "certifications", groups, lambda: _certification_rows(scope, groups))


def _certification_rows(scope: Scope, groups: Cohorts) -> dict:
    exams: dict[int, list[tuple]] = defaultdict(list)
    for employee_id, taken_on, passed, prepared_from in shared(
        scope, ("exams",), learning_selectors.exam_rows
    ):
        exams[employee_id].append((taken_on, passed, prepared_from))
    rows: dict[str, dict] = {"pass_rate": {}, "time": {}}
    for name, group in (("participants", groups.participants), ("comparison", groups.comparison)):
        sat: set[int] = set()
        passed: set[int] = set()
        days: dict[int, int] = {}
        for user_id, found in exams.items():
            window = group.get(user_id)
            if window is None:
                continue
            inside = sorted(e for e in found if window[0] <= e[0] <= scope.today)
            if not inside:
                continue
            sat.add(user_id)
            first_pass = next((e for e in inside if e[1]), None)
            if first_pass is None:
                continue
            passed.add(user_id)
            if first_pass[2] is not None:
                days[user_id] = (first_pass[0] - first_pass[2]).days
        rows["pass_rate"][name] = {
            "rate": rate(len(passed), len(sat)),
            "n": len(sat),
            "who": frozenset((u, group[u][0]) for u in sat),
        }
        rows["time"][name] = {
            "rate": round(median(days.values())) if days else None,
            "n": len(days),
            "who": frozenset((u, group[u][0]) for u in days),
        }
    return rows


# --- engagement: check-in activity, resets, pulse ----------------------------------------------


def _mentorship_rows(scope: Scope, programs: dict[int, ProgramInfo]) -> list[tuple]:
    """Mentorships in scope, judged by the mentee's place in the scope (two queries)."""
    qs = Mentorship.objects.filter(program_id__in=list(programs)).exclude(
        status=MentorshipStatus.PROPOSED
    )
    rows = shared(
        scope,
        ("mentorships", _program_key(programs)),
        lambda: list(
            qs.order_by().values_list(
                "pk", "program_id", "mentee_id", "status", "started_on", "ended_on", "end_reason"
            )
        ),
    )
    if everyone_in(scope):
        return rows
    mentees = _people(scope, {r[2] for r in rows}) if rows else {}
    return [r for r in rows if r[2] in mentees]


def _months_between(start: date, end: date) -> float:
    return max((end - start).days, 0) / 30.44


def _per_mentorship(
    name: str,
    scope: Scope,
    programs: dict[int, ProgramInfo] | None,
    work: Callable[[Scope, dict[int, ProgramInfo], list[tuple]], dict],
) -> dict:
    """`work(scope, programs, rows)` over the mentorships in scope. When the scope's people
    leave none of them out (a whole organisation, wider views alike), worked out once per
    request and shared."""
    programs = scoped_programs(scope) if programs is None else programs
    rows = _mentorship_rows(scope, programs)
    if unfiltered(scope, ("mentorships", _program_key(programs)), rows):
        key = (name, _program_key(programs), scope.date_from, scope.date_to)
        return shared(scope, key, lambda: work(scope, programs, rows))
    return work(scope, programs, rows)


def _date_range(qs, field: str, scope: Scope):
    if scope.date_from:
        qs = qs.filter(**{f"{field}__gte": scope.date_from})
    if scope.date_to:
        qs = qs.filter(**{f"{field}__lte": scope.date_to})
    return qs


def checkin_activity(scope: Scope, programs: dict[int, ProgramInfo] | None = None) -> dict:
    """How often pairs meet: mentorships, check-ins (in the date range) per mentorship-month,
    and the share of active mentorships on track (last check-in, or the start, no older than
    ON_TRACK_CADENCES × the program's cadence).

    A mentorship-month runs from its start (or the program's) to its end (or today), clipped
    to the date range, 30.44 days each, at least one month per mentorship. Three queries: the
    mentorships, their mentees, check-ins grouped per mentorship in SQL.
    """
    return _per_mentorship("checkin_activity", scope, programs, _checkin_activity)


def _checkin_activity(scope: Scope, programs: dict[int, ProgramInfo], rows: list[tuple]) -> dict:

    ids = {r[0] for r in rows}
    checkins = _date_range(
        CheckIn.objects.filter(mentorship__program_id__in=list(programs)), "date", scope
    )
    dates = (_program_key(programs), scope.date_from, scope.date_to)
    stats = {
        m: (count, last)
        for m, count, last in shared(
            scope,
            ("checkins", *dates),
            lambda: list(
                checkins.values("mentorship_id")
                .annotate(c=Count("id"), last=Max("date"))
                .values_list("mentorship_id", "c", "last")
            ),
        )
        if m in ids
    }
    total_checkins = sum(c for c, _ in stats.values())
    months = 0.0
    on_track = live = 0
    pairs, live_pairs = set(), set()
    for pk, program_id, mentee, status, started, ended, _reason in rows:
        # What each pairing adds to the figures, first item the person it's about (the
        # mentee): a date range that cuts some of its check-ins changes it (see Builder).
        pairs.add((mentee, pk, stats.get(pk, (0, None))[0]))
        begin = started or programs[program_id].start_date
        stop = ended or scope.today
        if scope.date_from:
            begin = max(begin, scope.date_from)
        if scope.date_to:
            stop = min(stop, scope.date_to)
        months += max(_months_between(begin, stop), 1.0) if stop >= begin else 0.0
        if status == MentorshipStatus.ACTIVE:
            live += 1
            last = stats.get(pk, (0, None))[1] or started or programs[program_id].start_date
            live_pairs.add((mentee, pk, last))
            if (scope.today - last).days <= ON_TRACK_CADENCES * programs[program_id].cadence_days:
                on_track += 1
    return {
        "mentorships": len(rows),
        "checkins": total_checkins,
        "checkins_per_month": round(total_checkins / months, 2) if months else None,
        "live": live,
        "on_track": on_track,
        "on_track_rate": rate(on_track, live),
        # Who stands behind the figures: one tuple per contribution, the person first.
        "who": {"mentorships": frozenset(pairs), "live": frozenset(live_pairs)},
    }


def reset_counts(scope: Scope, programs: dict[int, ProgramInfo] | None = None) -> dict:
    """Pairings that had to be reset: mentorships ended as not working or reassigned (per
    reason, both always listed) and reset requests raised, over the mentorships in scope.

    Three queries: the mentorships, their mentees, reset requests grouped per mentorship.
    """
    return _per_mentorship("reset_counts", scope, programs, _reset_counts)


def _reset_counts(scope: Scope, programs: dict[int, ProgramInfo], rows: list[tuple]) -> dict:
    ids = {r[0] for r in rows}
    reasons = Counter(
        reason
        for _pk, _program, _mentee, status, _start, _end, reason in rows
        if status == MentorshipStatus.ENDED and reason in RESET_REASONS
    )
    resets = ResetRequest.objects.filter(mentorship__program_id__in=list(programs))
    reset_requests = sum(
        n
        for m, n in shared(
            scope,
            ("resets", _program_key(programs)),
            lambda: list(
                resets.values("mentorship_id")
                .annotate(n=Count("id"))
                .values_list("mentorship_id", "n")
            ),
        )
        if m in ids
    )
    return {
        "mentorships": len(rows),
        "resets": [
            {"reason": r, "label": EndReason(r).label, "count": reasons.get(r, 0)}
            for r in RESET_REASONS
        ],
        "reset_requests": reset_requests,
    }


def pulse_summary(scope: Scope, programs: dict[int, ProgramInfo] | None = None) -> dict:
    """How check-ins feel: the mean pulse score (1–5) over every pulse given on a check-in of
    a mentorship in scope (in the date range), how many people gave one, and how many pulses.

    The mean is over pulses, not people. Three queries: the mentorships, their mentees,
    pulses summed per (mentorship, person) in SQL.
    """
    return _per_mentorship("pulse_summary", scope, programs, _pulse_summary)


def _pulse_summary(scope: Scope, programs: dict[int, ProgramInfo], rows: list[tuple]) -> dict:

    ids = {r[0] for r in rows}
    pulses = _date_range(
        Pulse.objects.filter(checkin__mentorship__program_id__in=list(programs)),
        "checkin__date",
        scope,
    )
    pulses = pulses.order_by().values("checkin__mentorship_id", "user_id")
    dates = (_program_key(programs), scope.date_from, scope.date_to)
    score_sum = score_count = 0
    raters: set[int] = set()
    pulse_parts: set[tuple] = set()
    for m, user_id, total, count in shared(
        scope,
        ("pulses", *dates),
        lambda: list(
            pulses.annotate(t=Sum("score"), k=Count("id")).values_list(
                "checkin__mentorship_id", "user_id", "t", "k"
            )
        ),
    ):
        if m in ids:
            score_sum, score_count = score_sum + total, score_count + count
            raters.add(user_id)
            pulse_parts.add((user_id, m, count, total))
    return {
        "pulse_avg": round(score_sum / score_count, 2) if score_count else None,
        "pulse_people": len(raters),
        "pulse_count": score_count,
        "who": {"pulse": frozenset(pulse_parts)},
    }


# --- skills: supply, demand and where knowledge sits ---------------------------------------


def skill_rows(scope: Scope, programs: dict[int, ProgramInfo]) -> list[tuple]:
    """(skill, role, level, target, user, capacity, enrolment) of live enrolments in scope
    (two queries)."""
    qs = EnrolmentSkill.objects.filter(
        enrolment__program_id__in=list(programs), enrolment__status__in=("pending", "approved")
    )
    rows = shared(
        scope,
        ("skill_rows", _program_key(programs)),
        lambda: list(
            qs.order_by().values_list(
                "skill_id",
                "enrolment__role",
                "level",
                "target_level",
                "enrolment__user_id",
                "enrolment__capacity",
                "enrolment_id",
            )
        ),
    )
    if everyone_in(scope):
        return rows
    people = _people(scope, {r[4] for r in rows}) if rows else {}
    return [r for r in rows if r[4] in people]


def _skills(scope: Scope) -> dict[int, tuple[str, str]]:
    """skill id -> (name, category); one query per scope."""
    found = scope.cache.get("skills")
    if found is None:
        found = {
            pk: (name, cat)
            for pk, name, cat in Skill.objects.order_by().values_list("pk", "name", "category")
        }
        scope.cache["skills"] = found
    return found


def supply_demand(
    scope: Scope, programs: dict[int, ProgramInfo] | None = None, rows: list[tuple] | None = None
) -> dict:
    """Per skill and per category: mentees seeking it (and their mean gap) vs mentor places.

    Supply is the summed capacity of mentors offering the skill at level 4 or 5.
    """
    programs = scoped_programs(scope) if programs is None else programs
    rows = skill_rows(scope, programs) if rows is None else rows
    if unfiltered(scope, ("skill_rows", _program_key(programs)), rows):
        # Every live enrolment of these programs (a whole organisation, wider views alike).
        return shared(
            scope, ("supply_demand", _program_key(programs)), lambda: _supply_demand(scope, rows)
        )
    return _supply_demand(scope, rows)


def _supply_demand(scope: Scope, rows: list[tuple]) -> dict:
    skills = _skills(scope)
    seekers: dict[int, set[int]] = defaultdict(set)
    gaps: dict[int, list[int]] = defaultdict(list)
    gap_rows: dict[int, set[tuple]] = defaultdict(set)
    mentors: dict[int, dict[int, int]] = defaultdict(dict)
    for skill_id, role, level, target, user_id, capacity, enrolment_id in rows:
        if role == "mentee":
            seekers[skill_id].add(user_id)
            if target is not None:
                gaps[skill_id].append(target - level)
                gap_rows[skill_id].add((user_id, enrolment_id, target - level))
        elif role == "mentor" and level >= 4:
            mentors[skill_id][user_id] = max(capacity, mentors[skill_id].get(user_id, 0))
    per_skill = []
    for skill_id in sorted(set(seekers) | set(mentors), key=lambda s: skills[s]):
        name, category = skills[skill_id]
        demand, supply = len(seekers[skill_id]), sum(mentors[skill_id].values())
        per_skill.append(
            {
                "skill": name,
                "category": category,
                "demand": demand,
                "mean_gap": round(fmean(gaps[skill_id]), 2) if gaps[skill_id] else None,
                "gap_n": len(gaps[skill_id]),
                "gap_people": len(seekers[skill_id] & {r[0] for r in gap_rows[skill_id]}),
                "supply": supply,
                "mentors": len(mentors[skill_id]),
                "shortfall": demand - supply,
                "who": {
                    "seekers": frozenset((u,) for u in seekers[skill_id]),
                    "gap": frozenset(gap_rows[skill_id]),
                    "mentors": frozenset(mentors[skill_id].items()),
                },
            }
        )
    per_category = []
    for category, label in SkillCategory.choices:
        mine = [r for r in per_skill if r["category"] == category]
        seek = set().union(*(seekers[s] for s, (_n, c) in skills.items() if c == category))
        offer = set().union(*(mentors[s].keys() for s, (_n, c) in skills.items() if c == category))
        demand = sum(r["demand"] for r in mine)
        supply = sum(r["supply"] for r in mine)
        offered = frozenset(
            (u, s, cap)
            for s, (_n, c) in skills.items()
            if c == category
            for u, cap in mentors[s].items()
        )
        per_category.append(
            {
                "category": category,
                "label": label,
                "demand": demand,
                "supply": supply,
                "shortfall": demand - supply,
                "seekers": len(seek),
                "mentors": len(offer),
                "who": {"seekers": frozenset((u,) for u in seek), "mentors": offered},
            }
        )
    invest = [r for r in sorted(per_skill, key=lambda r: -r["shortfall"]) if r["shortfall"] > 0][:5]
    return {"skills": per_skill, "categories": per_category, "invest": invest}


def _reporting_line(
    user_id: int, managers: dict[int, int | None], children: dict[int, list[int]]
) -> set[int]:
    line = ancestor_ids(user_id, managers)
    stack = list(children.get(user_id, []))
    while stack:
        pk = stack.pop()
        if pk not in line:
            line.add(pk)
            stack.extend(children.get(pk, []))
    return line


def knowledge_concentration(
    scope: Scope,
    programs: dict[int, ProgramInfo] | None = None,
    *,
    pairings: bool = True,
    top: int = 3,
    rows: list[tuple] | None = None,
) -> dict:
    """Skills held at expert level by one person or nobody, against how many need them.

    For a single expert, suggests up to `top` people at level 3–4 on that skill outside the
    expert's reporting line (above or below) who could learn from them.
    """
    programs = scoped_programs(scope) if programs is None else programs
    rows = skill_rows(scope, programs) if rows is None else rows
    skills = _skills(scope)
    experts: dict[int, set[int]] = defaultdict(set)
    seekers: dict[int, set[int]] = defaultdict(set)
    candidates: dict[int, dict[int, int]] = defaultdict(dict)
    for skill_id, role, level, _target, user_id, _cap, _enrolment in rows:
        if role == "mentor" and level >= EXPERT_LEVEL:
            experts[skill_id].add(user_id)
        if role == "mentee":
            seekers[skill_id].add(user_id)
        if 3 <= level <= 4:
            candidates[skill_id][user_id] = max(level, candidates[skill_id].get(user_id, 0))
    # Careers: a skill many work roles require but one expert holds is flagged first.
    required_by = shared(scope, ("roles_requiring",), careers_selectors.roles_requiring)
    concentrated = [s for s in skills if len(experts[s]) <= 1 and (seekers[s] or experts[s])]
    people: dict[int, str] = {}
    managers: dict[int, int | None] = {}
    if pairings and concentrated:
        wanted = set().union(
            *(experts[s] for s in concentrated), *(candidates[s].keys() for s in concentrated)
        )
        for pk, name, manager_id in User.objects.order_by().values_list(
            "pk", "full_name", "manager_id"
        ):
            managers[pk] = manager_id
            if pk in wanted:
                people[pk] = name
    children: dict[int, list[int]] = defaultdict(list)
    for pk, manager_id in managers.items():
        if manager_id is not None:
            children[manager_id].append(pk)
    result = []

    def rank(s: int) -> tuple:
        sole = required_by.get(s, 0) if len(experts[s]) == 1 else 0
        return (-sole, -len(seekers[s]), skills[s])

    for skill_id in sorted(concentrated, key=rank):
        name, category = skills[skill_id]
        row = {
            "skill": name,
            "category": category,
            "experts": len(experts[skill_id]),
            "needed_by": len(seekers[skill_id]),
            "required_by_roles": required_by.get(skill_id, 0),
            "skill_id": skill_id,
            "expert": None,
            "expert_id": None,
            "suggested": [],
            "who": frozenset((u,) for u in seekers[skill_id]),
        }
        if pairings and len(experts[skill_id]) == 1:
            (expert,) = experts[skill_id]
            line = _reporting_line(expert, managers, children) | {expert}
            ranked = sorted(
                (u for u in candidates[skill_id] if u not in line),
                key=lambda u: (-candidates[skill_id][u], people.get(u, "")),
            )[:top]
            row["expert"] = people.get(expert)
            row["expert_id"] = expert
            row["suggested"] = [
                {"name": people.get(u), "level": candidates[skill_id][u]} for u in ranked
            ]
        result.append(row)
    return {"skills": result}


# --- careers: progress toward target roles, moves along career paths --------------------------


def target_roles(scope: Scope, programs: dict[int, ProgramInfo], groups: Cohorts) -> dict:
    """Per program: mentees with a target role and the mean share of its required skills they
    met when they chose it and now (careers). And participants whose promotion or internal
    move, in their program window, went along a career path (from and to role titles)."""
    people = _people(scope)
    progress = shared(
        scope,
        ("target_progress", _program_key(programs)),
        lambda: careers_selectors.target_progress(programs),
    )
    rows = [r for r in progress if r[1] in people]
    per_program: dict[int, list[tuple[int, float, float]]] = defaultdict(list)
    for program_id, user_id, met0, req0, met, req in rows:
        start = met0 / req0 if req0 else 0.0
        now = met / req if req else 0.0
        per_program[program_id].append((user_id, start, now))
    out = []
    for program_id, found in sorted(per_program.items(), key=lambda kv: programs[kv[0]].name):
        out.append(
            {
                "label": programs[program_id].name,
                "n": len(found),
                "start": round(100 * fmean(f[1] for f in found), 1),
                "now": round(100 * fmean(f[2] for f in found), 1),
                "who": frozenset((f[0], program_id) for f in found),
            }
        )
    paths = shared(scope, ("path_moves",), careers_selectors.path_moves)
    moved: set[int] = set()
    if paths and groups.participants:
        # Every move once per request (a few thousand rows), kept for the participants here.
        moves = shared(
            scope,
            ("role_moves",),
            lambda: list(
                OutcomeEvent.objects.filter(
                    kind__in=(OutcomeKind.PROMOTION, OutcomeKind.INTERNAL_MOVE)
                )
                .order_by()
                .values_list("employee_id", "occurred_on", "from_role", "to_role")
            ),
        )
        for user_id, occurred, old, new in moves:
            window = groups.participants.get(user_id)
            if window is None:
                continue
            in_window = window[0] <= occurred <= min(window[1], scope.today)
            if in_window and (old.strip().lower(), new.strip().lower()) in paths:
                moved.add(user_id)
    n = len(groups.participants)
    return {
        "programs": out,
        "moves": {
            "count": len(moved),
            "n": n,
            "rate": rate(len(moved), n),
            "who": Once(lambda: frozenset((u, w[0]) for u, w in groups.participants.items())),
        },
    }


# --- skill growth -------------------------------------


def skill_growth(scope: Scope, programs: dict[int, ProgramInfo] | None = None) -> dict | None:
    """Mean change from baseline to the latest later rating, per skill/program/cohort and rater
    role.
    """
    from . import growth  # growth reads this module's shared per-request data

    programs = scoped_programs(scope) if programs is None else programs
    return growth.skill_growth(scope, programs, _people, _skills(scope))


# --- feedback surveys -------------------------------------------------


def survey_feedback(
    programs: dict[int, ProgramInfo], *, min_group: int = MIN_GROUP
) -> list[dict] | None:
    """Per program, by name: the survey results from feedback.selectors (five queries in all)."""
    results = survey_results_by_program(programs, min_group=min_group)
    return [
        {"program": programs[pk].name, "results": results[pk]}
        for pk in sorted(programs, key=lambda pk: programs[pk].name)
    ]


def cohort_choices(program_ids: tuple[int, ...] | None) -> list[str]:
    qs = (
        Program.objects.all() if program_ids is None else Program.objects.filter(pk__in=program_ids)
    )
    return sorted(
        {d.strftime("%Y-%m") for d in qs.values_list("start_date", flat=True)}, reverse=True
    )


def outcome_counts(kinds: Iterable[str] | None = None) -> dict[str, int]:
    qs = OutcomeEvent.objects.all()
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return dict(qs.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))


# --- The team dashboard's totals ------------------------------------------------------------


@dataclass(frozen=True)
class TeamTotals:
    """Counts across a manager's whole team that need no suppression: who takes part, how many
    pairings run and how many check-ins were logged (no rating, pulse or answer is behind
    them, and the team page already lists who takes part)."""

    people: int
    taking_part: int
    live_mentorships: int
    checkins_last_30: int
    checkins_previous_30: int
    hours_last_90: float

    @property
    def trend(self) -> str:
        if self.checkins_last_30 > self.checkins_previous_30:
            return "up"
        if self.checkins_last_30 < self.checkins_previous_30:
            return "down"
        return "steady"


def team_totals(
    people_ids: frozenset[int] | QuerySet, today: date, *, size: int | None = None
) -> TeamTotals:
    """Three queries whatever the size of the team. `people_ids`: the ids, or a queryset of
    the team (used as a subquery, the ids never leave the database; then `size` is the
    team's size)."""
    ids = people_ids.values("pk") if isinstance(people_ids, QuerySet) else list(people_ids)
    taking_part = (
        Enrolment.objects.filter(user_id__in=ids, status="approved")
        .values("user_id")
        .distinct()
        .count()
    )
    theirs = Q(mentor_id__in=ids) | Q(mentee_id__in=ids)
    live = Mentorship.objects.filter(
        theirs,
        status__in=(MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED),
    ).count()
    checkins = CheckIn.objects.filter(
        Q(mentorship__mentor_id__in=ids) | Q(mentorship__mentee_id__in=ids)
    )
    found = checkins.aggregate(
        last=Count("id", filter=Q(date__gt=today - timedelta(days=30), date__lte=today)),
        previous=Count(
            "id",
            filter=Q(date__gt=today - timedelta(days=60), date__lte=today - timedelta(days=30)),
        ),
        minutes=Sum(
            "duration_minutes",
            filter=Q(date__gt=today - timedelta(days=90), date__lte=today),
        ),
    )
    return TeamTotals(
        people=size if size is not None else len(ids),
        taking_part=taking_part,
        live_mentorships=live,
        checkins_last_30=found["last"],
        checkins_previous_30=found["previous"],
        hours_last_90=round((found["minutes"] or 0) / 60, 1),
    )


# --- Dashboards built once a day (metrics.snapshots) ----------------------------------------


def subtree_fingerprint(team: QuerySet) -> list[int]:
    """snapshots.fingerprint of a manager's subtree, from SQL (one query, no ids fetched)."""
    found = team.order_by().aggregate(
        n=Count("pk"), total=Sum("pk"), squares=Sum(F("pk") * F("pk"))
    )
    return [found["n"] or 0, int(found["total"] or 0), int(found["squares"] or 0)]


def dashboard_snapshot(key: str) -> DashboardSnapshot | None:
    """The stored view under `key`, without its spec (one query)."""
    return (
        DashboardSnapshot.objects.filter(key=key)
        .only("payload", "data_day", "computed_at", "refresh_requested_at")
        .first()
    )


def default_dashboard_views() -> list:
    """Every unfiltered dashboard someone can open, once each (the morning refresh builds
    them): leadership; each HR coordinator's programs dashboard and each of their programs'
    dashboards (coordinators of the same programs share them); every manager's team."""
    from .dashboards import Audience
    from .snapshots import View

    every = tuple(sorted(Program.objects.values_list("pk", flat=True)))
    views = [View(Audience.LEADERSHIP, every, every)]
    sets: dict[int, set[int]] = {
        pk: set()
        for pk in User.objects.filter(is_hr_coordinator=True, is_active=True).values_list(
            "pk", flat=True
        )
    }
    for user_id, program_id in Program.coordinators.through.objects.filter(
        user_id__in=list(sets)
    ).values_list("user_id", "program_id"):
        sets[user_id].add(program_id)
    seen = set()
    for programs in sorted({tuple(sorted(s)) for s in sets.values()}):
        for view in [
            View(Audience.HR, programs, programs),
            *[View(Audience.HR, (pk,), programs) for pk in programs if len(programs) > 1],
        ]:
            if view not in seen:
                seen.add(view)
                views.append(view)
    managers = (
        User.objects.filter(is_active=True, reports__is_active=True)
        .distinct()
        .order_by("pk")
        .values_list("pk", "reporting_path")
    )
    views += [
        View(Audience.MANAGER, every, every, manager_id=pk, manager_path=path)
        for pk, path in managers
    ]
    return views
