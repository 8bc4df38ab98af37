"""Skill growth from the assessments of helper app `feedback` (baseline vs latest follow-up)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from statistics import fmean

from programs.models import SkillCategory

ROLES = ("mentee", "mentor")  # self-rating and mentor rating, always shown separately


def _summary(changes: dict[str, list[tuple[int, int]]]) -> dict:
    """{role: [(mentee, change)]} -> {"self": {mean, n}, "mentor": {mean, n}}; n = people."""
    out = {}
    for role, name in (("mentee", "self"), ("mentor", "mentor")):
        items = changes.get(role, [])
        out[name] = {
            "mean": round(fmean(c for _m, c in items), 2) if items else None,
            "n": len({m for m, _c in items}),
        }
    return out


def skill_growth(scope, programs: dict, people: Callable) -> dict:
    """Mean change per skill, per program and per cohort (program start month), with n.

    Two queries: the feedback app's growth rows, then the mentees inside the scope.
    """
    from feedback.selectors import skill_growth_rows

    rows = [r for r in skill_growth_rows() if r["program_id"] in programs
            and r["change"] is not None and r["rater_role"] in ROLES]
    inside = people(scope, {r["mentee_id"] for r in rows}) if rows else {}
    by_skill: dict[tuple, dict] = defaultdict(lambda: defaultdict(list))
    by_program: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    by_cohort: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        if r["mentee_id"] not in inside:
            continue
        item = (r["mentee_id"], r["change"])
        by_skill[(r["skill_category"], r["skill_name"])][r["rater_role"]].append(item)
        program = programs[r["program_id"]]
        by_program[program.name][r["rater_role"]].append(item)
        by_cohort[program.cohort][r["rater_role"]].append(item)
    labels = dict(SkillCategory.choices)
    return {
        "skills": [{"label": name, "category": labels.get(cat, cat), **_summary(v)}
                   for (cat, name), v in sorted(by_skill.items())],
        "programs": [{"label": k, **_summary(v)} for k, v in sorted(by_program.items())],
        "cohorts": [{"label": k, **_summary(v)} for k, v in sorted(by_cohort.items())],
    }
