"""A person's gap to a work role, and a plan of goals and milestones from it (pure, no Django).

Method: a role requires skills at levels 1-5 (the skills taxonomy's scale) and, per skill, the
checklist items of that level and below. The gap is every required skill whose current level
is below the required one, largest shortfall first, plus the items without confirmed evidence.
The plan makes one goal per skill of the gap with one milestone per level to climb, and spaces
the milestones one per cadence date, in the order of the gap (the dates are the program's
milestone cadence, worked out by the caller); steps beyond the last date share it.

Complexity: with R required skills, I checklist items and D dates, `compute_gap` is
O(R log R + I) and `propose_plan` O(R + steps + D), where steps is the sum of shortfalls
(at most 4 per skill).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Requirement:
    skill_id: int
    name: str
    level: int


@dataclass(frozen=True)
class Item:
    id: int
    skill_id: int
    level: int
    text: str


@dataclass(frozen=True)
class SkillGap:
    skill_id: int
    name: str
    current: int
    required: int

    @property
    def shortfall(self) -> int:
        return self.required - self.current


@dataclass(frozen=True)
class Gap:
    skills: tuple[SkillGap, ...]
    open_items: tuple[Item, ...]
    met: int  # required skills at or above the required level
    required: int  # required skills

    @property
    def share_met(self) -> float | None:
        return self.met / self.required if self.required else None

    @property
    def is_closed(self) -> bool:
        return not self.skills and not self.open_items


@dataclass
class ProposedGoal:
    skill_id: int
    title: str
    milestones: list[tuple[str, date]] = field(default_factory=list)

    @property
    def target_date(self) -> date | None:
        return self.milestones[-1][1] if self.milestones else None


def current_level(
    *, mentor_rating: int | None, self_rating: int | None, declared: int | None
) -> int:
    """One skill's current level: the latest mentor rating, else the latest self-rating, else
    the level declared when enrolling, else 0 (not held)."""
    for level in (mentor_rating, self_rating, declared):
        if level:
            return int(level)
    return 0


def role_items(requirements: Iterable[Requirement], items: Iterable[Item]) -> list[Item]:
    """The checklist items a role includes: those of a required skill at or below its level."""
    required = {r.skill_id: r.level for r in requirements}
    return [i for i in items if i.level <= required.get(i.skill_id, 0)]


def share_met(requirements: Sequence[Requirement], levels: Mapping[int, int]) -> tuple[int, int]:
    """(required skills met, required skills)."""
    met = sum(1 for r in requirements if levels.get(r.skill_id, 0) >= r.level)
    return met, len(requirements)


def compute_gap(
    requirements: Sequence[Requirement],
    levels: Mapping[int, int],
    items: Iterable[Item] = (),
    evidenced: Iterable[int] = (),
) -> Gap:
    """The skills below the required level (largest shortfall first, then by name) and the
    role's checklist items whose ids are not in `evidenced`."""
    skills = [
        SkillGap(r.skill_id, r.name, levels.get(r.skill_id, 0), r.level)
        for r in requirements
        if levels.get(r.skill_id, 0) < r.level
    ]
    skills.sort(key=lambda g: (-g.shortfall, g.name.lower(), g.skill_id))
    done = set(evidenced)
    open_items = tuple(i for i in role_items(requirements, items) if i.id not in done)
    return Gap(tuple(skills), open_items, len(requirements) - len(skills), len(requirements))


def propose_plan(gap: Gap, dates: Sequence[date], *, role_title: str) -> list[ProposedGoal]:
    """One goal per skill of the gap, one milestone per level to climb, on the cadence dates.

    The k-th milestone overall (in gap order) is due on dates[k]; later ones on the last date.
    No dates: no milestones (the caller passes at least the program's end date).
    """
    plan: list[ProposedGoal] = []
    step = 0
    for g in gap.skills:
        goal = ProposedGoal(
            skill_id=g.skill_id, title=f"{g.name}: reach level {g.required} for {role_title}"
        )
        for level in range(g.current + 1, g.required + 1):
            if dates:
                due = dates[min(step, len(dates) - 1)]
                goal.milestones.append((f"{g.name} at level {level}", due))
            step += 1
        plan.append(goal)
    return plan
