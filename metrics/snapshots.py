"""Dashboards as built once a day: what identifies a view, and its sections as JSON.

A dashboard's figures come from the whole organisation (comparison groups matched by
department and tenure, cohorts, the wider views of the differencing protection), so building
one takes a second or more on a large organisation. Most of it only changes daily. A view is
therefore built once per day (by the morning task, or by its first viewer) and stored with
its sections exactly as the page shows them, after suppression and differencing protection
(`metrics.models.DashboardSnapshot`); later viewers of the same view that day read one row.

Privacy: the key of a stored view hashes everything the build reads besides the data itself
(`View`: audience, programs, the viewer's wider programs, filters; for a manager, their place
in the reporting line and a fingerprint of their subtree). Two viewers share a stored view
only when their own builds would have had exactly the same inputs, so the stored sections
are what each of them would have been shown that day; a manager can never be served another
manager's view (the manager is part of the key).

Stored as JSON (never pickle): numbers, text and None as they are, a Decimal or a date
tagged; the charts and each section's card (metrics.drawing) are the HTML this code drew
(every value escaped when drawn) and are marked safe again on reading.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from people.models import User
from people.selectors import subtree, subtrees_up_the_line

from . import drawing
from .dashboards import Audience, Builder, Section, wider_scopes
from .dashboards import _shared as is_shared
from .selectors import Scope, TeamTotals, team_totals

# Part of every key: bump it when what a build stores changes shape or meaning, so a deploy
# never serves views built by the previous code.
FORMAT = 2


@dataclass(frozen=True)
class View:
    """Everything a dashboard build reads besides the data: what identifies a stored view.

    Program ids are sorted: the same programs in another order are the same view.
    """

    audience: Audience
    program_ids: tuple[int, ...]
    # The viewer's widest program set: what a program filter is compared with (wider views).
    all_program_ids: tuple[int, ...]
    # A manager's team dashboard: the subtree of this manager; `manager_path` (their stored
    # reporting path) names the line above them, whose subtrees are the wider views.
    manager_id: int | None = None
    manager_path: str = ""
    department_id: int | None = None
    cohort: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def of(
        cls,
        scope: Scope,
        audience: Audience,
        *,
        all_program_ids: Iterable[int],
        manager: User | None = None,
        manager_path: str = "",
    ) -> View:
        return cls(
            audience=audience,
            program_ids=tuple(sorted(scope.program_ids or ())),
            all_program_ids=tuple(sorted(all_program_ids)),
            manager_id=manager.pk if manager is not None else None,
            manager_path=manager_path,
            department_id=scope.department_id,
            cohort=scope.cohort,
            date_from=scope.date_from,
            date_to=scope.date_to,
        )

    @property
    def is_default(self) -> bool:
        """No department, cohort or date filter: a view the morning refresh keeps up."""
        return not (self.department_id or self.cohort or self.date_from or self.date_to)

    @property
    def label(self) -> str:
        if self.manager_id is not None:
            what = f"Team dashboard of user {self.manager_id}"
        elif self.audience is Audience.LEADERSHIP:
            what = "Leadership view"
        elif len(self.program_ids) == 1 and self.program_ids != self.all_program_ids:
            what = f"Program {self.program_ids[0]} (HR of {len(self.all_program_ids)} programs)"
        else:
            what = f"Programs dashboard ({len(self.program_ids)} programs)"
        return what if self.is_default else f"{what}, filtered"

    def to_json(self) -> dict:
        return {
            "audience": self.audience.value,
            "program_ids": list(self.program_ids),
            "all_program_ids": list(self.all_program_ids),
            "manager_id": self.manager_id,
            "manager_path": self.manager_path,
            "department_id": self.department_id,
            "cohort": self.cohort,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> View:
        return cls(
            audience=Audience(data["audience"]),
            program_ids=tuple(data["program_ids"]),
            all_program_ids=tuple(data["all_program_ids"]),
            manager_id=data.get("manager_id"),
            manager_path=data.get("manager_path") or "",
            department_id=data.get("department_id"),
            cohort=data.get("cohort"),
            date_from=date.fromisoformat(data["date_from"]) if data.get("date_from") else None,
            date_to=date.fromisoformat(data["date_to"]) if data.get("date_to") else None,
        )

    def scope(self, *, people: frozenset[int] | None, today: date) -> Scope:
        return Scope(
            program_ids=self.program_ids,
            people_ids=people,
            department_id=self.department_id,
            cohort=self.cohort,
            date_from=self.date_from,
            date_to=self.date_to,
            today=today,
        )


def fingerprint(ids: Iterable[int]) -> list[int]:
    """A manager's subtree in three numbers (count, sum and sum of squares of the ids): a
    change of who is in it changes the key, and with it the stored view. The same numbers
    come from SQL (metrics.selectors.subtree_fingerprint) without loading the ids."""
    n = total = squares = 0
    for pk in ids:
        n, total, squares = n + 1, total + pk, squares + pk * pk
    return [n, total, squares]


def key_for(view: View, people: list[int] | None) -> str:
    """The stored view's key: a hash of the view and, for a manager, their subtree's
    fingerprint (never of the day: a view is rebuilt in place when its day is past)."""
    body = json.dumps(
        {"format": FORMAT, "view": view.to_json(), "people": people},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class Built:
    """A built view: its sections; for a manager's team, the team's totals (counts that need
    no suppression) and the subtree's fingerprint (part of the key, not stored); the audience
    it was built for (what its sections are drawn for when stored)."""

    sections: list[Section]
    team: TeamTotals | None = None
    people: list[int] | None = None
    audience: Audience | None = None


def build(view: View, *, manager: User | None, today: date, cache: dict | None = None) -> Built:
    """The view, built as the page always built it.

    `cache`: rows shared between builds of one refresh run (only those the Builder shares
    between a view and its wider views, which don't depend on the view's people or filters).
    """
    people = None
    bases: list[frozenset[int] | None] = []
    if view.manager_id is not None:
        # Own subtree, then the subtrees of the managers above, whose dashboards are
        # published too, and the whole organisation.
        subtrees = subtrees_up_the_line(manager)
        people = subtrees[0]
        bases = [*subtrees[1:], None]
    scope = view.scope(people=people, today=today)
    if cache:
        scope.cache.update({k: v for k, v in cache.items() if is_shared(k)})
    # Every view of the same figures the viewer could set beside this one (see Builder).
    wider = wider_scopes(scope, all_program_ids=view.all_program_ids, people_bases=bases)
    sections = Builder(scope, view.audience, wider=wider).sections()
    if cache is not None:
        cache.update({k: v for k, v in scope.cache.items() if is_shared(k)})
    if people is None:
        return Built(sections, audience=view.audience)
    team = team_totals(subtree(manager), today, size=len(people))
    return Built(sections, team=team, people=fingerprint(people), audience=view.audience)


# --- sections as JSON ----------------------------------------------------------------------

SECTION_FIELDS = [f.name for f in fields(Section) if f.name != "stored_pieces"]


def _tagged(value: object) -> object:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Promise):  # a lazy translation
        return str(value)
    raise TypeError(f"A dashboard cell of type {type(value).__name__} can't be stored.")


def _untag(found: dict) -> object:
    if len(found) == 1:
        if "$decimal" in found:
            return Decimal(found["$decimal"])
        if "$date" in found:
            return date.fromisoformat(found["$date"])
    return found


def encode(built: Built) -> str:
    """The view as JSON text; TypeError for a cell that JSON can't hold faithfully.

    With each section, its card as drawn now for the view's audience (`drawing.section_pieces`,
    every value escaped: most of a render's time), the language it was drawn in and the
    drawing's version: a reader in the same language, of the same code, shows it as it is.
    The drawing is made from the very sections stored beside it (suppressed), so it shows
    nothing more, and it is rebuilt whenever they are.
    """
    language = get_language()
    sections = []
    for s in built.sections:
        data = {name: getattr(s, name) for name in SECTION_FIELDS}
        if built.audience is not None:
            data["$html"] = {
                "language": language,
                "version": drawing.VERSION,
                "pieces": [str(p) for p in drawing.section_pieces(s, built.audience)],
            }
        sections.append(data)
    team = None if built.team is None else asdict(built.team)
    return json.dumps(
        {"sections": sections, "team": team},
        default=_tagged,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def decode(payload: str) -> Built:
    language = get_language()
    found = json.loads(payload, object_hook=_untag)
    sections = []
    for data in found["sections"]:
        chart = data.get("chart")
        data["chart"] = mark_safe(chart) if chart else None  # noqa: S308 - drawn (escaped) by metrics.charts
        data["links"] = [tuple(link) for link in data.get("links", [])]
        section = Section(**{k: v for k, v in data.items() if k in SECTION_FIELDS})
        html = data.get("$html") or {}
        if html.get("language") == language and html.get("version") == drawing.VERSION:
            # Drawn by drawing.section_pieces, every value escaped; joined with the query.
            section.stored_pieces = html["pieces"]
        sections.append(section)
    team = found.get("team")
    return Built(sections, team=TeamTotals(**team) if team else None)
