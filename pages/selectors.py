"""The home page's to-do list: what the signed-in person should do next, drawn from every app.

Each source is one query (a slice or a grouped count), so the list costs the same number of
queries for a person with one mentorship and for a coordinator of fifty programs; the
participant's sources, usually empty, are first asked in one query whether they hold anything
(_probe), and only those that do are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from checkins.models import ActionItem
from core.compiled import compiled_rows
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
    below_path,
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


def _probe_query(user, *, today: date, soon: date) -> QuerySet:
    """The probe (see _probe) as a values() queryset of the person's row."""
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


# The probe's columns, in the order of its SELECT (the row's field, then the annotations).
PROBE_COLUMNS = (
    "reporting_path",
    "manages_anyone",
    "inbox_n",
    "inbox_first",
    *(f"has_{name}" for name in _SOURCES),
)


# Its yes/no columns (SQLite hands them over as 0 and 1).
_PROBE_FLAGS = ("manages_anyone", *(f"has_{name}" for name in _SOURCES))


@compiled_rows
def _probe_rows(pk: int, today: date, soon: date) -> QuerySet:
    # Ten subqueries: building and compiling them cost more than running them (core.compiled).
    return _probe_query(User(pk=pk), today=today, soon=soon).values_list(*PROBE_COLUMNS)


def _probe(user, *, today: date) -> dict:
    """One query on the person's own row: whether each source holds anything, the requests
    waiting for them as a mentor (how many, the first deadline), whether they manage anyone,
    and their stored reporting path (remembered for `subtree`, which then reads it no more).
    Its SQL is built once (core.compiled). "source": a source's queryset by name, to read
    those that hold something."""
    soon = today + timedelta(days=DUE_SOON_DAYS)
    rows = _probe_rows(user.pk, today, soon)
    if rows:
        row = dict(zip(PROBE_COLUMNS, rows[0], strict=True))
        # Plain values as the database hands them over: SQLite's are 0/1 and text.
        row.update((name, bool(row[name])) for name in _PROBE_FLAGS)
        row["inbox_first"] = _aware(row["inbox_first"])
    else:
        row = {"reporting_path": "", "manages_anyone": False, "inbox_n": 0, "inbox_first": None}
    remember_reporting_path(user, row["reporting_path"])
    return {**row, "source": lambda name: _SOURCES[name](user, today=today, soon=soon)}


def _aware(value: datetime | str | None) -> datetime | None:
    """A timestamp read without the ORM: SQLite's is text in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


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


def _team_counts_query(pk: int, path: str) -> QuerySet:
    """The two counts of team_counts on the manager's row, for the manager `pk` at `path`."""
    below = below_path(path, pk)
    return (
        User.objects.filter(pk=pk)
        .annotate(
            below_n=count_subquery(below),
            waiting_n=count_subquery(pending_approvals(below).order_by()),
        )
        .values_list("below_n", "waiting_n")
        .order_by()
    )


_team_counts_rows = compiled_rows(_team_counts_query)


def team_counts(user) -> tuple[int, int]:
    """How many people are below the manager, and how many of their enrolments wait for
    approval: one query (two counts on the manager's row; the path is read first unless
    _probe remembered it), its SQL built once (core.compiled)."""
    path = reporting_path_of(user)
    rows = _team_counts_rows(user.pk, path) if path else []
    return tuple(rows[0]) if rows else (0, 0)


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
