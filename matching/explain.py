"""A run's explanations for many pairs at once (pure module: numpy only, no Django).

``scoring.component_points`` and ``scoring.explain`` recompute one pair from one-element
arrays: a few dozen numpy calls and two ``take`` copies per pair, about 0.3 ms, twice per
proposal (the explanation and the weak-match check). Here the same component functions run
on chunks of c pairs at once: each call gives the c × c block of every chunk mentee against
every chunk mentor, and the pairs are its diagonal. The functions use only correctly rounded
IEEE operations, whose results do not depend on array shape (``matching.scoring``), so the
figures are the very ones ``score_matrix`` added up and ``component_points`` reports.

Complexity, for k pairs, s skills and chunks of c pairs: O(k·c + k·s) numpy work and O(k/c)
numpy calls for the points, then O(s) Python per pair for the texts. Each component's
points are split over its lines by the largest remainder method, as in ``scoring.explain``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from . import scoring
from .scoring import MenteeData, MentorData, Reason, ScoringOptions, Weights

# Pairs per chunk: a c × c block per component call, of which the c diagonal cells are used.
_CHUNK = 128
# Pairs per block of the skill lines: a few (block × skills) int64 arrays, 2 MB each at 60.
_SKILL_ROWS = 4096


def _diagonals(
    mentees: MenteeData,
    mentors: MentorData,
    rows: np.ndarray,
    cols: np.ndarray,
    blocks: Callable[[MenteeData, MentorData], dict[str, np.ndarray]],
) -> dict[str, np.ndarray]:
    """``blocks(mentees of a chunk, mentors of a chunk)`` gives (c, c) arrays by name; the
    pairs (rows[t], cols[t]) are their diagonals, concatenated over the chunks."""
    parts: dict[str, list[np.ndarray]] = {}
    for start in range(0, rows.size, _CHUNK):
        chunk = slice(start, start + _CHUNK)
        a, b = mentees.take(rows[chunk]), mentors.take(cols[chunk])
        for name, block in blocks(a, b).items():
            parts.setdefault(name, []).append(np.diagonal(block))
    return {name: np.concatenate(values) for name, values in parts.items()}


def component_points_many(
    mentees: MenteeData,
    mentors: MentorData,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: Weights | None = None,
    *,
    reverse: bool = False,
    options: ScoringOptions | None = None,
) -> dict[str, np.ndarray]:
    """Per component, the int64 points of each pair (rows[t], cols[t]); for every t they
    equal ``scoring.component_points(mentees, mentors, rows[t], cols[t], ...)``.
    O(k·c + k·s) for k pairs (module docstring)."""
    weights = weights or Weights()
    opt = options or ScoringOptions()
    pts = weights.points()
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    if rows.size == 0:
        return {name: np.zeros(0, dtype=np.int64) for name in scoring.COMPONENTS}

    def blocks(a: MenteeData, b: MentorData) -> dict[str, np.ndarray]:
        skills = scoring._skill_plan(a, b)
        units = scoring._skill_units(skills, slice(0, a.n), b.m)
        out = {"skill_fit": scoring._skill_fit_points(units, skills.needed, pts["skill_fit"])}
        for comp in scoring._table_components(a, b, pts, opt, reverse):
            out[comp.name] = comp.points(*comp.keys)
        return out

    points = _diagonals(mentees, mentors, rows, cols, blocks)
    return {name: points[name].astype(np.int64) for name in scoring.COMPONENTS}


def explain_many(
    mentees: MenteeData,
    mentors: MentorData,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: Weights | None = None,
    skill_names: Sequence[str] | None = None,
    *,
    reverse: bool = False,
    options: ScoringOptions | None = None,
    track_names: Sequence[str] | None = None,
    style_names: Sequence[str] = scoring.STYLE_NAMES,
    parts: dict[str, np.ndarray] | None = None,
) -> list[list[Reason]]:
    """``scoring.explain`` for each pair (rows[t], cols[t]), the same lines and points;
    ``parts`` are the pairs' ``component_points_many`` if already computed.

    O(k·c + k·s) numpy work, then O(s) Python per pair for the texts.
    """
    weights = weights or Weights()
    opt = options or ScoringOptions()
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    if parts is None:
        parts = component_points_many(
            mentees, mentors, rows, cols, weights, reverse=reverse, options=opt
        )
    weight = weights.points()["availability"]

    def blocks(a: MenteeData, b: MentorData) -> dict[str, np.ndarray]:
        hours = scoring._availability_points(
            a.hours_per_month, a.utc_offset, b, weight, opt, ignore_timezone=True
        )
        return {"hours": hours, "apart": scoring._timezone_distance(a.utc_offset, b)}

    extra = (
        _diagonals(mentees, mentors, rows, cols, blocks)
        if rows.size
        else {"hours": np.zeros(0, np.int64), "apart": np.zeros(0)}
    )
    names = list(skill_names) if skill_names is not None else None
    columns = {name: values.tolist() for name, values in parts.items()}
    hours_only, apart = extra["hours"].astype(np.int64).tolist(), extra["apart"].tolist()
    wanted = mentees.hours_per_month[rows].tolist()
    offered = mentors.hours_per_month[cols].tolist()
    out: list[list[Reason]] = []
    for start in range(0, rows.size, _SKILL_ROWS):  # (pairs × skills) int64 work per block
        chunk = slice(start, start + _SKILL_ROWS)
        fit = parts["skill_fit"][chunk]
        out += _skill_reasons(mentees, mentors, rows[chunk], cols[chunk], fit, names)
    for t, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        reasons = out[t]
        reasons.append(scoring._career_reason(mentees, i, columns["career_goal"][t], track_names))
        reasons.append(
            scoring._style_reason(mentees, mentors, i, j, columns["communication"][t], style_names)
        )
        reasons.append(
            scoring._experience_reason(mentees, mentors, i, j, columns["experience"][t], reverse)
        )
        reasons.extend(
            _availability_reasons(
                wanted[t], offered[t], apart[t], hours_only[t], columns["availability"][t]
            )
        )
        reasons.append(scoring._diversity_reason(mentees, mentors, i, j, columns["diversity"][t]))
    return out


def _skill_reasons(
    mentees: MenteeData,
    mentors: MentorData,
    rows: np.ndarray,
    cols: np.ndarray,
    points: np.ndarray,
    names: list[str] | None,
) -> list[list[Reason]]:
    """``scoring._skill_reasons`` for every pair at once: each pair's skill-fit points split
    over its sought skills by the largest remainder method (the leftover points to the
    largest remainders, ties by skill), lines by points, then units, then skill.

    O(k·s) numpy work, then O(1) Python per line.
    """
    current = mentees.current_levels[rows].astype(np.int64)
    target = mentees.target_levels[rows].astype(np.int64)
    offered = mentors.proficiency[cols].astype(np.int64)
    sought = target > current
    units = np.where(sought, scoring._covered_units(current, target, offered), 0).astype(np.int64)
    whole = units.sum(axis=1)
    base, rest = np.divmod(points[:, None] * units, np.maximum(whole, 1)[:, None])
    # Leftover points go to the largest remainders; a stable sort keeps ties in skill order,
    # and only sought skills can have a remainder.
    order = np.argsort(-rest, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(units.shape[1])[None, :], axis=1)
    split = base + (rank < (points - base.sum(axis=1))[:, None])
    split[whole == 0] = 0
    r, skill = np.nonzero(sought)
    line = np.lexsort((skill, -units[r, skill], -split[r, skill], r))
    r, skill = r[line], skill[line]
    figures = zip(
        r.tolist(),
        skill.tolist(),
        split[r, skill].tolist(),
        offered[r, skill].tolist(),
        target[r, skill].tolist(),
        current[r, skill].tolist(),
        strict=True,
    )
    out: list[list[Reason]] = [[] for _ in range(rows.size)]
    for t, s, share, offers, wants, has in figures:
        name = names[s] if names is not None else f"skill {s}"
        out[t].append(scoring._reason(f"{name}: offers {offers}, wants {wants} from {has}", share))
    for t in np.nonzero(~sought.any(axis=1))[0].tolist():
        out[t].append(scoring._reason("no skills sought", int(points[t])))
    return out


def _availability_reasons(
    wanted: float, offered: float, apart: float, hours_only: int, points: int
) -> list[Reason]:
    """The two availability lines of ``scoring._availability_reasons`` from the pair's figures:
    hours as if time zones matched, and the time-zone rest (so they add up to the component)."""
    number = scoring._format_number
    hours_text = f"{number(offered)} h/month offered, {number(wanted)} wanted"
    tz_text = "same time zone" if apart == 0 else f"time zone {number(apart)} h apart"
    return [scoring._reason(hours_text, hours_only), scoring._reason(tz_text, points - hours_only)]
