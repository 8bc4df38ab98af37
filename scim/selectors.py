"""Reads for the SCIM service: who the directory sees, and each department's members."""

from __future__ import annotations

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Coalesce

from people.models import Department, User

# Erased people (people.services.person_erase) are gone for the directory too.
VISIBLE = (Q(scim__isnull=True) | Q(scim__removed_at__isnull=True)) & ~Q(
    email__endswith="@erased.invalid"
)


def scim_users() -> QuerySet[User]:
    """Everyone but the people the directory deleted (those stay in Tandem, deactivated)."""
    return (
        User.objects.filter(VISIBLE)
        .annotate(scim_user_name=Coalesce("scim__user_name", "email", output_field=CharField()))
        .select_related("scim", "department")
        .order_by("pk")
    )


def scim_groups() -> QuerySet[Department]:
    return Department.objects.select_related("scim").order_by("pk")


def group_member_ids(department_ids: list[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {pk: [] for pk in department_ids}
    rows = (
        User.objects.filter(VISIBLE, department_id__in=department_ids)
        .order_by("pk")
        .values_list("department_id", "pk")
    )
    for department_id, pk in rows:
        members[department_id].append(pk)
    return members
