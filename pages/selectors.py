"""The home page's to-do list: what the signed-in person should do next, drawn from every app.

Each source is one query (a slice or a grouped count), so the list costs the same number of
queries for a person with one mentorship and for a coordinator of fifty programs; the
participant's sources, usually empty, are first asked in one query whether they hold anything
(_probe), and only those that do are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone

from checkins.models import ActionItem
from feedback.selectors import pending_invitations, pending_requests
from imports.models import BatchStatus
from imports.selectors import batches_visible_to
from matching.models import MatchingRun, Proposal, ProposalStatus, RunStatus
from mentorships.models import Agreement, Mentorship, MentorshipStatus
from mentorships.selectors import (
    count_subquery,
    mentorships_for_participant,
    open_reset_requests,
)
from outbox.models import EmailStatus, OutgoingEmail
from people.models import User
from people.permissions import is_hr
from people.selectors import (
    direct_reports,
    remember_reporting_path,
    reporting_path_of,
    subtree,
)
from programs.models import CADENCE_DAYS
from programs.selectors import pending_approvals
from reminders.models import AtRiskFlag
from reminders.selectors import open_milestones_of, upcoming_of, with_last_checkin
from selfmatch.selectors import choosable_programs_query, mentor_inbox

# A check-in, milestone or action item shows up this many days before it is due.
DUE_SOON_DAYS = 7
# Rows read from each source; the list shows the most urgent first.
PER_SOURCE = 5
SHOWN = 12


@dataclass(frozen=True)
class Todo:
    text: str
    url: str
    action: str  # the button's words
    role: str  # "participant", "manager" or "hr"
    due: date | None = None
    today: date | None = None
    # A one-tap POST (e.g. marking an action item done) instead of a link.
    post_url: str = ""
    post_fields: tuple[tuple[str, str], ...] = ()

    @property
    def due_text(self) -> str:
        if self.due is None or self.today is None:
            return ""
        days = (self.due - self.today).days
        if days < 0:
            return f"{-days} day{'s' if days != -1 else ''} overdue"
        if days == 0:
            return "due today"
        if days == 1:
            return "due tomorrow"
        return f"due in {days} days"

    @property
    def overdue(self) -> bool:
        return bool(self.due and self.today and self.due < self.today)


@dataclass
class TodoList:
    items: list[Todo] = field(default_factory=list)
    more: bool = False
    # For the empty state: the next check-in, when nothing is due this week.
    next_checkin: tuple[str, date] | None = None
    has_mentorships: bool = False
    is_manager: bool = False
    is_hr: bool = False
    # A manager's: how many people are below them (the home page's "My team").
    team_size: int | None = None


def _order(item: Todo) -> tuple:
    # Dated items by date (overdue first), then the rest in the order they were added.
    return (item.due is None, item.due or date.max)


def _unconfirmed(user, live: list[Mentorship]) -> list[Mentorship]:
    """The active or proposed mentorships among `live` (the person's live mentorships, read
    with their agreement) whose agreement this person hasn't confirmed, oldest first."""
    found = []
    for m in sorted(live, key=lambda m: m.pk):
        if m.status not in (MentorshipStatus.ACTIVE, MentorshipStatus.PROPOSED):
            continue
        try:
            agreement = m.agreement
        except Agreement.DoesNotExist:
            agreement = None
        side = "mentor" if m.mentor_id == user.pk else "mentee"
        if agreement is None or getattr(agreement, f"{side}_confirmed_at") is None:
            found.append(m)
    return found[:PER_SOURCE]


# What the home page and its to-do list read of a live mentorship (the rows have some hundred
# columns in all: reading and compiling them cost more than the rest of the query).
LIVE_FIELDS = (
    "status",
    "mentor_id",
    "mentee_id",
    "started_on",
    "created_at",
    "program__name",
    "program__meeting_cadence",
    "mentor__full_name",
    "mentor__email",
    "mentee__full_name",
    "mentee__email",
    "agreement__mentor_confirmed_at",
    "agreement__mentee_confirmed_at",
)


def live_mentorships(user) -> list[Mentorship]:
    """The person's live mentorships as the home page lists them (program, both people, the
    agreement: LIVE_FIELDS of them), each with its last check-in's day and agreed next
    meeting, which the to-do list's check-ins due are computed from: one query."""
    return list(with_last_checkin(mentorships_for_participant(user)).only(*LIVE_FIELDS))


# What the list shows of each source's rows.
SHOWN_FIELDS = {
    "invitations": ("survey__kind", "survey__closes_on", "survey__program__name"),
    "requests": ("mentee__full_name", "mentee__email", "round__due_on", "round__program__name"),
    "milestones": ("title", "due_date", "goal__mentorship__id"),
    "actions": ("text", "due_date", "mentorship_id"),
    "choosable": ("name", "slug"),
}


def _actions_due(user, *, today: date, soon: date) -> QuerySet:
    return (
        ActionItem.objects.filter(
            owner=user, done_at__isnull=True, mentorship__status=MentorshipStatus.ACTIVE
        )
        .filter(Q(due_date__isnull=True) | Q(due_date__lte=soon))
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


# The to-do list's sources that are empty for most people, each built for one person as
# (user, today=, soon=) -> queryset: _probe asks in one query which of them hold anything, and
# only those are built again and read.
_SOURCES = {
    "invitations": lambda user, today, soon: pending_invitations(user, today=today),
    "requests": lambda user, today, soon: pending_requests(user),
    "milestones": lambda user, today, soon: open_milestones_of(user).filter(due_date__lte=soon),
    "actions": _actions_due,
    "choosable": lambda user, today, soon: choosable_programs_query(user),
}


def _probe_query(user, *, today: date) -> QuerySet:
    """The probe (see _probe) as a values() queryset of the person's row."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    inbox = mentor_inbox(user).order_by()
    first_due = inbox.filter(due_at__isnull=False).order_by("due_at").values("due_at")[:1]
    return (
        User.objects.filter(pk=user.pk)
        .values(
            "reporting_path",
            manages_anyone=Exists(direct_reports(user)),
            inbox_n=count_subquery(inbox),
            inbox_first=Subquery(first_due),
            **{
                f"has_{name}": Exists(build(user, today=today, soon=soon))
                for name, build in _SOURCES.items()
            },
        )
        .order_by()
    )


# Stand-ins no request has (an id no row takes, a day long gone): the probe is built and
# compiled once with them, then run with each request's values in their place.
_ANY_PK = -1_987_654_321
_ANY_DAY = date(1901, 2, 3)
_COMPILED: dict[tuple[str, str], tuple | None] = {}


def _compile(qs: QuerySet, stand_ins: dict) -> tuple | None:
    """(compiler, sql, slots, names, converters) of a values() queryset built with `stand_ins`
    ({stand-in value: its name}): each parameter is a slot, (name, adapt) for a stand-in (adapt:
    the database form of a day, or None) or (None, the constant). None when a stand-in is
    written into the SQL itself rather than passed as a parameter: then it can't be reused."""
    compiler = qs.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if any(str(value) in sql for value in stand_ins):
        return None
    adapt_day = connection.ops.adapt_datefield_value
    forms: dict = {}
    for value, name in stand_ins.items():
        forms[value] = (name, None)
        if isinstance(value, date):
            forms.setdefault(adapt_day(value), (name, adapt_day))
    slots = []
    for param in params:
        try:
            slot = forms.get(param) if not isinstance(param, bool) else None
        except TypeError:  # unhashable: a constant
            slot = None
        slots.append(slot or (None, param))
    if not any(name for name, _ in slots):
        return None
    query = qs.query
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    converters = compiler.get_converters([col for col, _, _ in compiler.select])
    return compiler, sql, slots, names, converters


def _one_row(name: str, build, stand_ins: dict, values: dict) -> dict | None:
    """The one row of the values() queryset `build(stand-in values or None)` for `values`
    ({name: this request's value}). Built and compiled once per process and database with
    `stand_ins` ({stand-in value: name}) when given None, then run with each request's values in
    their place: building and compiling a query of many subqueries cost more than running it.
    Built for `values` each time (`build(values)`) if it can't be reused."""
    key = (name, connection.alias, connection.vendor)
    if key not in _COMPILED:
        _COMPILED[key] = _compile(build(None), stand_ins)
    compiled = _COMPILED[key]
    if compiled is None:
        return build(values).first()
    compiler, sql, slots, names, converters = compiled
    params = [
        constant_or_adapt
        if name is None
        else constant_or_adapt(values[name])
        if constant_or_adapt
        else values[name]
        for name, constant_or_adapt in slots
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    return dict(zip(names, rows[0], strict=True)) if rows else None


def _probe(user, *, today: date) -> dict:
    """One query on the person's own row: whether each source holds anything, the requests
    waiting for them as a mentor (how many, the first deadline), whether they manage anyone,
    and their stored reporting path (remembered for `subtree`, which then reads it no more).
    The query (ten subqueries) is compiled once, with stand-ins for the person and the day."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    any_soon = _ANY_DAY + timedelta(days=DUE_SOON_DAYS)
    row = _one_row(
        "probe",
        lambda v: (
            _probe_query(User(pk=_ANY_PK), today=_ANY_DAY)
            if v is None
            else _probe_query(user, today=today)
        ),
        {_ANY_PK: "pk", _ANY_DAY: "today", any_soon: "soon"},
        {"pk": user.pk, "today": today, "soon": soon},
    )
    row = row or {"reporting_path": "", "manages_anyone": False, "inbox_n": 0, "inbox_first": None}
    remember_reporting_path(user, row["reporting_path"])
    return {**row, "source": lambda name: _SOURCES[name](user, today=today, soon=soon)}


def participant_todos(
    user,
    *,
    today: date,
    live: list[Mentorship] | None = None,
    probe: dict | None = None,
) -> tuple[list[Todo], tuple[str, date] | None, bool]:
    """`live`: the person's live mentorships as `live_mentorships` reads them, when the caller
    has them already (the home page lists them); read here otherwise. `probe`: _probe's
    answer for the sources, when the caller has asked it."""
    items: list[Todo] = []
    soon = today + timedelta(days=DUE_SOON_DAYS)
    if probe is None:
        probe = _probe(user, today=today)
    later: tuple[str, date] | None = None
    if live is None:
        live = live_mentorships(user)
    upcoming = upcoming_of(live, today=today)
    for up in upcoming:
        other = up.mentorship.other_side(user)
        due = up.day if not up.overdue else _overdue_day(up, today)
        if up.day <= soon:
            items.append(
                Todo(
                    text=f"Log a check-in with {other}",
                    url=reverse("checkins:create", args=[up.mentorship.pk]),
                    action="Log a check-in",
                    role="participant",
                    due=due,
                    today=today,
                )
            )
        elif later is None or up.day < later[1]:
            later = (str(other), up.day)

    for m in _unconfirmed(user, live):
        items.append(
            Todo(
                text=f"Confirm your agreement with {m.other_side(user)}",
                url=m.get_absolute_url() + "#agreement",
                action="Read and confirm",
                role="participant",
            )
        )

    def rows(name: str) -> list:
        if not probe.get(f"has_{name}"):
            return []
        return list(probe["source"](name).only(*SHOWN_FIELDS[name])[:PER_SOURCE])

    for inv in rows("invitations"):
        kind = inv.survey.get_kind_display().lower()
        items.append(
            Todo(
                text=f"Answer the {kind} of {inv.survey.program.name}",
                url=reverse("feedback:answer", args=[inv.pk]),
                action="Answer",
                role="participant",
                due=inv.survey.closes_on,
                today=today,
            )
        )
    for req in rows("requests"):
        items.append(
            Todo(
                text=f"Rate {req.mentee}'s skills ({req.round.program.name})",
                url=reverse("feedback:assessment", args=[req.pk]),
                action="Rate",
                role="participant",
                due=req.round.due_on,
                today=today,
            )
        )
    for ms in rows("milestones"):
        items.append(
            Todo(
                text=f"Milestone “{ms.title}”",
                url=ms.goal.mentorship.get_absolute_url() + "#goals",
                action="Open",
                role="participant",
                due=ms.due_date,
                today=today,
            )
        )
    for item in rows("actions"):
        items.append(
            Todo(
                text=item.text,
                url=reverse("checkins:timeline", args=[item.mentorship_id]),
                action="Mark done",
                role="participant",
                due=item.due_date,
                today=today,
                post_url=reverse("checkins:action_toggle", args=[item.pk]),
                post_fields=(("done", "on"), ("next", reverse("home"))),
            )
        )

    if probe["inbox_n"]:
        n = probe["inbox_n"]
        first = probe["inbox_first"]
        items.append(
            Todo(
                text=f"{n} mentee{'s' if n != 1 else ''} asked you to mentor them",
                url=reverse("selfmatch:inbox"),
                action="Answer",
                role="participant",
                due=timezone.localdate(first) if first else None,
                today=today,
            )
        )
    for program in rows("choosable"):
        items.append(
            Todo(
                text=f"Choose your mentor in {program.name}",
                url=reverse("selfmatch:browse", args=[program.slug]),
                action="Choose",
                role="participant",
            )
        )
    return items, later, bool(upcoming)


def _overdue_day(up, today: date) -> date:
    """upcoming_of clamps an overdue day to today; the list says how late it is."""
    anchor = up.mentorship.last_date or up.mentorship.started_on or up.mentorship.created_at.date()
    return anchor + timedelta(days=CADENCE_DAYS[up.mentorship.program.meeting_cadence])


def _team_counts_query(user) -> QuerySet:
    below = subtree(user)
    return (
        User.objects.filter(pk=user.pk)
        .values(
            below_n=count_subquery(below),
            waiting_n=count_subquery(pending_approvals(below).order_by()),
        )
        .order_by()
    )


# A reporting path no one has, for the stand-in manager (see _one_row).
_ANY_PATH = f"/{-_ANY_PK}/{_ANY_PK}/"


def team_counts(user) -> tuple[int, int]:
    """How many people are below the manager, and how many of their enrolments wait for
    approval: one query (two counts on the manager's row; the path is read first unless
    _probe remembered it), compiled once with a stand-in manager (see _one_row)."""
    path = reporting_path_of(user)
    if not path:
        return (0, 0)

    def build(values):
        if values is not None:
            return _team_counts_query(user)
        stand_in = User(pk=_ANY_PK)
        remember_reporting_path(stand_in, _ANY_PATH)
        return _team_counts_query(stand_in)

    below_like = connection.ops.prep_for_like_query(path) + "%"
    row = _one_row(
        "team_counts",
        build,
        {_ANY_PK: "pk", connection.ops.prep_for_like_query(_ANY_PATH) + "%": "below"},
        {"pk": user.pk, "below": below_like},
    )
    return (row["below_n"], row["waiting_n"]) if row else (0, 0)


def manager_todos(user, *, waiting: int | None = None) -> list[Todo]:
    """`waiting`: the enrolments waiting for approval, when the caller counted them."""
    if waiting is None:
        waiting = pending_approvals(subtree(user)).order_by().count()
    if not waiting:
        return []
    return [
        Todo(
            text=f"{waiting} enrolment{'s' if waiting != 1 else ''} from your team to approve",
            url=reverse("programs:approvals"),
            action="Review",
            role="manager",
        )
    ]


def hr_todos(user) -> list[Todo]:
    items: list[Todo] = []
    at_risk = (
        AtRiskFlag.objects.filter(
            resolved_at__isnull=True,
            mentorship__status=MentorshipStatus.ACTIVE,
            mentorship__program__coordinators=user,
        )
        .values("mentorship__program__slug", "mentorship__program__name")
        .annotate(n=Count("mentorship", distinct=True))
        .order_by("mentorship__program__name")[:PER_SOURCE]
    )
    for row in at_risk:
        n = row["n"]
        items.append(
            Todo(
                text=f"{n} pairing{'s' if n != 1 else ''} at risk in "
                f"{row['mentorship__program__name']}",
                url=reverse("checkins:health_board", args=[row["mentorship__program__slug"]]),
                action="See the health board",
                role="hr",
            )
        )

    resets = open_reset_requests(user).order_by().count()
    if resets:
        items.append(
            Todo(
                text=f"{resets} request{'s' if resets != 1 else ''} to reset a pairing",
                url=reverse("mentorships:reset_queue"),
                action="Answer",
                role="hr",
            )
        )

    previewed = batches_visible_to(user).filter(status=BatchStatus.PREVIEWED)
    for batch in previewed.order_by("created_at", "pk")[:PER_SOURCE]:
        items.append(
            Todo(
                text=f"Confirm the import of {batch.filename}",
                url=batch.get_absolute_url(),
                action="Check and confirm",
                role="hr",
            )
        )

    open_proposals = Exists(
        Proposal.objects.filter(run=OuterRef("pk"), status=ProposalStatus.PROPOSED)
    )
    runs = (
        MatchingRun.objects.filter(
            program__coordinators=user, status=RunStatus.SUCCEEDED, published_at__isnull=True
        )
        .filter(open_proposals)
        .select_related("program")
        .order_by("finished_at", "pk")[:PER_SOURCE]
    )
    for run in runs:
        items.append(
            Todo(
                text=f"Review the proposed pairs of run {run.pk} in {run.program.name}",
                url=run.get_absolute_url(),
                action="Review",
                role="hr",
            )
        )

    # The run's publish emails are queued under "run:<pk>" (matching.services.run_email_batch).
    refused = OutgoingEmail.objects.filter(
        status=EmailStatus.REFUSED,
        batch=Concat(Value("run:"), Cast(OuterRef("pk"), CharField())),
    )
    bounced = (
        MatchingRun.objects.filter(program__coordinators=user)
        .filter(Exists(refused))
        .select_related("program")
        .order_by("-pk")[:PER_SOURCE]
    )
    for run in bounced:
        items.append(
            Todo(
                text=f"Emails the mail server refused after run {run.pk} in {run.program.name}",
                url=run.get_absolute_url(),
                action="See and resend",
                role="hr",
            )
        )
    return items


def todo_list(user, *, today: date | None = None, live: list[Mentorship] | None = None) -> TodoList:
    """The signed-in person's to-do list, most urgent first; a fixed number of queries (fewer
    when sources are empty). `live`: as for participant_todos."""
    today = today or timezone.localdate()
    probe = _probe(user, today=today)
    items, later, has_mentorships = participant_todos(user, today=today, live=live, probe=probe)
    manager = bool(probe["manages_anyone"])
    hr = is_hr(user)
    team_size = None
    if manager:
        team_size, waiting = team_counts(user)
        items += manager_todos(user, waiting=waiting)
    if hr:
        items += hr_todos(user)
    items.sort(key=_order)
    return TodoList(
        items=items[:SHOWN],
        more=len(items) > SHOWN,
        next_checkin=later,
        has_mentorships=has_mentorships,
        is_manager=manager,
        is_hr=hr,
        team_size=team_size,
    )
