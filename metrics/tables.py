"""Dashboard sections as tidy tables for analysis: one CSV per table, or all of them in a zip.

Each table has a header row of stable snake_case column names, one row per observation,
numbers as plain numbers (rates as percent numbers 0–100, never with a "%" sign) and an
empty cell where a figure is missing or hidden.

The tables are read from the very rows the page shows (`Section.rows`), after suppression:
a cell the page hides ("—", "fewer than 3") is empty here too, so an export can never show
a figure the page does not. Only the shape changes, never a value.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from mentorships.models import EndReason

from .dashboards import SUPPRESSED, Audience, Section
from .export import to_csv
from .selectors import RESET_REASONS

logger = logging.getLogger(__name__)
TEXT, INTEGER, NUMBER, BOOLEAN = "text", "integer", "number", "boolean"
MISSING = ("—", "")
EXPERT_WORDS = {"none": 0, "one": 1}  # how managers and leadership see expert counts


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # TEXT, INTEGER, NUMBER or BOOLEAN
    description: str


@dataclass
class Table:
    name: str
    description: str
    columns: list[Column]
    rows: list[list[object]]

    def csv(self) -> str:
        return to_csv([[c.name for c in self.columns], *self.rows])


SUPPRESSED_COLUMN = Column(
    "suppressed",
    BOOLEAN,
    "true when a figure of this row is hidden because fewer than 3 people stand behind it; "
    "its cell is empty",
)
GROUP = Column(
    "group",
    TEXT,
    "participants or comparison (non-participants, same department and years of service)",
)


class _Row:
    """Reads display cells of one page row, remembering whether any was hidden."""

    def __init__(self, audience: Audience) -> None:
        self.audience = audience
        self.hidden = False

    def number(self, cell: object) -> int | float | None:
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            return cell
        if cell is None or cell in MISSING:
            # "—": no data, or a hidden figure, whose group size then reads "fewer than 3" or
            # "hidden" (flagged below when that cell is read).
            return None
        text = str(cell).strip()
        if text.endswith("%"):
            text = text[:-1]
        try:
            return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
        except ValueError:
            # "fewer than 3", or any other marker: hidden. Fail closed, never show it.
            self.hidden = True
            return None

    @staticmethod
    def text(cell: object) -> str:
        return "" if cell is None else str(cell)


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


# --- one shaper per section ---------------------------------------------------------------


def _growth(section: Section, audience: Audience) -> list[Table]:
    columns = [
        Column("group", TEXT, "skill name, program name or cohort (program start month, YYYY-MM)"),
        Column("group_type", TEXT, "skill, program or cohort"),
        Column("rater", TEXT, "self (the mentee) or mentor"),
        Column(
            "mean_change",
            NUMBER,
            "mean change in level (1–5 scale) from the baseline assessment to the latest later one",
        ),
        Column("people", INTEGER, "mentees with a baseline and a later rating"),
        SUPPRESSED_COLUMN,
    ]
    rows = []
    for label, level, own, own_n, mentor, mentor_n in section.rows:
        for rater, mean, n in (("self", own, own_n), ("mentor", mentor, mentor_n)):
            r = _Row(audience)
            rows.append(
                [r.text(label), str(level).lower(), rater, r.number(mean), r.number(n), r.hidden]
            )
    return [
        Table(
            "growth", "Skill growth: one row per skill, program or cohort and rater.", columns, rows
        )
    ]


def _group_pairs(
    section: Section, audience: Audience, first: Callable[[object], list[object]]
) -> list[list[object]]:
    """Rows of (label, participants value, people, comparison value, people) as one row per
    label and group."""
    rows = []
    for label, p_value, p_n, c_value, c_n in section.rows:
        for group, value, n in (("participants", p_value, p_n), ("comparison", c_value, c_n)):
            r = _Row(audience)
            rows.append([*first(label), group, r.number(value), r.number(n), r.hidden])
    return rows


def _months(label: object) -> list[object]:
    found = re.search(r"\d+", str(label))
    return [int(found.group()) if found else None]


def _retention(section: Section, audience: Audience) -> list[Table]:
    columns = [
        Column("months", INTEGER, "months after the program start (6 or 12)"),
        GROUP,
        Column("retained_percent", NUMBER, "share still employed, in percent (0–100)"),
        Column("people", INTEGER, "people whose 6 or 12 months have passed"),
        SUPPRESSED_COLUMN,
    ]
    return [
        Table(
            "retention",
            "Retention: one row per period and group.",
            columns,
            _group_pairs(section, audience, _months),
        )
    ]


def _career(section: Section, audience: Audience) -> list[Table]:
    columns = [
        Column("outcome", TEXT, "Promotion, Internal move or Certification"),
        GROUP,
        Column(
            "share_percent",
            NUMBER,
            "share of the group with at least one such event between "
            "the program start and end (or today), in percent (0–100)",
        ),
        Column("people", INTEGER, "people in the group"),
        SUPPRESSED_COLUMN,
    ]
    return [
        Table(
            "career",
            "Promotions, moves and certifications: one row per outcome and group.",
            columns,
            _group_pairs(section, audience, lambda label: [_Row.text(label)]),
        )
    ]


def _certifications(section: Section, audience: Audience) -> list[Table]:
    columns = [
        Column("measure", TEXT, "pass_rate_percent or median_days_to_certify"),
        GROUP,
        Column("value", NUMBER, "the pass rate in percent (0–100), or a number of days"),
        Column("people", INTEGER, "people who sat an exam, or who passed with a known start"),
        SUPPRESSED_COLUMN,
    ]
    names = {
        "Certification exam pass rate": "pass_rate_percent",
        "Median days from starting to prepare to passing": "median_days_to_certify",
    }
    return [
        Table(
            "certifications",
            "Certification exams: one row per measure and group.",
            columns,
            _group_pairs(
                section, audience, lambda label: [names.get(str(label), _slug(str(label)))]
            ),
        )
    ]


# Engagement rows by their label on the page: a stable name and the unit of the value.
ENGAGEMENT_MEASURES = {
    "mentorships": ("mentorships", "count"),
    "check_ins_per_mentorship_per_month": ("checkins_per_mentorship_month", "per month"),
    "mentorships_on_track_share_of_active": ("on_track_percent", "percent"),
    "reset_requests_raised": ("reset_requests", "count"),
    "average_check_in_pulse_1_5": ("pulse_average", "score 1-5"),
    **{
        f"ended_{_slug(EndReason(reason).label)}": (f"ended_{reason}", "count")
        for reason in RESET_REASONS
    },
}


def _engagement(section: Section, audience: Audience) -> list[Table]:
    columns = [
        Column(
            "measure",
            TEXT,
            "mentorships, checkins_per_mentorship_month, on_track_percent, "
            "ended_not_working, ended_reassigned (pairings ended for that "
            "reason), reset_requests or pulse_average",
        ),
        Column("value", NUMBER, "the figure, in the unit of the next column"),
        Column("unit", TEXT, "count, per month, percent (0–100) or score 1-5"),
        Column("based_on", INTEGER, "mentorships (or, for the pulse, people) behind the figure"),
        SUPPRESSED_COLUMN,
    ]
    rows = []
    for label, value, n in section.rows:
        key = _slug(str(label))
        measure, unit = ENGAGEMENT_MEASURES.get(
            key, (key, "count" if key.startswith("ended_") else "")
        )
        r = _Row(audience)
        rows.append([measure, r.number(value), unit, r.number(n), r.hidden])
    return [Table("engagement", "Engagement: one row per measure.", columns, rows)]


def _where(cell: object) -> list[str]:
    """ "Program · survey · respondents" as three cells (a program name may hold " · ")."""
    return (str(cell).rsplit(" · ", 2) + ["", ""])[:3]


WHERE = [
    Column("program", TEXT, "program name"),
    Column("survey", TEXT, "which survey (e.g. mid-point, end)"),
    Column("respondents", TEXT, "who answered: mentees or mentors"),
]


def _feedback(section: Section, audience: Audience) -> list[Table]:
    columns = [
        *WHERE,
        Column(
            "question",
            TEXT,
            "the question, or “All questions” for a group hidden because fewer than 3 answered",
        ),
        Column("average", NUMBER, "average rating, 1–5"),
        Column("answers", INTEGER, "answers behind the average"),
        SUPPRESSED_COLUMN,
    ]
    rows = []
    for where, question, average, answers in section.rows:
        r = _Row(audience)
        rows.append(
            [*_where(where), r.text(question), r.number(average), r.number(answers), r.hidden]
        )
    comments = [[*_where(where), _Row.text(text)] for where, text in section.extra_rows]
    return [
        Table(
            "feedback",
            "Survey feedback: one row per program, survey, respondents and question.",
            columns,
            rows,
        ),
        Table(
            "feedback_comments",
            "Anonymous survey comments: one row per comment.",
            [*WHERE, Column("comment", TEXT, "the comment, without its author")],
            comments,
        ),
    ]


def _supply(section: Section, audience: Audience) -> list[Table]:
    places = Column("mentor_places", INTEGER, "summed capacity of mentors at level 4 or 5")
    shortfall = Column(
        "shortfall", INTEGER, "seekers minus mentor places; negative when places outnumber seekers"
    )
    columns = [
        Column("category", TEXT, "skill category"),
        Column("sought", INTEGER, "mentees seeking a skill of the category"),
        places,
        shortfall,
        SUPPRESSED_COLUMN,
    ]
    rows = []
    for label, demand, supply, short in section.rows:
        r = _Row(audience)
        rows.append([r.text(label), r.number(demand), r.number(supply), r.number(short), r.hidden])
    skill_columns = [
        Column("skill", TEXT, "skill name"),
        Column("category", TEXT, "skill category"),
        Column("mentees_seeking", INTEGER, "mentees seeking the skill"),
        Column("mean_gap", NUMBER, "mean of target level minus current level of those mentees"),
        places,
        shortfall,
        SUPPRESSED_COLUMN,
    ]
    skills = []
    for skill, category, demand, gap, supply, short in section.extra_rows:
        r = _Row(audience)
        skills.append(
            [
                r.text(skill),
                r.text(category),
                r.number(demand),
                r.number(gap),
                r.number(supply),
                r.number(short),
                r.hidden,
            ]
        )
    return [
        Table("supply", "Skill supply and demand: one row per skill category.", columns, rows),
        Table(
            "supply_skills", "Skill supply and demand: one row per skill.", skill_columns, skills
        ),
    ]


def _concentration(section: Section, audience: Audience) -> list[Table]:
    columns = [
        Column("skill", TEXT, "skill name"),
        Column("category", TEXT, "skill category"),
        Column("experts", INTEGER, "mentors at level 5 on the skill (0 or 1)"),
        Column("needed_by", INTEGER, "mentees seeking the skill"),
        Column("required_by_roles", INTEGER, "work roles requiring the skill (careers)"),
    ]
    if audience.sees_names:
        columns += [
            Column("sole_expert", TEXT, "name of the only expert, if there is one"),
            Column(
                "suggested_pairings",
                TEXT,
                "people at level 3–4 outside the expert's reporting line, separated by “; ”",
            ),
        ]
    columns.append(SUPPRESSED_COLUMN)
    rows = []
    for skill, category, experts, needed, roles, *names in section.rows:
        r = _Row(audience)
        count = EXPERT_WORDS.get(experts) if isinstance(experts, str) else None
        row = [
            r.text(skill),
            r.text(category),
            count if count is not None else r.number(experts),
            r.number(needed),
            r.number(roles),
        ]
        if audience.sees_names:
            row += [r.text(cell) for cell in (names + ["", ""])[:2]]
        rows.append([*row, r.hidden])
    return [
        Table(
            "concentration",
            "Knowledge concentration: one row per skill held by one expert or none.",
            columns,
            rows,
        )
    ]


def _generic(section: Section, audience: Audience) -> list[Table]:
    """A section without a shaper of its own: its own headers, numbers where they are numbers."""
    tables = []
    for name, headers, page_rows in (
        (section.key, section.headers, section.rows),
        (f"{section.key}_{_slug(section.extra_title)}", section.extra_headers, section.extra_rows),
    ):
        if not headers:
            continue
        numeric = [
            i > 0 and all(_numeric(row[i]) for row in page_rows) for i in range(len(headers))
        ]
        columns = [
            Column(_slug(h), NUMBER if numeric[i] else TEXT, h) for i, h in enumerate(headers)
        ]
        rows = []
        for page_row in page_rows:
            r = _Row(audience)
            cells = [r.number(c) if numeric[i] else r.text(c) for i, c in enumerate(page_row)]
            rows.append([*cells, r.hidden])
        tables.append(Table(name, section.title, [*columns, SUPPRESSED_COLUMN], rows))
    return tables


def _numeric(cell: object) -> bool:
    if cell is None or cell in MISSING or cell == SUPPRESSED or isinstance(cell, int | float):
        return True
    try:
        float(str(cell).rstrip("%"))
    except ValueError:
        return False
    return True


SHAPERS: dict[str, Callable[[Section, Audience], list[Table]]] = {
    "growth": _growth,
    "retention": _retention,
    "career": _career,
    "certifications": _certifications,
    "engagement": _engagement,
    "feedback": _feedback,
    "supply": _supply,
    "concentration": _concentration,
}


def section_tables(section: Section, audience: Audience) -> list[Table]:
    shaper = SHAPERS.get(section.key, _generic)
    try:
        return shaper(section, audience)
    except (TypeError, ValueError):
        # The page's rows changed shape: still export them, with the page's own headers.
        logger.warning("Export of %r fell back to the page's headers.", section.key, exc_info=True)
        return _generic(section, audience)


def dashboard_tables(sections: Iterable[Section], audience: Audience) -> list[Table]:
    return [t for s in sections for t in section_tables(s, audience)]


def table_names(section: Section, audience: Audience) -> list[str]:
    """The tables a section exports, for its download links (no rows are read)."""
    empty = Section(
        section.key,
        section.title,
        section.intro,
        section.headers,
        [],
        extra_title=section.extra_title,
        extra_headers=section.extra_headers,
    )
    return [t.name for t in section_tables(empty, audience)]


def table_links(section: Section, audience: Audience) -> list[tuple[str, str]]:
    """(table name, words for its download link): "supply_skills" -> "Supply skills"."""
    return [(name, name.replace("_", " ").capitalize()) for name in table_names(section, audience)]


def readme(tables: list[Table], *, title: str, filters: str, today) -> str:
    lines = [
        f"{title}: exported from Tandem on {today:%Y-%m-%d}.",
        f"Filters: {filters or 'none'}.",
        "",
        "Each .csv file is one table: UTF-8, comma-separated, the first row names the columns,",
        "then one row per observation. Numbers are plain numbers (percentages as 0-100,",
        "no % sign).",
        "An empty cell is a missing figure: no data, or hidden because fewer than 3 people stand",
        "behind it (then the row's `suppressed` column is true). Booleans are true/false.",
        "Text cells starting with = + - @, a tab or a carriage return are prefixed with ' so a",
        "spreadsheet does not run them as formulas; numbers never are.",
    ]
    for table in tables:
        lines += ["", f"{table.name}.csv: {table.description}"]
        lines += [f"  {c.name} ({c.kind}): {c.description}" for c in table.columns]
    return "\r\n".join(lines) + "\r\n"


def to_zip(tables: list[Table], readme_text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme_text)
        for table in tables:
            archive.writestr(f"{table.name}.csv", table.csv())
    return out.getvalue()
