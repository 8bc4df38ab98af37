"""CSV export, safe to open in a spreadsheet and typed for analysis tools."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence

# A spreadsheet treats a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> str:
    """The cell as text, prefixed with ' when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def format_cell(value: object) -> str:
    """One CSV cell: numbers as plain numbers (negative ones too), true/false, empty for None
    (or NaN), and everything else as escaped text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "" if math.isnan(value) or math.isinf(value) else repr(value)
    return escape_cell(value)


def to_csv(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([format_cell(cell) for cell in row])
    return out.getvalue()
