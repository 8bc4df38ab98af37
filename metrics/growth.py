"""Skill growth from the assessments of helper app `feedback` (baseline vs latest follow-up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from feedback.selectors import skill_changes
from programs.models import SkillCategory

from .selectors import Once

ROLES = ("mentee", "mentor")  # self-rating and mentor rating, always shown separately


class _Changes:
    """The changes of the mentees kept in a group (or several: a cohort's programs), summed
    per mentee once per request (see `_grouped`): a view adds up its mentees' totals."""

    __slots__ = ("count", "mentees", "parts", "total")

    def __init__(self) -> None:
        self.total = 0
        self.count = 0
        self.mentees: set[int] = set()
        self.parts: list[list[tuple[int, int, int]]] = []  # per mentee: (mentee, program, skill)

    def add(self, group: dict[int, _Mentee], mentees: Iterable[int]) -> None:
        for mentee in mentees:
            found = group[mentee]
            self.total += found.total
            self.count += found.count
            self.mentees.add(mentee)
            self.parts.append(found.parts)

    def summary(self) -> dict:
        """Mean change, the number of mentees, and who stands behind it (for the Builder,
        worked out only when it compares views, once)."""
        return {
            "mean": round(self.total / self.count, 2) if self.count else None,
            "n": len(self.mentees),
            "who": Once(lambda parts=self.parts: frozenset(p for found in parts for p in found)),
        }


class _Mentee:
    """One mentee's changes in a group: their sum, how many, and the part of each."""

    __slots__ = ("count", "parts", "total")

    def __init__(self) -> None:
        self.total = 0
        self.count = 0
        self.parts: list[tuple[int, int, int]] = []


def _summary(by_role: dict[str, _Changes]) -> dict:
    """{role: changes} -> {"self": {mean, n, who}, "mentor": {mean, n, who}}; n = people."""
    return {
        name: by_role.get(role, _Changes()).summary()
        for role, name in (("mentee", "self"), ("mentor", "mentor"))
    }


Groups = dict[tuple[int, str], dict[int, _Mentee]]


def _grouped(rows: list[tuple]) -> tuple[set[int], Groups, Groups]:
    """The changes per (skill, role) and per (program, role), summed per mentee with the part
    (mentee, program, skill) of each: grouped once per request, then only filtered per view."""
    by_skill: Groups = defaultdict(lambda: defaultdict(_Mentee))
    by_program: Groups = defaultdict(lambda: defaultdict(_Mentee))
    for program_id, mentee_id, skill_id, role, change in rows:
        if role in ROLES:
            part = (mentee_id, program_id, skill_id)
            for found in (
                by_skill[skill_id, role][mentee_id],
                by_program[program_id, role][mentee_id],
            ):
                found.total += change
                found.count += 1
                found.parts.append(part)
    plain = {k: dict(v) for k, v in by_skill.items()}, {k: dict(v) for k, v in by_program.items()}
    return {r[1] for r in rows}, *plain


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
    inside = people(scope, mentees) if rows else {}
    everyone = len(inside) == len(mentees)  # nothing to filter out
    if everyone:
        # The same in every view of the request that leaves no mentee out.
        return shared(
            scope,
            ("skill_growth", *key),
            lambda: _growth(programs, skills, skill_groups, program_groups, inside, True),
        )
    return _growth(programs, skills, skill_groups, program_groups, inside, False)


def _growth(
    programs: dict,
    skills: dict[int, tuple[str, str]],
    skill_groups: dict,
    program_groups: dict,
    inside,
    everyone: bool,
) -> dict:

    def mine(group: dict[int, _Mentee]) -> Iterable[int]:
        """The group's mentees in the view, looking up the smaller side."""
        if everyone:
            return group
        if len(inside) < len(group):
            return [m for m in inside if m in group]
        return [m for m in group if m in inside]

    def kept(groups: Groups) -> dict[int, dict[str, tuple[dict, list[int]]]]:
        found: dict[int, dict[str, tuple[dict, list[int]]]] = defaultdict(dict)
        for (pk, role), group in groups.items():
            mentees = mine(group)
            if mentees:
                found[pk][role] = (group, mentees)
        return found

    def changes(parts: list[tuple[dict, Iterable[int]]]) -> _Changes:
        found = _Changes()
        for group, mentees in parts:
            found.add(group, mentees)
        return found

    by_skill = {
        pk: {role: changes([part]) for role, part in roles.items()}
        for pk, roles in kept(skill_groups).items()
    }
    programs_kept = kept(program_groups)
    by_program = {
        pk: {role: changes([part]) for role, part in roles.items()}
        for pk, roles in programs_kept.items()
    }
    cohort_parts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for program_id, roles in programs_kept.items():
        for role, part in roles.items():
            cohort_parts[programs[program_id].cohort][role].append(part)
    by_cohort = {
        cohort: {role: changes(parts) for role, parts in roles.items()}
        for cohort, roles in cohort_parts.items()
    }
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
