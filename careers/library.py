"""The role library as rows: read from CSV or JSON, checked row by row, written back out.

One shape for both formats (docs/careers.md): a requirement row (a role, its family and
description, one skill it requires and the level), a checklist row (a skill, a level, the
item's text) or a path row (a role and the role it leads to). Reading never raises on bad
input: every problem is a `(where, message)` in plain words.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from core import csvcheck
from people.models import JobFamily

CSV_COLUMNS = ["kind", "role", "family", "description", "skill", "level", "text", "to_role"]
KINDS = ("requirement", "checklist", "path")
MAX_ROWS = 5000


@dataclass
class Row:
    where: str
    kind: str
    role: str = ""
    family: str = ""
    description: str = ""
    skill: str = ""
    level: object = None
    text: str = ""
    to_role: str = ""


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def parse_csv(content: str) -> tuple[list[Row], list[tuple[str, str]]]:
    try:
        return _parse_csv(content)
    except csv.Error as exc:
        return [], [("File", f"This is not a CSV file Tandem can read ({exc}).")]
    except csvcheck.CsvFileError:
        return [], [("File", f"At most {MAX_ROWS} rows at a time.")]


def _parse_csv(content: str) -> tuple[list[Row], list[tuple[str, str]]]:
    """Rows are named by the line they start on (`core.csvcheck.Records`), as a spreadsheet or
    an editor shows them; blank lines are skipped."""
    records = csvcheck.Records(content, max_rows=MAX_ROWS)
    header = [csvcheck.normalise_column(h) for h in (records.header() or [])]
    missing = [c for c in ("kind", "role", "skill", "level") if c not in header]
    if missing:
        return [], [
            ("Header", "The first row must name the columns; missing: " + ", ".join(missing) + ".")
        ]
    rows = []
    for line, cells in records:
        values = {k: _text(v) for k, v in zip(header, cells, strict=False) if k}
        if not any(values.values()):
            continue
        rows.append(
            Row(
                where=f"Row {line}",
                kind=values.get("kind", "").lower(),
                role=values.get("role", ""),
                family=values.get("family", ""),
                description=values.get("description", ""),
                skill=values.get("skill", ""),
                level=values.get("level", ""),
                text=values.get("text", ""),
                to_role=values.get("to_role", ""),
            )
        )
    return rows, []


def parse_json(content: str) -> tuple[list[Row], list[tuple[str, str]]]:
    try:
        data = json.loads(content)
    except (ValueError, RecursionError) as exc:
        return [], [("File", f"This is not valid JSON ({exc}).")]
    if not isinstance(data, dict):
        return [], [("File", "The JSON must be an object with “roles”, “checklist” and “paths”.")]
    rows: list[Row] = []
    errors: list[tuple[str, str]] = []

    def items(key: str) -> list:
        value = data.get(key, [])
        if not isinstance(value, list):
            errors.append((key, f"“{key}” must be a list."))
            return []
        return value

    for i, role in enumerate(items("roles"), start=1):
        where = f"Role {i}"
        if not isinstance(role, dict):
            errors.append((where, "Each role must be an object with a “title”."))
            continue
        base = {
            "role": _text(role.get("title")),
            "family": _text(role.get("family")),
            "description": _text(role.get("description")),
        }
        skills = role.get("skills", [])
        if not isinstance(skills, list):
            errors.append((where, "“skills” must be a list."))
            continue
        if not skills:
            rows.append(Row(where=where, kind="role", **base))
        for j, need in enumerate(skills, start=1):
            if not isinstance(need, dict):
                errors.append((f"{where}, skill {j}", "Each skill must have “skill” and “level”."))
                continue
            rows.append(
                Row(
                    where=f"{where}, skill {j}",
                    kind="requirement",
                    skill=_text(need.get("skill")),
                    level=need.get("level"),
                    **base,
                )
            )
    for i, item in enumerate(items("checklist"), start=1):
        where = f"Checklist item {i}"
        if not isinstance(item, dict):
            errors.append((where, "Each checklist item must have “skill”, “level” and “text”."))
            continue
        rows.append(
            Row(
                where=where,
                kind="checklist",
                skill=_text(item.get("skill")),
                level=item.get("level"),
                text=_text(item.get("text")),
            )
        )
    for i, move in enumerate(items("paths"), start=1):
        where = f"Path {i}"
        if not isinstance(move, dict):
            errors.append((where, "Each path must have “from” and “to”."))
            continue
        rows.append(
            Row(
                where=where,
                kind="path",
                role=_text(move.get("from")),
                to_role=_text(move.get("to")),
            )
        )
    if len(rows) > MAX_ROWS:
        return [], [("File", f"At most {MAX_ROWS} rows at a time.")]
    return rows, errors


def parse(content: str, fmt: str) -> tuple[list[Row], list[tuple[str, str]]]:
    return parse_json(content) if fmt == "json" else parse_csv(content)


def level_of(value: object) -> int | None:
    try:
        level = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return level if 1 <= level <= 5 else None


def family_of(value: str) -> str | None:
    """A family from its code or its label, any case; "" when blank; None when unknown."""
    if not value:
        return ""
    wanted = value.strip().lower()
    for code, label in JobFamily.choices:
        if wanted in (code, label.lower()):
            return code
    return None


def families_hint() -> str:
    return ", ".join(code for code, _ in JobFamily.choices)


def to_json(roles: list[dict], checklist: list[dict], paths: list[dict]) -> str:
    return json.dumps({"roles": roles, "checklist": checklist, "paths": paths}, indent=1) + "\n"


def to_csv(roles: list[dict], checklist: list[dict], paths: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def safe(value: object) -> str:
        text = str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    for role in roles:
        needs = role["skills"] or [{"skill": "", "level": ""}]
        for need in needs:
            kind = "requirement" if need["skill"] else "role"
            writer.writerow(
                [
                    safe(v)
                    for v in (
                        kind,
                        role["title"],
                        role["family"],
                        role["description"],
                        need["skill"],
                        need["level"],
                        "",
                        "",
                    )
                ]
            )
    for item in checklist:
        writer.writerow(
            [
                safe(v)
                for v in ("checklist", "", "", "", item["skill"], item["level"], item["text"], "")
            ]
        )
    for move in paths:
        writer.writerow([safe(v) for v in ("path", move["from"], "", "", "", "", "", move["to"])])
    return out.getvalue()
