"""Reading and checking a CSV of learning resources: every problem as (line, column, plain
words), nothing raised for bad input. The header is line 1; one pass over the file, O(bytes).

Decoding, the walk over records with their line numbers, the row limit and the control-character
check are `core.csvcheck`'s, shared with the other CSV imports; this module knows the columns.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from core import csvcheck
from core.csvcheck import RowError

from .models import ResourceKind

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ["skill", "title", "provider", "link", "kind", "level"]
REQUIRED = ["skill", "title", "link", "kind", "level"]
LIMITS = {"title": 200, "provider": 120, "link": 500}
_KINDS = {k.value: k.value for k in ResourceKind} | {k.label.lower(): k.value for k in ResourceKind}
_url = URLValidator(schemes=["http", "https"])


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0


# The file as a whole can't be read: nothing row-level to show.
FileError = csvcheck.CsvFileError


def template_rows() -> list[list[str]]:
    return [
        COLUMNS,
        [
            "Kubernetes",
            "Kubernetes basics tutorial",
            "kubernetes.io",
            "https://kubernetes.io/docs/tutorials/kubernetes-basics/",
            "documentation",
            "1",
        ],
    ]


def check(data: bytes, *, skills_by_name: dict[str, int]) -> Checked:
    """`skills_by_name`: lower-cased skill name -> id. Raises FileError for a file that
    can't be read at all (size, encoding, not a CSV, no header, too many rows)."""
    text = csvcheck.decode(data, max_bytes=MAX_BYTES)
    records = csvcheck.Records(text, max_rows=MAX_ROWS)
    try:
        header = records.header()
        if not header or not any(h.strip() for h in header):
            raise FileError("The file is empty: the first line must name the columns.")
        columns = [csvcheck.normalise_column(h) for h in header]
        missing = [c for c in REQUIRED if c not in columns]
        if missing:
            raise FileError(
                "The first line must name the columns; missing: " + ", ".join(missing) + "."
            )
        found = Checked()
        seen: dict[tuple[int, str], int] = {}
        for start, cells in records:
            found.row_count += 1
            values = {
                c: (cells[i].strip() if i < len(cells) else "") for i, c in enumerate(columns)
            }
            row = _row(start, values, skills_by_name, found.errors)
            if row is None:
                continue
            key = (row["skill_id"], row["url"].lower())
            if key in seen:
                found.errors.append(
                    RowError(
                        start, "link", f"The same skill and link are already on line {seen[key]}."
                    )
                )
                continue
            seen[key] = start
            found.rows.append(row)
    except csv.Error as exc:
        raise FileError(f"The file isn't valid CSV near line {records.line}: {exc}.") from None
    return found


def _row(line: int, values: dict, skills: dict[str, int], errors: list[RowError]) -> dict | None:
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    for column in COLUMNS:
        value = values.get(column, "")
        if csvcheck.control_character(value):
            err(column, "Contains a line break or control character; remove it.")
        elif column in LIMITS and len(value) > LIMITS[column]:
            err(column, f"Longer than {LIMITS[column]} characters.")
        elif column in REQUIRED and not value:
            err(column, "Required; this cell is empty.")
    if len(errors) > before:
        return None
    skill_id = skills.get(" ".join(values["skill"].split()).lower())
    if skill_id is None:
        err("skill", f"No skill called “{values['skill']}” in the skills list.")
    try:
        _url(values["link"])
    except ValidationError:
        err("link", "Not a web address: it must start with https:// or http://.")
    kind = _KINDS.get(values["kind"].lower())
    if kind is None:
        err("kind", "Must be one of: documentation, course, lab, book.")
    level = values["level"]
    if not (level.isdigit() and 1 <= int(level) <= 5):
        err("level", "Must be a whole number from 1 to 5.")
    if len(errors) > before:
        return None
    return {
        "skill_id": skill_id,
        "title": values["title"],
        "provider": values.get("provider", ""),
        "url": values["link"],
        "kind": kind,
        "level": int(level),
    }
