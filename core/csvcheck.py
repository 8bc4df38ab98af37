"""Pure CSV reading and checking shared by every CSV import (no Django imports): the people and
enrolment imports, the outcome-event import, the learning-resource import and the role library.

Line numbers are those a person sees when opening the file in an editor: the header is
line 1, and a row whose quoted cell spans several lines is reported at the line it starts on.

Every check is one pass: reading and checking a file of b bytes and r rows is O(b) time (the
csv module's single scan, one regular-expression search per cell), duplicate keys O(r) with a
hash map. Memory is O(b) for the parsed rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_LINE = 1

# C0 and C1 controls and the Unicode line/paragraph separators (tab is allowed).
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


class CsvFileError(ValueError):
    """The file as a whole can't be read (size, encoding, row count): nothing row-level to show."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class Row:
    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


@dataclass
class ParsedCsv:
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def has(self, column: str) -> bool:
        return column in self.columns


def decode(data: bytes, *, max_bytes: int = MAX_BYTES) -> str:
    """Bytes of an upload -> text; refuses files that are too large or not UTF-8. O(b)."""
    if len(data) > max_bytes:
        raise CsvFileError(
            f"The file is {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}. "
            "Split it into smaller files."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(
            "The file isn't UTF-8 text. In your spreadsheet choose “Save as → CSV UTF-8” "
            f"and upload it again (first bad byte at position {exc.start})."
        ) from None
    if not text.strip():
        raise CsvFileError("The file is empty. Download the template to see the expected columns.")
    if "\x00" in text:
        # PostgreSQL can't store NUL, and a CSV never has one: usually a UTF-16 or binary file.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CsvFileError(
            f"The file contains a NUL byte (line {line}): binary data, not CSV text. In your "
            "spreadsheet choose “Save as → CSV UTF-8” and upload it again."
        )
    return text


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def control_character(value: str) -> str | None:
    """The first control character in `value` (tab is allowed), as U+XXXX, or None."""
    found = _CONTROL.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def clean_cell(value: str) -> str:
    return value.strip(" \t\u00a0")


def normalise_column(name: str) -> str:
    return clean_cell(name).lower().replace(" ", "_")


class Records:
    """Walks CSV text record by record, knowing the line each record starts on.

    `header()` reads the first record; iterating yields `(line, cells)` for every later record
    that isn't blank (blank lines are harmless, e.g. a trailing newline from Excel) and raises
    CsvFileError past `max_rows` of them. `line` is where the record being read starts, so a
    caller catching csv.Error can say where the unreadable record begins. O(b) for b bytes.
    """

    def __init__(self, text: str, *, max_rows: int = MAX_ROWS) -> None:
        self._reader = csv.reader(io.StringIO(text, newline=""))
        self.max_rows = max_rows
        self.line = HEADER_LINE

    def header(self) -> list[str] | None:
        header = next(self._reader, None)
        self.line = self._reader.line_num + 1
        return header

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        count = 0
        for cells in self._reader:
            line, self.line = self.line, self._reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > self.max_rows:
                raise CsvFileError(
                    f"The file has more than {self.max_rows:,} rows. Split it into smaller files."
                )
            yield line, cells


def read(
    text: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_rows: int | None = None,
) -> ParsedCsv:
    """Parse `text`; header problems are reported once on line 1, cell problems per row.

    Raises CsvFileError when the file has more than `max_rows` (default MAX_ROWS) data rows.
    One pass over the text, O(b) for b bytes (each cell is searched once for controls).
    """
    parsed = ParsedCsv()
    records = Records(text, max_rows=MAX_ROWS if max_rows is None else max_rows)
    try:
        header = records.header()
    except csv.Error as exc:
        parsed.errors.append(RowError(HEADER_LINE, "", f"The header row can't be read: {exc}."))
        return parsed
    if not header or not any(cell.strip() for cell in header):
        parsed.errors.append(RowError(HEADER_LINE, "", "The first line must be the header row."))
        return parsed
    parsed.columns = [normalise_column(c) for c in header]
    if not _check_header(parsed, required=required, optional=optional):
        return parsed
    try:
        for line, cells in records:
            _read_row(parsed, line, cells)
    except csv.Error as exc:
        parsed.errors.append(RowError(records.line, "", f"This line can't be read as CSV: {exc}."))
    return parsed


def _check_header(parsed: ParsedCsv, *, required: Sequence[str], optional: Sequence[str]) -> bool:
    problems: list[str] = []
    missing = [c for c in required if c not in parsed.columns]
    if missing:
        problems.append("Missing required column(s): " + ", ".join(missing) + ".")
    known = set(required) | set(optional)
    unknown = [c for c in parsed.columns if c and c not in known]
    if unknown:
        problems.append(
            "Unknown column(s): "
            + ", ".join(unknown)
            + ". Expected: "
            + ", ".join(known_order(required, optional))
            + "."
        )
    if "" in parsed.columns:
        problems.append("A column in the header has no name.")
    repeated = sorted({c for c in parsed.columns if c and parsed.columns.count(c) > 1})
    if repeated:
        problems.append("Column(s) appear twice: " + ", ".join(repeated) + ".")
    if problems:
        parsed.errors.append(RowError(HEADER_LINE, "", " ".join(problems)))
    return not problems


def known_order(required: Sequence[str], optional: Sequence[str]) -> list[str]:
    return [*required, *[c for c in optional if c not in required]]


def _read_row(parsed: ParsedCsv, line: int, cells: list[str]) -> None:
    width = len(parsed.columns)
    extra = [c for c in cells[width:] if c.strip()]
    if extra:
        parsed.errors.append(
            RowError(
                line, "", f"This row has {len(cells)} cells but the header has {width} columns."
            )
        )
        return
    values: dict[str, str] = {}
    for column, raw in zip(parsed.columns, cells, strict=False):
        bad = control_character(raw)
        if bad:
            parsed.errors.append(
                RowError(line, column, f"Contains a control character ({bad}); remove it.")
            )
        values[column] = clean_cell(raw)
    for column in parsed.columns[len(cells) :]:
        values[column] = ""  # spreadsheets drop trailing empty cells
    parsed.rows.append(Row(line, values))


def duplicates(
    rows: Iterable[Row], key: Callable[[Row], Hashable], column: str, what: str
) -> list[RowError]:
    """One error for every repeat of a key, pointing at the first line that had it.

    O(r) for r rows (a hash map of first occurrences), not the O(r²) of comparing pairs.
    """
    first: dict[Hashable, int] = {}
    errors: list[RowError] = []
    for row in rows:
        k = key(row)
        if k in (None, ""):
            continue
        if k in first:
            errors.append(
                RowError(row.line, column, f"Duplicate {what}: already on line {first[k]}.")
            )
        else:
            first[k] = row.line
    return errors


def parse_iso_date(value: str) -> date | None:
    """YYYY-MM-DD only (Python also accepts 20240131, which people don't mean)."""
    if not _ISO_DATE.match(value):
        raise ValueError(f"“{value}” isn't a date in the form YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"“{value}” isn't a real date.") from None


def parse_yes_no(value: str) -> bool:
    lowered = value.lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    raise ValueError(f"“{value}” must be yes or no.")


def parse_int(value: str, *, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"“{value}” isn't a whole number.") from None
    if not low <= number <= high:
        raise ValueError(f"{number} is out of range: use {low} to {high}.")
    return number


def match_choice(value: str, choices: Iterable[tuple[str, str]]) -> str | None:
    """The stored value for `value` given (value, label) pairs, matching either, any case."""
    wanted = value.casefold()
    for stored, label in choices:
        if wanted in (stored.casefold(), str(label).casefold()):
            return stored
    return None


def choice_help(choices: Iterable[tuple[str, str]]) -> str:
    return ", ".join(stored for stored, _ in choices)
