"""Reads for self-match pages: a mentee's options (filtered), their request, a mentor's inbox
and the requests waiting in a program (HR)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from mentorships.models import LIVE_STATUSES, Mentorship
from people.models import User
from programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentSkill,
    EnrolmentStatus,
    MeetingMode,
    Program,
)
from programs.models import Status as ProgramStatus

from .models import Choice, ChoiceStatus, MatchRequest, Mode, RequestStatus
from .ranking import MentorOption, rank_mentors


def mentee_enrolment(program: Program, user: User) -> Enrolment | None:
    """The user's approved mentee enrolment in the program, if any."""
    return Enrolment.objects.filter(
        program=program, user=user, role=EnrolmentRole.MENTEE, status=EnrolmentStatus.APPROVED
    ).first()


def live_mentorship(program: Program, user: User) -> Mentorship | None:
    return (
        Mentorship.objects.filter(program=program, mentee=user, status__in=LIVE_STATUSES)
        .select_related("mentor")
        .first()
    )


def _choices() -> Prefetch:
    return Prefetch("choices", queryset=Choice.objects.select_related("mentor").order_by("rank"))


def latest_request(program: Program, user: User) -> MatchRequest | None:
    return (
        MatchRequest.objects.filter(program=program, mentee=user)
        .prefetch_related(_choices())
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass
class Filters:
    skill: int | None = None
    department: str = ""
    within_hours: int | None = None
    meeting_mode: str = ""


@dataclass
class Option:
    """A mentor as a mentee sees them: the ranking's option and what the filters look at."""

    ranking: MentorOption
    skills: list[tuple[str, int]] = field(default_factory=list)
    skill_ids: set[int] = field(default_factory=set)
    meeting_mode: str = ""
    meeting_mode_label: str = ""
    hours_apart: float = 0.0
    waiting: int = 0

    def __getattr__(self, name: str):
        return getattr(self.__dict__["ranking"], name)


@dataclass
class Browse:
    options: list[Option]
    total: int
    full: int
    skills: list[tuple[int, str]]
    departments: list[str]
    found: bool


def browse(program: Program, mentee: User, filters: Filters) -> Browse:
    """The mentors `mentee` may ask, best first, narrowed by the filters. Mentors the rules
    rule out are left out without saying why (an avoid list is private)."""
    ranking = rank_mentors(program, mentee)
    mentor_rows = (
        Enrolment.objects.filter(
            program=program, role=EnrolmentRole.MENTOR, status=EnrolmentStatus.APPROVED
        )
        .prefetch_related(
            Prefetch(
                "skills",
                queryset=EnrolmentSkill.objects.select_related("skill").order_by("-level"),
            )
        )
        .only("pk", "user_id", "meeting_mode")
    )
    extra = {e.user_id: e for e in mentor_rows}
    waiting: dict[int, int] = defaultdict(int)
    for mentor_id in Choice.objects.filter(
        request__program=program, status=ChoiceStatus.PENDING
    ).values_list("mentor_id", flat=True):
        waiting[mentor_id] += 1
    options = []
    skills: dict[int, str] = {}
    for o in ranking.options:
        if not o.allowed or o.user_id not in extra:
            continue
        e = extra[o.user_id]
        rows = list(e.skills.all())
        for s in rows:
            skills[s.skill_id] = s.skill.name
        options.append(
            Option(
                ranking=o,
                skills=[(s.skill.name, s.level) for s in rows],
                skill_ids={s.skill_id for s in rows},
                meeting_mode=e.meeting_mode,
                meeting_mode_label=MeetingMode(e.meeting_mode).label,
                hours_apart=abs(o.utc_offset - ranking.mentee_utc_offset),
                waiting=waiting[o.user_id],
            )
        )
    departments = sorted({o.department for o in options})
    shown = [o for o in options if _passes(o, filters)]
    return Browse(
        options=shown,
        total=len(options),
        full=sum(1 for o in shown if o.places_left <= 0),
        skills=sorted(skills.items(), key=lambda kv: kv[1].lower()),
        departments=departments,
        found=ranking.found,
    )


def _passes(option: Option, f: Filters) -> bool:
    if f.skill is not None and f.skill not in option.skill_ids:
        return False
    if f.department and option.department != f.department:
        return False
    if f.within_hours is not None and option.hours_apart > f.within_hours:
        return False
    return not (f.meeting_mode and option.meeting_mode != f.meeting_mode)


# --- mentors ----------------------------------------------------------------------------------


def mentor_inbox(user: User) -> QuerySet[Choice]:
    """Requests waiting for this mentor's answer, soonest deadline first."""
    return (
        Choice.objects.filter(
            mentor=user, status=ChoiceStatus.PENDING, request__status=RequestStatus.OPEN
        )
        .select_related("request__mentee", "request__program")
        .order_by("due_at", "pk")
    )


def mentor_answered(user: User) -> QuerySet[Choice]:
    return (
        Choice.objects.filter(mentor=user, answered_at__isnull=False)
        .exclude(status=ChoiceStatus.WITHDRAWN)
        .select_related("request__mentee", "request__program")
        .order_by("-answered_at", "-pk")
    )


def choice_for_mentor(pk: int, user: User) -> Choice | None:
    """The choice if `user` is its mentor and it was ever put to them; None otherwise."""
    return (
        Choice.objects.filter(pk=pk, mentor=user, sent_at__isnull=False)
        .select_related("request__mentee__department", "request__program")
        .first()
    )


# --- HR ---------------------------------------------------------------------------------------


@dataclass
class Waiting:
    request: MatchRequest
    pending: Choice | None
    age_days: int


def waiting_requests(program: Program) -> list[Waiting]:
    """Open requests of the program, oldest first, with who has them and until when."""
    now = timezone.now()
    rows = (
        MatchRequest.objects.filter(program=program, status=RequestStatus.OPEN)
        .select_related("mentee")
        .prefetch_related(_choices())
        .order_by("created_at", "pk")
    )
    out = []
    for r in rows:
        pending = next((c for c in r.choices.all() if c.status == ChoiceStatus.PENDING), None)
        out.append(Waiting(r, pending, (now - r.created_at).days))
    return out


def recent_requests(program: Program) -> QuerySet[MatchRequest]:
    return (
        MatchRequest.objects.filter(program=program)
        .exclude(status=RequestStatus.OPEN)
        .select_related("mentee", "mentorship__mentor")
        .order_by("-closed_at", "-pk")
    )


def request_counts(program: Program) -> dict[str, int]:
    counts = dict.fromkeys(RequestStatus.values, 0)
    for status in MatchRequest.objects.filter(program=program).values_list("status", flat=True):
        counts[status] += 1
    return counts


def program_mentors(program: Program) -> QuerySet[User]:
    return User.objects.filter(
        enrolments__program=program,
        enrolments__role=EnrolmentRole.MENTOR,
        enrolments__status=EnrolmentStatus.APPROVED,
    ).order_by("full_name", "email")


# --- the home page ----------------------------------------------------------------------------


@dataclass
class Home:
    programs: list[Program]  # where the user may choose a mentor now
    waiting: int  # requests waiting for the user's answer as a mentor


def home(user: User) -> Home:
    """Two queries: open self-match programs the user is a mentee of without a mentor, and the
    requests waiting for them as a mentor."""
    return Home(programs=choosable_programs(user), waiting=mentor_inbox(user).count())


def choosable_programs(user: User) -> list[Program]:
    """Open self-match programs the user is an approved mentee of without a live mentorship:
    where they may choose a mentor now (one query)."""
    return list(choosable_programs_query(user))


def choosable_programs_query(user: User) -> QuerySet[Program]:
    """choosable_programs as a queryset (to test with Exists in a query of the caller's)."""
    live = Mentorship.objects.filter(program=OuterRef("pk"), mentee=user, status__in=LIVE_STATUSES)
    return (
        Program.objects.filter(
            selfmatch_settings__mode__in=(Mode.SELF, Mode.HYBRID),
            selfmatch_settings__closed_at__isnull=True,
            status__in=(ProgramStatus.MATCHING, ProgramStatus.ACTIVE),
            enrolments__user=user,
            enrolments__role=EnrolmentRole.MENTEE,
            enrolments__status=EnrolmentStatus.APPROVED,
        )
        .exclude(Exists(live))
        .order_by("name")
    )
