"""Reads about people and reporting lines that several pages share."""

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import User


def _subtree_sql() -> str:
    """Everyone below one manager, walked in the database: a recursive CTE over the indexed
    `manager_id` (PostgreSQL and SQLite both run it). `UNION`, not `UNION ALL`, so a cycle can't
    make it loop. Cost: one index probe per person in the subtree, never the whole organisation."""
    table = connection.ops.quote_name(User._meta.db_table)
    return (
        f"WITH RECURSIVE below(id) AS ("
        f"SELECT id FROM {table} WHERE manager_id = %s "
        f"UNION SELECT u.id FROM {table} u JOIN below b ON u.manager_id = b.id"
        f") SELECT id FROM below"
    )


def _above_sql() -> str:
    """Everyone above one person, walked up the reporting line in the database (one probe per
    level)."""
    table = connection.ops.quote_name(User._meta.db_table)
    return (
        f"WITH RECURSIVE above(id) AS ("
        f"SELECT manager_id FROM {table} WHERE id = %s AND manager_id IS NOT NULL "
        f"UNION SELECT u.manager_id FROM {table} u JOIN above a ON u.id = a.id "
        f"WHERE u.manager_id IS NOT NULL"
        f") SELECT id FROM above"
    )


def subtree(manager: User | int) -> QuerySet[User]:
    """Everyone below `manager` in the reporting line, as a queryset that stays in SQL: use it
    in `__in` lookups, count it or page it without fetching the ids."""
    pk = manager if isinstance(manager, int) else manager.pk
    return User.objects.filter(pk__in=RawSQL(_subtree_sql(), [pk]))


def subtree_ids(manager: User, *, include_self: bool = False) -> set[int]:
    """Everyone below `manager` in the reporting line (one query, the subtree only)."""
    with connection.cursor() as cursor:
        cursor.execute(_subtree_sql(), [manager.pk])
        seen = {row[0] for row in cursor.fetchall()}
    seen.discard(manager.pk)  # only a cycle through the manager could bring them back
    if include_self:
        seen.add(manager.pk)
    return seen


def line_above(user_id: int) -> list[int]:
    """The managers above `user_id`, nearest first (one query)."""
    above = RawSQL(_above_sql(), [user_id])
    managers = dict(
        User.objects.filter(Q(pk__in=above) | Q(pk=user_id)).values_list("pk", "manager_id")
    )
    line: list[int] = []
    current = managers.get(user_id)
    while current is not None and current not in line and current != user_id:
        line.append(current)
        current = managers.get(current)
    return line


def subtrees_up_the_line(manager: User) -> list[frozenset[int]]:
    """The subtree of `manager`, then of their manager, and so on up the reporting line: the
    team dashboards one person's could be compared with (one query per level)."""
    found = [frozenset(subtree_ids(manager))]
    for boss in line_above(manager.pk):
        found.append(frozenset(subtree_ids(User(pk=boss))))
    return found


def ancestor_ids(user_id: int, managers: dict[int, int | None]) -> set[int]:
    """Everyone above `user_id` given a {user: manager} map."""
    found: set[int] = set()
    current = managers.get(user_id)
    while current is not None and current not in found:
        found.add(current)
        current = managers.get(current)
    return found


def is_manager(user: User) -> bool:
    return user.is_authenticated and User.objects.filter(manager=user, is_active=True).exists()


def manages(manager: User, employee_id: int) -> bool:
    """Whether `employee_id` is below `manager`: a walk up from the employee (one query, as long
    as the line is deep), never a walk down the manager's whole subtree."""
    if employee_id == manager.pk:
        return False
    with connection.cursor() as cursor:
        cursor.execute(_above_sql(), [employee_id])
        return any(row[0] == manager.pk for row in cursor.fetchall())


def team_of(manager: User) -> QuerySet[User]:
    return (
        subtree(manager)
        .filter(is_active=True)
        .select_related("department", "manager")
        .order_by("full_name")
    )


SEARCH_MIN_LENGTH = 3
SEARCH_LIMIT = 10


def colleague_search(query: str, *, exclude_id: int, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Active colleagues whose name contains `query` or whose work email starts with it (the
    domain is everyone's): name, email, department.

    What a company directory shows every employee, and no more (no manager, no profile).
    """
    query = query.strip()
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    people = (
        User.objects.filter(
            Q(full_name__icontains=query) | Q(email__istartswith=query), is_active=True
        )
        .exclude(pk=exclude_id)
        .order_by("full_name", "email")
        .values_list("full_name", "email", "department__name")[:limit]
    )
    return [
        {"name": name or email, "email": email, "department": dept or ""}
        for name, email, dept in people
    ]
