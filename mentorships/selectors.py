"""Shared reads about mentorships. List readers annotate so pages run a fixed number of queries."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from core.compiled import compiled_objects, compiled_page
from core.paging import CountedPaginator
from people.models import Department, User
from people.permissions import is_hr
from programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentSkill,
    EnrolmentStatus,
    Program,
    Skill,
)
from programs.selectors import skill_texts

from .models import (
    LIVE_STATUSES,
    Goal,
    Mentorship,
    Milestone,
    PairingChanges,
    PairingFigures,
    ResetRequest,
)


def mentorships_for_participant(user) -> QuerySet[Mentorship]:
    """A person's live mentorships with their program, both people and the agreement."""
    return (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user), status__in=LIVE_STATUSES)
        .select_related("program", "mentor", "mentee", "agreement")
        .order_by("program__name")
    )


def _count(qs: QuerySet) -> Coalesce:
    """A correlated COUNT subquery: several counts on one row without join blow-up."""
    counted = qs.order_by().annotate(c=Func(F("pk"), function="COUNT")).values("c")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _milestone_count(milestones: QuerySet[Milestone]) -> Coalesce:
    """How many of `milestones` (filtered on their own columns) a mentorship's goals hold: a
    count per goal by the index on milestone.goal_id, summed over the mentorship's goals. A
    count joining milestones to goals let PostgreSQL hash-join, scanning every milestone once
    per row shown (≈ 1.4 ms a row on the bench's pairings list)."""
    per_goal = Goal.objects.filter(mentorship=OuterRef("pk")).annotate(
        n=_count(milestones.filter(goal=OuterRef("pk")))
    )
    summed = per_goal.order_by().annotate(s=Func(F("n"), function="SUM")).values("s")
    return Coalesce(Subquery(summed, output_field=IntegerField()), Value(0))


def _progress_counts() -> dict:
    """goal_count, milestones_total and milestones_done, as annotations of a mentorship."""
    return {
        "goal_count": _count(Goal.objects.filter(mentorship=OuterRef("pk"))),
        "milestones_total": _milestone_count(Milestone.objects.all()),
        "milestones_done": _milestone_count(Milestone.objects.filter(done_at__isnull=False)),
    }


def count_subquery(qs: QuerySet) -> Coalesce:
    """The number of rows of `qs` as an expression (a correlated or plain COUNT subquery), to
    read several counts in one query of the caller's."""
    return _count(qs)


def with_progress(qs: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    """Adds goal_count, milestones_total, milestones_done and the next open milestone."""
    milestones = Milestone.objects.filter(goal__mentorship=OuterRef("pk"))
    next_open = milestones.filter(done_at__isnull=True).order_by("due_date", "id")
    return qs.annotate(
        **_progress_counts(),
        next_milestone_title=Subquery(next_open.values("title")[:1]),
        next_milestone_due=Subquery(next_open.values("due_date")[:1]),
    )


def participant_mentorships(user) -> QuerySet[Mentorship]:
    """All of a person's mentorships, running ones first, with progress figures."""
    return with_progress(
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related(
            "program", "mentor", "mentee"
        )
    ).order_by("-started_on", "-created_at")


def _of_participant(user, pk: int) -> QuerySet[Mentorship]:
    if not user.is_authenticated:
        raise Http404("No such mentorship.")
    return Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user), pk=pk).select_related(
        "program", "mentor", "mentee", "agreement"
    )


def _found_or_404(found: Mentorship | None) -> Mentorship:
    if found is None:
        raise Http404("No such mentorship.")
    return found


def mentorship_for_user_or_404(user, pk: int) -> Mentorship:
    """The mentorship if `user` is one of its two participants; 404 for everyone else."""
    return _found_or_404(_of_participant(user, pk).first())


def mentorship_page_for_user_or_404(user, pk: int) -> Mentorship:
    """As mentorship_for_user_or_404, with `open_reset_at`: when `user` last told HR the
    pairing isn't working, if that request is still open (None otherwise); in the same query."""
    open_resets = ResetRequest.objects.filter(
        mentorship=OuterRef("pk"), raised_by=user, resolved_at__isnull=True
    ).order_by("-created_at")
    return _found_or_404(
        _of_participant(user, pk)
        .annotate(open_reset_at=Subquery(open_resets.values("created_at")[:1]))
        .first()
    )


# --- the participant's mentorship page (mentorships:detail) --------------------------------

# Ids beyond a big integer match no row; the ORM says so without asking the database.
_LARGEST_ID = 2**63 - 1


def mentorship_detail_for_user_or_404(user, pk: int) -> Mentorship:
    """As `mentorship_page_for_user_or_404`: the mentorship if `user` is one of its two
    participants (404 for everyone else), with its program, both people, its agreement and
    `open_reset_at`, in one query whose SQL is built once (`core.compiled`)."""
    if not user.is_authenticated or not 0 < pk <= _LARGEST_ID:
        raise Http404("No such mentorship.")
    found = _participant_page(pk, user.pk)
    return _found_or_404(found[0] if found else None)


@compiled_objects
def _participant_page(pk: int, user_id: int) -> QuerySet[Mentorship]:
    open_resets = ResetRequest.objects.filter(
        mentorship=OuterRef("pk"), raised_by_id=user_id, resolved_at__isnull=True
    ).order_by("-created_at")
    return (
        Mentorship.objects.filter(Q(mentor_id=user_id) | Q(mentee_id=user_id), pk=pk)
        .select_related("program", "mentor", "mentee", "agreement")
        .annotate(open_reset_at=Subquery(open_resets.values("created_at")[:1]))
        .order_by()[:1]
    )


def detail_goals(mentorship: Mentorship) -> list[Goal]:
    """The pair's goals for their page, in the goals' order (target date, then id), each with
    `milestone_list` (in the milestones' order), `skill_list` (in the skills' order),
    `milestones_total` and `milestones_done`: what `goals_with_progress` gives through its
    annotations and prefetches. One query without goals, three with; SQL built once."""
    goals = _page_goals(mentorship.pk)
    if not goals:
        return []
    milestones: dict[int, list[Milestone]] = {g.pk: [] for g in goals}
    for milestone in _page_milestones(mentorship.pk):
        milestones[milestone.goal_id].append(milestone)
    skills: dict[int, list] = {g.pk: [] for g in goals}
    for link in _page_goal_skills(mentorship.pk):
        skills[link.goal_id].append(link.skill)
    for goal in goals:
        goal.mentorship = mentorship
        goal.milestone_list = milestones[goal.pk]
        goal.skill_list = skills[goal.pk]
        goal.milestones_total = len(goal.milestone_list)
        goal.milestones_done = sum(1 for m in goal.milestone_list if m.done_at is not None)
    return goals


@compiled_objects
def _page_goals(mentorship_id: int) -> QuerySet[Goal]:
    return Goal.objects.filter(mentorship_id=mentorship_id).order_by("target_date", "id")


@compiled_objects
def _page_milestones(mentorship_id: int) -> QuerySet[Milestone]:
    return Milestone.objects.filter(goal__mentorship_id=mentorship_id).order_by("due_date", "id")


@compiled_objects
def _page_goal_skills(mentorship_id: int) -> QuerySet:
    # Skill.Meta.ordering, then the link's id, as the prefetch reads them.
    return (
        Goal.skills.through.objects.filter(goal__mentorship_id=mentorship_id)
        .select_related("skill")
        .order_by("skill__category", "skill__name", "id")
    )


def coordinated_mentorship_or_404(user, pk: int) -> Mentorship:
    """The mentorship if `user` is an HR coordinator of its program; 404 for everyone else.

    Another program's pairing is private down to its existence (docs/security.md, Refusals):
    pages using this check the HR role first (403), then this (404).
    """
    found = (
        Mentorship.objects.select_related("program", "mentor", "mentee", "replaced_by")
        .filter(pk=pk)
        .first()
    )
    if found is None or not (is_hr(user) and found.program.is_coordinator(user)):
        raise Http404("No such mentorship.")
    return found


def require_participant(mentorship: Mentorship, user) -> None:
    """Services' own check: only the mentor and the mentee may change their mentorship."""
    if not mentorship.is_participant(user):
        raise PermissionDenied("Only the two people in this mentorship can do this.")


def goals_with_progress(mentorship: Mentorship) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(mentorship=mentorship)
        .annotate(
            milestones_total=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
            ),
        )
        .prefetch_related(
            "skills", Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id"))
        )
    )


def goal_titles_with_progress(mentorship: Mentorship) -> QuerySet:
    """For HR: titles, status and counts only — descriptions never leave the database."""
    return (
        Goal.objects.filter(mentorship=mentorship)
        .annotate(
            milestones_total=Count("milestones"),
            milestones_done=Count("milestones", filter=Q(milestones__done_at__isnull=False)),
        )
        .values("id", "title", "status", "target_date", "milestones_total", "milestones_done")
    )


def mentor_load(program: Program) -> dict[int, tuple[int, int]]:
    """mentor user id -> (live mentorships, capacity) for approved mentors (peers count as 1)."""
    enrolments = _approved_mentors(program).values_list("user_id", "role", "capacity")
    live = dict(
        Mentorship.objects.filter(program=program, status__in=LIVE_STATUSES)
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )
    return {
        user_id: (live.get(user_id, 0), 1 if role == EnrolmentRole.PEER else capacity)
        for user_id, role, capacity in enrolments
    }


def _approved_mentors(program: Program | int) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(
        program=program,
        status=EnrolmentStatus.APPROVED,
        role__in=(EnrolmentRole.MENTOR, EnrolmentRole.PEER),
    ).order_by()


def program_pairings(program: Program, *, status: str = "") -> QuerySet[Mentorship]:
    """A program's pairings with what the HR list shows of them (both people, status, source,
    start, goals and milestones, open reset requests), not their whole rows."""
    qs = (
        Mentorship.objects.filter(program=program)
        .select_related("mentor", "mentee")
        .only(
            "pk",
            "status",
            "source",
            "score",
            "started_on",
            "end_reason",
            "mentor__full_name",
            "mentor__email",
            "mentee__full_name",
            "mentee__email",
        )
    )
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(**_pairing_figures()).order_by(*PAIRING_ORDER)


def _pairing_figures() -> dict:
    """goal_count, milestones_total, milestones_done and open_resets (open reset requests), as
    annotations of a mentorship."""
    return {
        **_progress_counts(),
        "open_resets": _count(
            ResetRequest.objects.filter(mentorship=OuterRef("pk"), resolved_at__isnull=True)
        ),
    }


PAIRING_ORDER = ("mentor__full_name", "mentee__full_name", "id")


# What the HR pairings list shows of a pairing, in the order of its rows' values.
PAIRING_COLUMNS = (
    "pk",
    "status",
    "source",
    "score",
    "started_on",
    "end_reason",
    "mentor__full_name",
    "mentor__email",
    "mentee__full_name",
    "mentee__email",
    "goal_count",
    "milestones_total",
    "milestones_done",
    "open_resets",
)
_STARTED_ON = PAIRING_COLUMNS.index("started_on")


def _pairing_list(program_id: int, status: str | None = None) -> QuerySet:
    """`program_pairings` as rows of PAIRING_COLUMNS, in the same order."""
    qs = Mentorship.objects.filter(program_id=program_id)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.annotate(**_pairing_figures()).order_by(*PAIRING_ORDER).values_list(*PAIRING_COLUMNS)


# Built and compiled once per process (core.compiled): building this list's queryset, with its
# four counting subqueries, cost more than running it (≈ 3 ms of a page's 9).
_all_pairings_page = compiled_page(_pairing_list)
_pairings_page_of_status = compiled_page(
    lambda program_id, status: _pairing_list(program_id, status)
)


class PairingRows:
    """A program's pairing list as rows of PAIRING_COLUMNS, read a slice at a time (what a
    paginator asks for; its size comes from the per-status counts)."""

    def __init__(self, program_id: int, status: str = "") -> None:
        self.program_id, self.status = program_id, status

    def __getitem__(self, bounds: slice) -> list[tuple]:
        offset = bounds.start or 0
        limit = bounds.stop - offset
        if self.status:
            rows = _pairings_page_of_status(
                self.program_id, self.status, offset=offset, limit=limit
            )
        else:
            rows = _all_pairings_page(self.program_id, offset=offset, limit=limit)
        return [_with_date(row) for row in rows]


def _with_date(row: tuple) -> tuple:
    # SQLite hands a date over as its ISO text; PostgreSQL as a date.
    started = row[_STARTED_ON]
    if isinstance(started, str):
        return (*row[:_STARTED_ON], date.fromisoformat(started), *row[_STARTED_ON + 1 :])
    return row


def program_pairing_rows(program: Program, *, status: str = "") -> PairingRows:
    """`program_pairings` (what the HR list shows of each pairing, in its order) as rows of
    PAIRING_COLUMNS, read a page at a time by SQL built once."""
    return PairingRows(program.pk, status)


def status_counts(program: Program) -> dict[str, int]:
    return dict(
        Mentorship.objects.filter(program=program)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def _overview_sql() -> str:
    """The pairings page's figures of one program (parameters: `_overview_params`) in one
    statement: its pairings per status, then one row ("#") of three figures read in one pass
    over its approved enrolments, each joined to its live pairings as a mentor counted once
    per mentor (a hash join: not a count per mentor, which read the pairings index once per
    mentor). A mentor's live pairings as a mentor, `l.n`, are missing for one with none, who
    is then also no live mentor for the unpaired figure; mentee_id is never NULL, so NOT IN
    is NOT EXISTS."""
    m, e = Mentorship._meta.db_table, Enrolment._meta.db_table
    live = "status IN (%s, %s, %s)"
    return (
        f"SELECT status, COUNT(*), NULL, NULL FROM {m} WHERE program_id = %s GROUP BY status "
        "UNION ALL "
        "SELECT '#', "
        "COALESCE(SUM(CASE WHEN e.role IN (%s, %s) AND COALESCE(l.n, 0) >= "
        "CASE WHEN e.role = %s THEN 1 ELSE e.capacity END THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN e.role IN (%s, %s) THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN e.role IN (%s, %s) AND l.mentor_id IS NULL AND e.user_id NOT IN "
        f"(SELECT mentee_id FROM {m} WHERE program_id = %s AND {live}) THEN 1 ELSE 0 END), 0) "
        f"FROM {e} e LEFT JOIN (SELECT mentor_id, COUNT(*) AS n FROM {m} "
        f"WHERE program_id = %s AND {live} GROUP BY mentor_id) l ON l.mentor_id = e.user_id "
        "WHERE e.program_id = %s AND e.status = %s"
    )


def _overview_params(program_id: int) -> list:
    mentor, mentee, peer = EnrolmentRole.MENTOR, EnrolmentRole.MENTEE, EnrolmentRole.PEER
    live = [str(s) for s in LIVE_STATUSES]
    return [
        program_id,
        *(str(r) for r in (mentor, peer, peer, mentor, peer, mentee, peer)),
        program_id,
        *live,
        program_id,
        *live,
        program_id,
        str(EnrolmentStatus.APPROVED),
    ]


def _computed_overview_sql() -> str:
    """`_overview_sql` with one more row ("@", the program's change counter): the figures and
    the counter they belong to, read in one statement (one snapshot)."""
    return (
        f"{_overview_sql()} UNION ALL SELECT '@', COALESCE((SELECT changes FROM "
        f"{PairingChanges._meta.db_table} WHERE program_id = %s), 0), NULL, NULL"
    )


def _stored_overview_sql() -> str:
    c, f = PairingChanges._meta.db_table, PairingFigures._meta.db_table
    return (
        f"SELECT COALESCE(c.changes, 0), f.changes, f.statuses, f.mentors_full, f.mentors, "
        f"f.unpaired FROM (SELECT CAST(%s AS BIGINT) AS program_id) p "
        f"LEFT JOIN {c} c ON c.program_id = p.program_id "
        f"LEFT JOIN {f} f ON f.program_id = p.program_id"
    )


def _store_overview_sql() -> str:
    f = PairingFigures._meta.db_table
    return (
        f"INSERT INTO {f} (program_id, changes, statuses, mentors_full, mentors, unpaired) "
        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (program_id) DO UPDATE SET "
        "changes = excluded.changes, statuses = excluded.statuses, "
        "mentors_full = excluded.mentors_full, mentors = excluded.mentors, "
        f"unpaired = excluded.unpaired WHERE {f}.changes <> excluded.changes"
    )


def computed_pairings_overview(program_id: int) -> tuple[tuple, int]:
    """(the pairings page's figures as `pairings_overview` returns them, computed afresh by
    `_overview_sql`; the program's change counter in the same snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute(_computed_overview_sql(), [*_overview_params(program_id), program_id])
        rows = cursor.fetchall()
    counts, figures, changes = {}, (0, 0, 0), 0
    for key, n, mentors, unpaired in rows:
        if key == "#":  # no status is spelled so
            figures = (n, mentors, unpaired)
        elif key == "@":
            changes = int(n)
        else:
            counts[key] = n
    full, total, unpaired = (int(n or 0) for n in figures)
    return (counts, full, total, unpaired), changes


def pairings_overview(program: Program) -> tuple[dict[str, int], int, int, int]:
    """The pairings page's figures: (pairings per status as `status_counts`, approved mentors
    at capacity as `mentor_load` counts them, approved mentors, mentees enrolled without a
    live pairing as `unpaired_mentees`).

    Read from the figures stored for the program (`PairingFigures`) when they were computed at
    the program's change counter as it reads now (`PairingChanges`, kept by database triggers
    on every write to its pairings and enrolments that can move a figure): one query, of two
    rows by primary key, whatever the program's size. Otherwise computed afresh in one query
    (`_overview_sql`, which reads every pairing and approved enrolment of the program) with
    the counter in the same snapshot, and stored for the next reader."""
    with connection.cursor() as cursor:
        cursor.execute(_stored_overview_sql(), [program.pk])
        changes, stored_at, statuses, full, total, unpaired = cursor.fetchone()
    if stored_at is not None and stored_at == changes:
        return json.loads(statuses), full, total, unpaired
    figures, changes = computed_pairings_overview(program.pk)
    counts, full, total, unpaired = figures
    with connection.cursor() as cursor:
        cursor.execute(
            _store_overview_sql(),
            [program.pk, changes, json.dumps(counts), full, total, unpaired],
        )
    return figures


def pairing_figures_mismatches() -> list[int]:
    """Programs whose stored figures are current (computed at the change counter as it reads
    now) yet differ from a fresh count: none, unless a write escaped the triggers."""
    current = PairingFigures.objects.filter(
        changes=Coalesce(
            Subquery(
                PairingChanges.objects.filter(program_id=OuterRef("program_id")).values("changes")[
                    :1
                ]
            ),
            0,
        )
    ).order_by("program_id")
    wrong = []
    for row in current:
        stored = (
            json.loads(row.statuses),
            row.mentors_full,
            row.mentors,
            row.unpaired,
        )
        if stored != computed_pairings_overview(row.program_id)[0]:
            wrong.append(row.program_id)
    return wrong


def open_reset_requests(user) -> QuerySet[ResetRequest]:
    """Open requests in the programs `user` coordinates, oldest first."""
    return (
        ResetRequest.objects.filter(
            resolved_at__isnull=True, mentorship__program__coordinators=user
        )
        .select_related(
            "mentorship__program", "mentorship__mentor", "mentorship__mentee", "raised_by"
        )
        .order_by("created_at", "id")
    )


def unpaired_mentees(program: Program | int) -> QuerySet[Enrolment]:
    live = Mentorship.objects.filter(program=program, status__in=LIVE_STATUSES)
    return (
        Enrolment.objects.filter(
            program=program,
            status=EnrolmentStatus.APPROVED,
            role__in=(EnrolmentRole.MENTEE, EnrolmentRole.PEER),
        )
        .exclude(user_id__in=live.values("mentee_id"))
        .exclude(user_id__in=live.values("mentor_id"))
        .select_related("user")
        .order_by("user__full_name")
    )


def suggested_checkpoints(mentorship: Mentorship, *, today: date | None = None) -> list[date]:
    """Dates between the mentorship's start and the program end on the milestone cadence."""
    from .checkpoints import checkpoint_dates

    start = mentorship.started_on or today or date.today()
    return checkpoint_dates(
        start=start,
        end=mentorship.program.end_date,
        months=3 if mentorship.program.milestone_cadence == "quarterly" else 1,
        not_before=today or date.today(),
    )


# --- HR: a program's enrolments with mentor load and pairing (programs' manage pages) ---


def _live_mentorships(program_field: str, user_field: str, side: str) -> QuerySet:
    return Mentorship.objects.filter(
        program_id=OuterRef(program_field),
        status__in=LIVE_STATUSES,
        **{f"{side}_id": OuterRef(user_field)},
    )


def _load_subquery() -> Subquery:
    live = (
        _live_mentorships("program_id", "user_id", "mentor")
        .order_by()
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(live, output_field=IntegerField()), 0)


def _has_live_mentorship() -> Exists:
    return Exists(_live_mentorships("program_id", "user_id", "mentee")) | Exists(
        _live_mentorships("program_id", "user_id", "mentor")
    )


# What a row of the enrolment list shows.
ENROLMENT_ROW_FIELDS = (
    "pk",
    "role",
    "status",
    "capacity",
    "user__full_name",
    "user__email",
    "user__department__name",
    "load",
    "paired",
)


def program_enrolments(program: Program) -> QuerySet[Enrolment]:
    """Every enrolment of a program with its mentor load and a live pairing's id if it has
    one, by role and name: what the HR enrolment list shows, filtered (`EnrolmentFilter`), a
    page of ENROLMENT_ROW_FIELDS (`.values(...)`, then `enrolment_rows`): the definition the
    list's own read, `enrolment_page`, is tested against. The pairing is two scalar
    subqueries, not an EXISTS, which PostgreSQL would answer by hashing every live pairing of
    every program before showing 50 rows."""
    live_mentee = _live_mentorships("program_id", "user_id", "mentee").values("pk")[:1]
    live_mentor = _live_mentorships("program_id", "user_id", "mentor").values("pk")[:1]
    return (
        Enrolment.objects.filter(program=program)
        .annotate(
            load=_load_subquery(),
            paired=Coalesce(Subquery(live_mentee), Subquery(live_mentor)),
        )
        .order_by("role", "user__full_name", "pk")
    )


def enrolment_rows(enrolments: Iterable[dict]) -> list[dict]:
    """A page of `program_enrolments` values as the list shows them: "paired" a yes or no, and
    "skills_text", the skills (`programs.selectors.skill_texts`, one query). The definition
    the page's own read (`enrolment_page`) is tested against."""
    rows = list(enrolments)
    texts = skill_texts(row["pk"] for row in rows)
    for row in rows:
        row["paired"] = row["paired"] is not None
        row["skills_text"] = texts.get(row["pk"], "")
    return rows


# --- the HR enrolment list, read by SQL written here (`enrolment_page`) ---------------------
#
# The list is ordered by role, then the person's name: a column of another table, so the ORM's
# page query joined every enrolment of the program to its person and sorted them all (at 5,000
# enrolments 9 ms of a page's SQL, growing with the program). Counted per role first (which
# also tells the page which roles it shows and from where), each role's slice is read on its
# own, in one of two ways: for a role of few enrolments, each one's name read by primary key
# and sorted (up to `BY_ENROLMENT_MAX`; PostgreSQL otherwise hashes the whole people table); for a
# large one, a join PostgreSQL may run along the index of people by name (`user_name_order`),
# which stops after the page's rows. Load, pairing, department and skills are read for the
# page's rows only, in the same statement.

ENROLMENT_PAGE_SIZE = 50
# At most this many enrolments of a role (after the filters): name by primary key, sorted.
BY_ENROLMENT_MAX = 1000

_E, _U, _D = Enrolment._meta.db_table, User._meta.db_table, Department._meta.db_table
_ENROLMENT_COLUMNS = "e.id, e.role, e.status, e.capacity, e.user_id"
_PERSON_COLUMNS = "u.full_name, u.email, u.department_id"
_LIVE = [str(s) for s in LIVE_STATUSES]


@dataclass(frozen=True)
class EnrolmentFilters:
    """The enrolment list's filters as its filter form cleaned them ("" or None: not set)."""

    q: str = ""
    role: str = ""
    status: str = ""
    department_id: int | None = None

    @property
    def on_department(self) -> bool:
        return self.department_id is not None


def _enrolment_where(program_id: int, filters: EnrolmentFilters) -> tuple[str, list]:
    """The filters as a WHERE clause on enrolments `e` (joined to their people `u` for a
    department), spelled as the ORM spells them on this database (icontains: its LIKE and
    escaping). The search is a correlated subquery on each enrolment's person: PostgreSQL
    cannot estimate a LIKE's matches and, joining, ran it over the whole people table
    (15,000 people: 50 ms) where the program's enrolments are fewer."""
    where, params = ["e.program_id = %s"], [program_id]
    if filters.role:
        where.append("e.role = %s")
        params.append(filters.role)
    if filters.status:
        where.append("e.status = %s")
        params.append(filters.status)
    if filters.department_id is not None:
        where.append("u.department_id = %s")
        params.append(filters.department_id)
    if filters.q:
        cast = connection.ops.lookup_cast("icontains", "CharField")
        like = connection.operators["icontains"] % "%s"
        where.append(
            f"(SELECT COUNT(*) FROM {_U} su WHERE su.id = e.user_id AND "
            f"({cast % 'su.full_name'} {like} OR {cast % 'su.email'} {like})) > 0"
        )
        pattern = f"%{connection.ops.prep_for_like_query(filters.q)}%"
        params += [pattern, pattern]
    return " AND ".join(where), params


def enrolment_counts_and_departments(
    program: Program, filters: EnrolmentFilters
) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """The enrolments of `program` matching `filters`, counted per role (in the list's order
    of roles: the database's), and every department as `people.selectors.department_choices`
    reads them (for the filter's <select>): one query."""
    where, params = _enrolment_where(program.pk, filters)
    people = f" INNER JOIN {_U} u ON u.id = e.user_id" if filters.on_department else ""
    sql = (
        f"SELECT 'c', e.role, COUNT(*) FROM {_E} e{people} WHERE {where} GROUP BY e.role "
        f"UNION ALL SELECT 'd', name, id FROM {_D} ORDER BY 1, 2, 3"
    )
    counts: dict[str, int] = {}
    departments: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, label, n in cursor.fetchall():
            if kind == "c":
                counts[label] = n
            else:
                departments.append((n, label))
    return counts, departments


def _role_slice(role: str, filters: EnrolmentFilters, program_id: int, n: int) -> tuple:
    """SQL and parameters (without LIMIT and OFFSET's) of one role's enrolments in name order,
    with their people's columns."""
    where, params = _enrolment_where(program_id, replace(filters, role=role))
    if n <= BY_ENROLMENT_MAX and not filters.on_department:
        sql = (
            f"SELECT {_ENROLMENT_COLUMNS}, {_PERSON_COLUMNS} FROM (SELECT {_ENROLMENT_COLUMNS}, "
            f"(SELECT full_name FROM {_U} WHERE id = e.user_id) AS sort_name FROM {_E} e "
            f"WHERE {where} ORDER BY sort_name, e.id LIMIT %s OFFSET %s) e "
            f"INNER JOIN {_U} u ON u.id = e.user_id"
        )
    else:
        sql = (
            f"SELECT {_ENROLMENT_COLUMNS}, {_PERSON_COLUMNS} FROM {_E} e "
            f"INNER JOIN {_U} u ON u.id = e.user_id WHERE {where} "
            "ORDER BY u.full_name, e.id LIMIT %s OFFSET %s"
        )
    return sql, params


def _skills_text_sql() -> str | None:
    """A correlated subquery of enrolment `p`'s skills as `skill_texts` writes them, on
    PostgreSQL (its ordered string_agg); None elsewhere (SQLite's group_concat keeps no
    promised order), where `skill_texts` reads them in a second query."""
    if connection.vendor != "postgresql":
        return None
    return (
        "(SELECT string_agg(k.name || ' ' || es.level::text || CASE WHEN es.target_level IS NULL "
        "OR es.target_level = 0 THEN '' ELSE '→' || es.target_level::text END, ', ' "
        f"ORDER BY k.name) FROM {EnrolmentSkill._meta.db_table} es "
        f"INNER JOIN {Skill._meta.db_table} k ON k.id = es.skill_id WHERE es.enrolment_id = p.id)"
    )


def _enrolment_page_sql(
    program_id: int, slices: list[tuple[str, list, int, int]]
) -> tuple[str, list]:
    """One statement for the page: each role's slice (SQL, parameters, offset, limit), then for
    its rows only, by correlated subqueries (never a hash of a whole table), the department's
    name, the load (live pairings as mentor), whether it is a live mentee, and the skills
    (`_skills_text_sql`), in the list's order."""
    live = ", ".join(["%s"] * len(_LIVE))
    m = Mentorship._meta.db_table
    parts, params = [], []
    for sql, slice_params, offset, limit in slices:
        parts.append(f"SELECT * FROM ({sql}) s")
        params += [*slice_params, limit, offset]
    skills = _skills_text_sql() or "NULL"
    sql = (
        "SELECT p.id, p.role, p.status, p.capacity, p.full_name, p.email, "
        f"(SELECT d.name FROM {_D} d WHERE d.id = p.department_id), "
        f"(SELECT COUNT(*) FROM {m} m WHERE m.program_id = %s AND m.mentor_id = p.user_id "
        f"AND m.status IN ({live})), "
        f"(SELECT COUNT(*) FROM {m} m WHERE m.program_id = %s AND m.mentee_id = p.user_id "
        f"AND m.status IN ({live})), "
        f"{skills} FROM ({' UNION ALL '.join(parts)}) p ORDER BY p.role, p.full_name, p.id"
    )
    return sql, [program_id, *_LIVE, program_id, *_LIVE, *params]


class EnrolmentRows:
    """A program's enrolment list (filtered) as the rows the list shows, read a slice at a
    time (what a paginator asks for), given its counts per role."""

    def __init__(self, program_id: int, filters: EnrolmentFilters, counts: dict[str, int]):
        self.program_id, self.filters, self.counts = program_id, filters, counts

    def __len__(self) -> int:
        return sum(self.counts.values())

    def __getitem__(self, bounds: slice) -> list[dict]:
        start = bounds.start or 0
        stop = min(bounds.stop, len(self))
        slices, first = [], 0
        for role, n in self.counts.items():
            low, high = max(start, first), min(stop, first + n)
            if low < high:
                sql, params = _role_slice(role, self.filters, self.program_id, n)
                slices.append((sql, params, low - first, high - low))
            first += n
        if not slices:
            return []
        sql, params = _enrolment_page_sql(self.program_id, slices)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [
                {
                    "pk": pk,
                    "role": role,
                    "status": status,
                    "capacity": capacity,
                    "user__full_name": name,
                    "user__email": email,
                    "user__department__name": department,
                    "load": load,
                    "paired": mentee > 0 or load > 0,
                    "skills_text": skills or "",
                }
                for pk, role, status, capacity, name, email, department, load, mentee, skills in (
                    cursor.fetchall()
                )
            ]
        if _skills_text_sql() is None:
            texts = skill_texts(row["pk"] for row in rows)
            for row in rows:
                row["skills_text"] = texts.get(row["pk"], "")
        return rows


def enrolment_page(
    program: Program, filters: EnrolmentFilters, number
) -> tuple[Page, list[tuple[int, str]]]:
    """Page `number` (as `Paginator.get_page` takes it) of the HR enrolment list of `program`
    matching `filters`: rows as `enrolment_rows` makes them from `program_enrolments`, in its
    order; and the departments for the filter (`enrolment_counts_and_departments`). Two
    queries."""
    counts, departments = enrolment_counts_and_departments(program, filters)
    rows = EnrolmentRows(program.pk, filters, counts)
    page = CountedPaginator(rows, ENROLMENT_PAGE_SIZE, count=len(rows)).get_page(number)
    return page, departments


PANEL_LIST_SIZE = 10


def enrolment_panel(program: Program) -> dict:
    """The HR summary on the program page: counts, busiest mentors, who still needs a pair."""
    rows = (
        Enrolment.objects.filter(program=program)
        .values("role", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["role"], {})[row["status"]] = row["n"]
    by_role = [
        {
            "role": role,
            "label": EnrolmentRole(role).label,
            "statuses": [
                {"status": s, "label": EnrolmentStatus(s).label, "n": counts[role].get(s, 0)}
                for s in EnrolmentStatus.values
            ],
            "total": sum(counts[role].values()),
        }
        for role in EnrolmentRole.values
        if role in counts
    ]
    approved = Enrolment.objects.filter(program=program, status=EnrolmentStatus.APPROVED)
    mentors = (
        approved.filter(role=EnrolmentRole.MENTOR)
        .select_related("user")
        .annotate(load=_load_subquery())
        .order_by("-load", "user__full_name")
    )
    unpaired = (
        approved.exclude(role=EnrolmentRole.MENTOR)
        .annotate(paired=_has_live_mentorship())
        .filter(paired=False)
        .select_related("user", "user__department")
        .order_by("user__full_name")
    )
    mentor_totals = mentors.aggregate(
        used=Coalesce(Sum("load"), 0), capacity=Coalesce(Sum("capacity"), 0)
    )
    return {
        "by_role": by_role,
        "total": sum(r["total"] for r in by_role),
        "mentors": list(mentors[:PANEL_LIST_SIZE]),
        "mentor_used": mentor_totals["used"],
        "mentor_capacity": mentor_totals["capacity"],
        "unpaired": list(unpaired[:PANEL_LIST_SIZE]),
        "unpaired_count": unpaired.count(),
    }
