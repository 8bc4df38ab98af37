from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentSkill,
    EnrolmentStatus,
    Program,
    Skill,
    Status,
)


def coordinated_program(request: HttpRequest, slug: str) -> Program:
    """The program, if the requester coordinates it; 403 for everyone else."""
    program = get_object_or_404(Program, slug=slug)
    if not program.is_coordinator(request.user):
        raise PermissionDenied("You don't coordinate this program.")
    return program


def visible_program(request: HttpRequest, slug: str) -> Program:
    """The program, if the requester may see it; 404 for everyone else."""
    program = get_object_or_404(Program, slug=slug)
    if not program_visible_to(request.user, program):
        raise Http404("No such program.")
    return program


def own_enrolment(request: HttpRequest, slug: str) -> Enrolment:
    """The requester's own enrolment in a program they may see; 404 otherwise."""
    program = visible_program(request, slug)
    return get_object_or_404(
        Enrolment.objects.select_related("program"), program=program, user=request.user
    )


def programs_for_coordinator(user) -> QuerySet[Program]:
    return (
        Program.objects.filter(coordinators=user)
        .annotate(
            enrolment_count=Count("enrolments", distinct=True),
        )
        .order_by("-start_date", "name")
    )


def open_programs() -> QuerySet[Program]:
    return Program.objects.filter(status=Status.ENROLLING).order_by("start_date", "name")


def skills_with_usage() -> QuerySet[Skill]:
    return Skill.objects.annotate(
        usage=Count("goals", distinct=True),
    ).order_by("category", "name")


def program_visible_to(user, program: Program) -> bool:
    """Anyone signed in sees a published program's public page; drafts only its coordinators."""
    return program.status != Status.DRAFT or program.is_coordinator(user)




# --- enrolments --------------------------------------------------------------------------


def enrolment_for(user, program: Program) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(program=program, user=user).first()


def enrolments_of(user) -> QuerySet[Enrolment]:
    return (
        Enrolment.objects.filter(user=user)
        .select_related("program")
        .order_by("-program__start_date", "program__name")
    )


def pending_approvals(report_ids: set[int]) -> QuerySet[Enrolment]:
    """Enrolments waiting for a manager whose reporting line holds `report_ids`."""
    return (
        Enrolment.objects.filter(user_id__in=report_ids, status=EnrolmentStatus.PENDING)
        .select_related("program", "user", "user__department")
        .prefetch_related(Prefetch("skills", queryset=_skills_qs()))
        .order_by("created_at")
    )


def _skills_qs() -> QuerySet[EnrolmentSkill]:
    return EnrolmentSkill.objects.select_related("skill").order_by("skill__name")


def _live_mentorships(program_field: str, user_field: str, side: str) -> QuerySet:
    from mentorships.models import LIVE_STATUSES, Mentorship

    return Mentorship.objects.filter(
        program_id=OuterRef(program_field), status__in=LIVE_STATUSES,
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


def program_enrolments(program: Program) -> QuerySet[Enrolment]:
    """Every enrolment of a program with its mentor load and whether it is paired."""
    return (
        Enrolment.objects.filter(program=program)
        .select_related("user", "user__department")
        .prefetch_related(Prefetch("skills", queryset=_skills_qs()))
        .annotate(load=_load_subquery(), paired=_has_live_mentorship())
        .order_by("role", "user__full_name", "pk")
    )


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


def team_participation(report_ids: set[int]) -> Prefetch:
    """Prefetch for team rows: the programs each report takes part in, no goals or notes."""
    return Prefetch(
        "enrolments",
        queryset=Enrolment.objects.exclude(status=EnrolmentStatus.WITHDRAWN)
        .filter(user_id__in=report_ids)
        .select_related("program")
        .only("pk", "user_id", "role", "status", "program__name", "program__slug",
              "program__status")
        .order_by("program__name"),
        to_attr="participation",
    )
