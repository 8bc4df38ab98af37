"""Reads about people and reporting lines that several pages share."""

from collections import defaultdict

from django.db.models import Q, QuerySet

from .models import User


def reporting_children() -> dict[int, list[int]]:
    """manager id -> direct report ids, for the whole organisation in one query."""
    children: dict[int, list[int]] = defaultdict(list)
    for pk, manager_id in User.objects.filter(manager__isnull=False).values_list(
        "pk", "manager_id"
    ):
        children[manager_id].append(pk)
    return children


def subtree_ids(manager: User, *, include_self: bool = False) -> set[int]:
    """Everyone below `manager` in the reporting line (one query, then a walk)."""
    children = reporting_children()
    seen: set[int] = set()
    stack = list(children.get(manager.pk, []))
    while stack:
        pk = stack.pop()
        if pk in seen:  # a cycle can't come from the import, but never loop forever
            continue
        seen.add(pk)
        stack.extend(children.get(pk, []))
    if include_self:
        seen.add(manager.pk)
    return seen


def subtrees_up_the_line(manager: User) -> list[frozenset[int]]:
    """The subtree of `manager`, then of their manager, and so on up the reporting line (one
    query): the team dashboards one person's could be compared with."""
    children = reporting_children()
    managers = {child: boss for boss, kids in children.items() for child in kids}
    found = []
    current: int | None = manager.pk
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        below: set[int] = set()
        stack = list(children.get(current, []))
        while stack:
            pk = stack.pop()
            if pk not in below:
                below.add(pk)
                stack.extend(children.get(pk, []))
        found.append(frozenset(below))
        current = managers.get(current)
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
    return employee_id in subtree_ids(manager)


def team_of(manager: User) -> QuerySet[User]:
    return (
        User.objects.filter(pk__in=subtree_ids(manager), is_active=True)
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
