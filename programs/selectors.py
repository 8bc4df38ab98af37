from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
)
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from core.counts import counts

from .models import (
    Enrolment,
    EnrolmentSkill,
    EnrolmentStatus,
    Program,
    Skill,
    Status,
)


def coordinated_program(request: HttpRequest, slug: str) -> Program:
    """The program, if the requester coordinates it (as Program.is_coordinator says); 403 for
    everyone else. One query: whether the requester is among its coordinators comes with it."""
    user = request.user
    among = Program.coordinators.through.objects.filter(
        program_id=OuterRef("pk"), user_id=user.pk if user.is_authenticated else None
    )
    program = get_object_or_404(
        Program.objects.annotate(requester_coordinates=Exists(among)), slug=slug
    )
    if not (
        user.is_authenticated
        and user.is_hr_coordinator
        and user.is_active
        and program.requester_coordinates
    ):
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


def pending_approvals(report_ids: Iterable[int] | QuerySet) -> QuerySet[Enrolment]:
    """Enrolments waiting for a manager whose reporting line holds `report_ids` (ids, or a
    queryset of people that stays in SQL)."""
    return (
        Enrolment.objects.filter(user_id__in=report_ids, status=EnrolmentStatus.PENDING)
        .select_related("program", "user", "user__department")
        .prefetch_related(Prefetch("skills", queryset=enrolment_skills()))
        .order_by("created_at")
    )


def team_counts(people: QuerySet, reports: QuerySet) -> tuple[int, int]:
    """(how many `people`, enrolments of `reports` waiting for approval as `pending_approvals`
    finds them) in one query: the team page's list size and its approvals line."""
    found = counts(people=people, waiting=pending_approvals(reports))
    return found["people"], found["waiting"]


def skill_texts(enrolment_ids: Iterable[int]) -> dict[int, str]:
    """enrolment id -> its skills as a list of enrolments shows them ("Python 3→5, SQL 2"), by
    skill name, for the enrolments that have any: one query of plain values (a page of rows,
    no model instances: prefetching them cost a quarter of the enrolment list)."""
    parts: dict[int, list[str]] = {}
    rows = (
        EnrolmentSkill.objects.filter(enrolment_id__in=list(enrolment_ids))
        .order_by("skill__name")
        .values_list("enrolment_id", "skill__name", "level", "target_level")
    )
    for enrolment_id, name, level, target in rows:
        parts.setdefault(enrolment_id, []).append(
            f"{name} {level}" + (f"→{target}" if target else "")
        )
    return {enrolment_id: ", ".join(texts) for enrolment_id, texts in parts.items()}


def enrolment_skills() -> QuerySet[EnrolmentSkill]:
    """Enrolment skills with their skill, by name: for prefetching."""
    return EnrolmentSkill.objects.select_related("skill").order_by("skill__name")


def with_participation(people: Iterable[dict]) -> list[dict]:
    """Team rows (dicts with "pk"), each with "participation": the programs the person takes
    part in, by program name, as (program name, role, status); no goals or notes. One query
    of plain values for the people on the page only."""
    rows = list(people)
    found: dict[int, list[tuple[str, str, str]]] = {}
    enrolments = (
        Enrolment.objects.filter(user_id__in=[row["pk"] for row in rows])
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .order_by("program__name", "pk")
        .values_list("user_id", "program__name", "role", "status")
    )
    for user_id, name, role, status in enrolments:
        found.setdefault(user_id, []).append((name, role, status))
    for row in rows:
        row["participation"] = found.get(row["pk"], [])
    return rows
