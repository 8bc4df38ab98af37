"""Skill growth from the assessments of helper app `feedback` (baseline vs latest follow-up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from feedback.selectors import skill_changes
from programs.models import SkillCategory

from .selectors import Once, everyone_in

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
        return {
            "mean": round(sum(self.changes) / len(self.changes), 2) if self.changes else None,
            "n": len(set(self.mentees)),
            "who": Once(lambda parts=self.parts: frozenset(parts)),
        }


def _summary(by_role: dict[str, _Changes]) -> dict:
    """{role: changes} -> {"self": {mean, n, who}, "mentor": {mean, n, who}}; n = people."""
    return {
        name: by_role.get(role, _Changes()).summary()
        for role, name in (("mentee", "self"), ("mentor", "mentor"))
    }


def _grouped(rows: list[tuple]) -> tuple[set[int], dict, dict]:
    """The changes per (skill, role) and per (program, role), each as (part, change) with its
    part (mentee, program, skill): grouped once per request, then only filtered per view."""
    by_skill: dict[tuple[int, str], list[tuple[tuple[int, int, int], int]]] = defaultdict(list)
    by_program: dict[tuple[int, str], list[tuple[tuple[int, int, int], int]]] = defaultdict(list)
    for program_id, mentee_id, skill_id, role, change in rows:
        if role in ROLES:
            found = ((mentee_id, program_id, skill_id), change)
            by_skill[skill_id, role].append(found)
            by_program[program_id, role].append(found)
    return {r[1] for r in rows}, dict(by_skill), dict(by_program)


Items = list[tuple[tuple[int, int, int], int]]


def _by_mentee(groups: dict[tuple[int, str], Items]) -> dict[tuple[int, str], dict[int, Items]]:
    """Each group's changes per mentee: a view keeping a few of a group's mentees (a manager's
    subtree) looks them up instead of going through the group's every change."""
    found: dict[tuple[int, str], dict[int, Items]] = {}
    for key, items in groups.items():
        mine: dict[int, Items] = defaultdict(list)
        for item in items:
            mine[item[0][0]].append(item)
        found[key] = dict(mine)
    return found


def _changes(found: list[tuple[tuple[int, int, int], int]]) -> _Changes:
    group = _Changes()
    group.parts = [part for part, _change in found]
    group.changes = [change for _part, change in found]
    group.mentees = [part[0] for part in group.parts]
    return group


def skill_growth(
    scope, programs: dict, people: Callable, skills: dict[int, tuple[str, str]]
) -> dict:
    """Mean change per skill, per program and per cohort (program start month), with n.

    `skills` is skill id -> (name, category). One query for the changes (the feedback app's),
    and the scope's people, shared with the other selectors.
    """
    from .selectors import shared

    key = tuple(sorted(programs))
    rows = shared(scope, ("skill_changes", *key), lambda: skill_changes(programs))
    mentees, skill_groups, program_groups = shared(
        scope, ("skill_changes_grouped", *key), lambda: _grouped(rows)
    )
    everyone = everyone_in(scope)
    inside = {} if everyone or not rows else people(scope, mentees)
    if everyone or len(inside) == len(mentees):  # nothing to filter out
        # The same in every view of the request that leaves no mentee out.
        return shared(
            scope,
            ("skill_growth", *key),
            lambda: _growth(programs, skills, skill_groups, program_groups),
        )
    per_skill, per_program = shared(
        scope,
        ("skill_changes_by_mentee", *key),
        lambda: (_by_mentee(skill_groups), _by_mentee(program_groups)),
    )
    return _growth(programs, skills, _kept(per_skill, inside), _kept(per_program, inside))


def _kept(groups: dict[tuple[int, str], dict[int, Items]], inside) -> dict[tuple[int, str], Items]:
    """The changes of each group's mentees who are `inside` the view, looking up the smaller
    side."""
    found = {}
    for key, mine in groups.items():
        if len(inside) < len(mine):
            items = [item for m in inside if m in mine for item in mine[m]]
        else:
            items = [item for m, theirs in mine.items() if m in inside for item in theirs]
        if items:
            found[key] = items
    return found


def _growth(
    programs: dict,
    skills: dict[int, tuple[str, str]],
    skill_groups: dict,
    program_groups: dict,
) -> dict:

    def kept(groups: dict) -> dict[int, dict[str, _Changes]]:
        found: dict[int, dict[str, _Changes]] = defaultdict(dict)
        for (pk, role), items in groups.items():
            if items:
                found[pk][role] = _changes(items)
        return found

    by_skill, by_program = kept(skill_groups), kept(program_groups)
    by_cohort: dict[str, dict[str, _Changes]] = defaultdict(lambda: defaultdict(_Changes))
    for program_id, roles in by_program.items():
        for role, found in roles.items():
            by_cohort[programs[program_id].cohort][role].extend(found)
    labels = dict(SkillCategory.choices)
    named = sorted(by_skill, key=lambda pk: (skills[pk][1], skills[pk][0]))
    return {
        "skills": [
            {
                "label": skills[pk][0],
                "category": labels.get(skills[pk][1], skills[pk][1]),
                **_summary(by_skill[pk]),
            }
            for pk in named
        ],
        "programs": [
            {"label": programs[pk].name, **_summary(v)}
            for pk, v in sorted(by_program.items(), key=lambda kv: programs[kv[0]].name)
        ],
        "cohorts": [{"label": k, **_summary(v)} for k, v in sorted(by_cohort.items())],
    }
