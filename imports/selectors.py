from django.db.models import Q, QuerySet

from people.models import User
from people.permissions import is_hr
from programs.models import Program

from .models import ImportBatch, ImportKind


def programs_for_import(user: User) -> QuerySet[Program]:
    return Program.objects.filter(coordinators=user).exclude(status="closed").order_by("name")


def batches_visible_to(user: User) -> QuerySet[ImportBatch]:
    """People imports for every HR coordinator; enrolment imports for that program's
    coordinators."""
    if not is_hr(user):
        return ImportBatch.objects.none()
    return (
        ImportBatch.objects.filter(
            Q(kind=ImportKind.PEOPLE) | Q(kind=ImportKind.ENROLMENTS, program__coordinators=user)
        )
        .select_related("program", "uploaded_by")
        .defer("content", "errors")
    )
