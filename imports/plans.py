"""What every import produces before touching the database: errors, counts, and an apply step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .csvcheck import RowError

PREVIEW_ROWS = 20


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass
class Plan:
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0
    actions: list[str] = field(default_factory=list)
    preview: list[dict[str, object]] = field(default_factory=list)
    apply: Callable[[], dict[str, int]] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.row_count,
            "create": self.actions.count(Action.CREATE),
            "update": self.actions.count(Action.UPDATE),
            "unchanged": self.actions.count(Action.UNCHANGED),
        }


def sorted_errors(errors: list[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.line, e.column))
