"""Checks an HR-system CSV export of outcome events; every bad row is reported.

Reading and cell parsing reuse `core.csvcheck`; this module knows the outcome columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core import csvcheck
from core.csvcheck import RowError

from .models import OutcomeEvent, OutcomeKind

REQUIRED = ["employee_email", "kind", "date"]
OPTIONAL = [
    "certification_name",
    "certification_issuer",
    "from_role",
    "to_role",
    "from_department",
    "to_department",
    "voluntary",
    "project",
    "rating",
    "note",
]
TEMPLATE_ROWS = [
    [
        "ana.ng@example.com",
        "certification",
        "2025-03-14",
        "AWS Solutions Architect – Associate",
        "Amazon Web Services",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "ben.ode@example.com",
        "promotion",
        "2025-04-01",
        "",
        "",
        "Engineer II",
        "Senior engineer",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "ben.ode@example.com",
        "internal_move",
        "2025-06-01",
        "",
        "",
        "Senior engineer",
        "Platform engineer",
        "Infrastructure",
        "Cloud platform",
        "",
        "",
        "",
        "",
    ],
    ["cara.li@example.com", "departure", "2025-07-31", "", "", "", "", "", "", "yes", "", "", ""],
    [
        "dev.rao@example.com",
        "project_outcome",
        "2025-05-20",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Network refresh",
        "4",
        "Delivered on time",
    ],
]
LIMITS = {
    "certification_name": 150,
    "certification_issuer": 150,
    "from_role": 150,
    "to_role": 150,
    "from_department": 120,
    "to_department": 120,
    "project": 150,
    "note": 2000,
}


@dataclass
class CheckedImport:
    events: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0


def template_rows() -> list[list[str]]:
    return [REQUIRED + OPTIONAL, *TEMPLATE_ROWS]


def check(
    data: bytes, *, users_by_email: dict[str, int], max_bytes: int = csvcheck.MAX_BYTES
) -> CheckedImport:
    """Parse and validate; raises csvcheck.CsvFileError for whole-file problems."""
    text = csvcheck.decode(data, max_bytes=max_bytes)
    parsed = csvcheck.read(text, required=REQUIRED, optional=OPTIONAL)
    result = CheckedImport(errors=list(parsed.errors), row_count=len(parsed.rows))
    bad_lines = {e.line for e in parsed.errors}
    for row in parsed.rows:
        event, errors = _check_row(row, users_by_email)
        result.errors += errors
        if event is not None and not errors and row.line not in bad_lines:
            result.events.append(event)
    result.errors += csvcheck.duplicates(
        parsed.rows,
        key=_row_key,
        column="employee_email",
        what="event (same person, kind, date and certification or project)",
    )
    result.errors.sort(key=lambda e: (e.line, e.column))
    return result


def _row_key(row: csvcheck.Row) -> tuple | None:
    kind = csvcheck.match_choice(row.get("kind"), OutcomeKind.choices)
    if not kind:
        return None
    return (
        row.get("employee_email").lower(),
        kind,
        row.get("date"),
        OutcomeEvent.key_for(kind, row.get("certification_name"), row.get("project")),
    )


def _check_row(row: csvcheck.Row, users: dict[str, int]) -> tuple[dict | None, list[RowError]]:
    errors: list[RowError] = []

    def err(column: str, message: str) -> None:
        errors.append(RowError(row.line, column, message))

    email = row.get("employee_email").lower()
    employee_id = users.get(email)
    if not email:
        err("employee_email", "Required.")
    elif employee_id is None:
        err("employee_email", f"No employee has the email “{email}”.")
    kind = csvcheck.match_choice(row.get("kind"), OutcomeKind.choices)
    if not kind:
        err(
            "kind",
            f"“{row.get('kind')}” isn't a kind; use one of: "
            f"{csvcheck.choice_help(OutcomeKind.choices)}.",
        )
    occurred: date | None = None
    try:
        occurred = csvcheck.parse_iso_date(row.get("date")) if row.get("date") else None
        if occurred is None:
            err("date", "Required (YYYY-MM-DD).")
    except ValueError as exc:
        err("date", str(exc))
    for column, limit in LIMITS.items():
        if len(row.get(column)) > limit:
            err(column, f"Too long: at most {limit} characters.")
    voluntary = _optional(row, "voluntary", csvcheck.parse_yes_no, err)
    rating = _optional(row, "rating", lambda v: csvcheck.parse_int(v, low=1, high=5), err)
    _kind_rules(kind, row, voluntary, rating, err)
    if errors:
        return None, errors
    return {
        "employee_id": employee_id,
        "kind": kind,
        "occurred_on": occurred,
        "certification_name": row.get("certification_name"),
        "certification_issuer": row.get("certification_issuer"),
        "from_role": row.get("from_role"),
        "to_role": row.get("to_role"),
        "from_department": row.get("from_department"),
        "to_department": row.get("to_department"),
        "voluntary": voluntary,
        "project_name": row.get("project"),
        "rating": rating,
        "note": row.get("note"),
        "natural_key": OutcomeEvent.key_for(
            kind, row.get("certification_name"), row.get("project")
        ),
    }, []


def _optional(row: csvcheck.Row, column: str, parse, err):
    if not row.get(column):
        return None
    try:
        return parse(row.get(column))
    except ValueError as exc:
        err(column, str(exc))
        return None


def _kind_rules(kind: str | None, row: csvcheck.Row, voluntary, rating, err) -> None:
    if kind == OutcomeKind.CERTIFICATION:
        for column in ("certification_name", "certification_issuer"):
            if not row.get(column):
                err(column, "Required for a certification.")
    elif kind == OutcomeKind.DEPARTURE and voluntary is None and not row.get("voluntary"):
        err("voluntary", "Required for a departure: yes or no.")
    elif kind == OutcomeKind.INTERNAL_MOVE and not (row.get("to_role") or row.get("to_department")):
        err("to_role", "An internal move needs the new role or the new department.")
    elif kind == OutcomeKind.PROJECT_OUTCOME:
        if not row.get("project"):
            err("project", "Required for a project outcome.")
        if rating is None and not row.get("rating"):
            err("rating", "Required for a project outcome: 1 to 5.")
