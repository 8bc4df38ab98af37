"""Reads about people and reporting lines that several pages share."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from .models import Department, User


def reporting_path_of(person: User | int) -> str:
    """The stored path of `person` (people/reporting_path.py), read from the database: an
    object in memory may predate a move. Remembered on the object for the rest of the request.
    "" for nobody."""
    if isinstance(person, User) and getattr(person, "_fresh_reporting_path", None) is not None:
        return person._fresh_reporting_path
    pk = person if isinstance(person, int) else person.pk
    path = User.objects.filter(pk=pk).values_list("reporting_path", flat=True).first() or ""
    if isinstance(person, User):
        person._fresh_reporting_path = path
    return path


def remember_reporting_path(person: User, path: str | None) -> None:
    """For a caller that has just read `person`'s stored path in a query of its own: the later
    reporting_path_of(person) of this request needn't read it again."""
    person._fresh_reporting_path = path or ""


def _below(path: str, pk: int) -> QuerySet[User]:
    return User.objects.filter(reporting_path__startswith=path).exclude(pk=pk)


def below_path(path: str, pk: int) -> QuerySet[User]:
    """`subtree` of the manager `pk` whose stored path is `path`, the path reaching the SQL
    whole as a parameter (the LIKE pattern made from it in SQL): for a query whose SQL is built
    once with a stand-in path (core.compiled)."""
    return User.objects.filter(reporting_path__startswith=Value(path)).exclude(pk=pk)


def subtree(manager: User | int) -> QuerySet[User]:
    """Everyone below `manager` in the reporting line, as a queryset that stays in SQL: use it
    in `__in` lookups, count it or page it without fetching the ids. One indexed prefix range
    over the stored reporting paths (a LIKE 'path%' served by the pattern index), whatever the
    depth; one small query first reads the manager's own path."""
    path = reporting_path_of(manager)
    if not path:
        return User.objects.none()
    return _below(path, manager if isinstance(manager, int) else manager.pk)


def subtree_ids(manager: User, *, include_self: bool = False) -> set[int]:
    """Everyone below `manager` in the reporting line (the subtree only)."""
    seen = set(subtree(manager).values_list("pk", flat=True))
    if include_self:
        seen.add(manager.pk)
    return seen


def _ids_in(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def line_above(user_id: int) -> list[int]:
    """The managers above `user_id`, nearest first (one query: read off their path)."""
    ids = _ids_in(reporting_path_of(user_id))
    return list(dict.fromkeys(pk for pk in reversed(ids) if pk != user_id))


def subtrees_up_the_line(manager: User) -> list[frozenset[int]]:
    """The subtree of `manager`, then of their manager, and so on up the reporting line: the
    team dashboards one person's could be compared with (each manager's path is a prefix of
    `manager`'s, so one query per level and one for the path)."""
    path = reporting_path_of(manager)
    if not path:
        return [frozenset()]
    ids = _ids_in(path)
    found = []
    for depth in range(len(ids), 0, -1):
        prefix = "/" + "/".join(str(pk) for pk in ids[:depth]) + "/"
        found.append(frozenset(_below(prefix, ids[depth - 1]).values_list("pk", flat=True)))
    return found


def ancestor_ids(user_id: int, managers: dict[int, int | None]) -> set[int]:
    """Everyone above `user_id` given a {user: manager} map."""
    found: set[int] = set()
    current = managers.get(user_id)
    while current is not None and current not in found:
        found.add(current)
        current = managers.get(current)
    return found


def department_choices() -> list[tuple[int, str]]:
    """(id, name) of every department by name: for a filter's <select>, one plain query."""
    return list(Department.objects.order_by("name", "pk").values_list("pk", "name"))


def direct_reports(user: User) -> QuerySet[User]:
    """The active people reporting to `user` directly: `user` is a manager if there is one."""
    return User.objects.filter(manager=user, is_active=True)


def is_manager(user: User) -> bool:
    return user.is_authenticated and direct_reports(user).exists()


def is_manager_reading_path(user: User) -> bool:
    """`is_manager`, with the person's stored path read in the same query and remembered as
    `reporting_path_of` remembers it: the subtree queries that follow ask no more."""
    if not user.is_authenticated:
        return False
    reports = User.objects.filter(manager=OuterRef("pk"), is_active=True)
    row = User.objects.filter(pk=user.pk).values_list("reporting_path", Exists(reports)).first()
    if row is None:
        return False
    user._fresh_reporting_path = row[0] or ""
    return row[1]


def manages(manager: User, employee_id: int) -> bool:
    """Whether `employee_id` is below `manager`: one row (the employee's stored path holds the
    manager's id), never a walk down the manager's subtree."""
    if employee_id == manager.pk:
        return False
    return User.objects.filter(pk=employee_id, reporting_path__contains=f"/{manager.pk}/").exists()


# What the team page shows of each person.
TEAM_FIELDS = (
    "pk",
    "full_name",
    "email",
    "job_title",
    "department__name",
    "manager__full_name",
    "manager__email",
)


def team_of(manager: User) -> QuerySet[User]:
    """The active people below `manager`, by name. The team page reads TEAM_FIELDS of them
    (`.values(*TEAM_FIELDS)`: plain dicts, no model instances), not their whole rows."""
    return subtree(manager).filter(is_active=True).order_by("full_name", "pk")


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
