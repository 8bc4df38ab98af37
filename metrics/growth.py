"""Skill growth from the assessments of helper app `feedback` (baseline vs latest follow-up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from programs.models import SkillCategory

ROLES = ("mentee", "mentor")  # self-rating and mentor rating, always shown separately


class _Changes:
    """Changes and the mentees behind them, as flat lists: summed and counted in C."""

    __slots__ = ("changes", "mentees", "parts")

    def __init__(self) -> None:
        self.changes: list[int] = []
        self.mentees: list[int] = []
        self.parts: list[tuple[int, int, int]] = []  # (mentee, program, skill) of each change

    def extend(self, other: _Changes) -> None:
        self.changes += other.changes
        self.mentees += other.mentees
        self.parts += other.parts

    def summary(self) -> dict:
        """Mean change, the number of mentees, and who stands behind it (for the Builder,
        worked out only when it compares views)."""
        return {"mean": round(sum(self.changes) / len(self.changes), 2) if self.changes else None,
                "n": len(set(self.mentees)), "who": lambda parts=self.parts: frozenset(parts)}


def _summary(by_role: dict[str, _Changes]) -> dict:
    """{role: changes} -> {"self": {mean, n, who}, "mentor": {mean, n, who}}; n = people."""
    return {name: by_role.get(role, _Changes()).summary()
            for role, name in (("mentee", "self"), ("mentor", "mentor"))}


def skill_growth(scope, programs: dict, people: Callable, skills: dict[int, tuple[str, str]]) -> dict:
    """Mean change per skill, per program and per cohort (program start month), with n.

    `skills` is skill id -> (name, category). One query for the changes (the feedback app's),
    and the scope's people, shared with the other selectors.
    """
    from feedback.selectors import skill_changes

    from .selectors import shared

    rows = shared(scope, ("skill_changes", *sorted(programs)), lambda: skill_changes(programs))
    inside = people(scope, {r[1] for r in rows}) if rows else {}
    by_skill: dict[int, dict[str, _Changes]] = defaultdict(lambda: defaultdict(_Changes))
    by_program: dict[int, dict[str, _Changes]] = defaultdict(lambda: defaultdict(_Changes))
    for program_id, mentee_id, skill_id, role, change in rows:
        if mentee_id in inside and role in ROLES:
            for group in (by_skill[skill_id][role], by_program[program_id][role]):
                group.changes.append(change)
                group.mentees.append(mentee_id)
                group.parts.append((mentee_id, program_id, skill_id))
    by_cohort: dict[str, dict[str, _Changes]] = defaultdict(lambda: defaultdict(_Changes))
    for program_id, roles in by_program.items():
        for role, found in roles.items():
            by_cohort[programs[program_id].cohort][role].extend(found)
    labels = dict(SkillCategory.choices)
    named = sorted(by_skill, key=lambda pk: (skills[pk][1], skills[pk][0]))
    return {
        "skills": [{"label": skills[pk][0], "category": labels.get(skills[pk][1], skills[pk][1]),
                    **_summary(by_skill[pk])} for pk in named],
        "programs": [{"label": programs[pk].name, **_summary(v)}
                     for pk, v in sorted(by_program.items(), key=lambda kv: programs[kv[0]].name)],
        "cohorts": [{"label": k, **_summary(v)} for k, v in sorted(by_cohort.items())],
    }
