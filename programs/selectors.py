from django.db.models import Count, QuerySet

from .models import Program, Skill, Status


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


