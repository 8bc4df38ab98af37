"""One matching run's computation: score, assign, explain, summarise (no DB writes).

Kept apart from services.py so the stages are small functions that take arrays
and ``ProgramData`` and return plain values; services.py owns the transaction.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from programs.models import Format

from . import engine, peers, scoring
from .data import TRACK_NAMES, ProgramData
from .models import Objective

Progress = Callable[[int, str], None]


@dataclass
class RunResult:
    assignment: np.ndarray  # (n,) mentor index or -1; for peers the partner index
    scores: np.ndarray  # (n, m) int16
    allowed: np.ndarray  # (n, m) bool actually used (peer: symmetric)
    closed: set[int] = field(default_factory=set)  # group mentors closed for min size
    timings: dict[str, float] = field(default_factory=dict)
    objective: int = 0
    greedy_objective: int | None = None
    peer: bool = False
    note: str = ""  # how the assignment was found, when it is not exhaustive


def weights_from(parameters: dict) -> scoring.Weights:
    return scoring.Weights(**parameters["weights"])


def compute(data: ProgramData, parameters: dict, progress: Progress) -> RunResult:
    timings: dict[str, float] = {}
    weights = weights_from(parameters)
    started = time.perf_counter()
    scores = scoring.score_matrix(data.mentees, data.mentors, weights, reverse=data.reverse)
    timings["score"] = round(time.perf_counter() - started, 4)
    progress(40, "Finding the best assignment…")
    started = time.perf_counter()
    maximize = parameters["mode"] == Objective.MAX_MATCHED
    if data.program.format == Format.PEER:
        result = _assign_peers(scores, data.allowed, maximize)
    elif data.program.format == Format.GROUP:
        result = _assign_groups(scores, data, parameters, maximize)
    else:
        assignment = engine.assign(
            scores, data.capacity, data.allowed, tuple(parameters["load_penalty"]), maximize
        )
        result = RunResult(assignment, scores, data.allowed)
    timings["assign"] = round(time.perf_counter() - started, 4)
    result.timings = timings
    result.objective = _objective(result)
    if data.program.format != Format.PEER:
        mate = engine.greedy(scores, data.capacity, data.allowed)
        rows = np.nonzero(mate >= 0)[0]
        result.greedy_objective = int(scores[rows, mate[rows]].sum(dtype=np.int64))
    return result


def _assign_groups(scores, data: ProgramData, parameters: dict, maximize: bool) -> RunResult:
    """Solve, then close the smallest under-sized cohort and re-solve until all are big enough.

    A cohort counts the mentor's live mentees too.  Each round closes one
    mentor for good, so this ends after at most m rounds.
    """
    capacity = data.capacity.copy()
    minimum = data.program.min_group_size
    closed: set[int] = set()
    penalty = tuple(parameters["load_penalty"])
    while True:
        assignment = engine.assign(scores, capacity, data.allowed, penalty, maximize)
        new = np.bincount(assignment[assignment >= 0], minlength=data.mentors.m)
        size = new + data.load
        small = np.nonzero((new > 0) & (size < minimum))[0]
        if small.size == 0:
            return RunResult(assignment, scores, data.allowed, closed)
        j = int(small[np.argmin(size[small])])
        capacity[j] = 0
        closed.add(j)


def _assign_peers(scores: np.ndarray, allowed: np.ndarray, maximize: bool) -> RunResult:
    """General-graph maximum-weight matching over the pool (see `matching.peers`)."""
    both = allowed & allowed.T
    np.fill_diagonal(both, False)
    symmetric = (scores.astype(np.int32) + scores.T) // 2
    partner, note = peers.match_peers(symmetric, both, maximize_matched=maximize)
    return RunResult(partner, symmetric.astype(np.int16), both, peer=True, note=note)


def _objective(result: RunResult) -> int:
    rows = np.nonzero(result.assignment >= 0)[0]
    total = int(result.scores[rows, result.assignment[rows]].sum())
    # Peers appear twice (a→b and b→a); count each pair once.
    return total // 2 if result.peer else total


# --- explanations and alternatives ----------------------------------------------------------


def explain_pair(data: ProgramData, weights: scoring.Weights, i: int, j: int) -> list[list]:
    reasons = scoring.explain(
        data.mentees, data.mentors, i, j, weights, data.skill_names, reverse=data.reverse,
        track_names=TRACK_NAMES,
    )
    return [[r.text, r.points] for r in reasons]


def explain_peers(data: ProgramData, weights: scoring.Weights, a: int, b: int) -> list[list]:
    """Both directions, then the averaging step, so the lines sum to the pair's score."""
    names = data.mentee_people
    lines: list[list] = []
    for x, y in ((a, b), (b, a)):
        for text, points in explain_pair(data, weights, x, y):
            lines.append([f"{names[x].name} learning from {names[y].name} — {text}", points])
    total = sum(points for _, points in lines)
    averaged = total // 2
    lines.append([f"averaged over both directions ({scoring.signed(averaged - total)})",
                  averaged - total])
    return lines


def alternatives(data: ProgramData, result: RunResult, i: int, left: np.ndarray) -> list[dict]:
    row = np.where(result.allowed[i], result.scores[i].astype(np.int32), -1)
    if result.assignment[i] >= 0:
        row[result.assignment[i]] = -1
    count = min(3, int((row >= 0).sum()))
    if count == 0:
        return []
    best = np.argpartition(-row, count - 1)[:count]
    best = best[np.argsort(-row[best], kind="stable")]
    return [
        {"mentor_id": data.mentor_people[j].user_id, "name": data.mentor_people[j].name,
         "score": int(row[j]), "capacity_left": int(left[j])}
        for j in best
    ]


def places_left(data: ProgramData, result: RunResult) -> np.ndarray:
    if data.program.format == Format.PEER:
        return (result.assignment < 0).astype(np.int64)
    used = np.bincount(result.assignment[result.assignment >= 0], minlength=data.mentors.m)
    capacity = data.capacity.copy()
    capacity[list(result.closed)] = 0
    return np.maximum(capacity - used, 0)


# --- why someone is unmatched ---------------------------------------------------------------

_RULES = (
    ("reporting_line", "in your reporting line"),
    ("ended", "a pairing that already ended"),
    ("avoid", "on an avoid list"),
    ("forbidden", "forbidden by HR"),
    ("pinned_elsewhere", "pinned elsewhere by HR"),
)


def unmatched_reason(data: ProgramData, result: RunResult, i: int, mode: str) -> str:
    peer = data.program.format == Format.PEER
    who = "peer" if peer else "mentor"
    capacity = data.capacity.copy()
    capacity[list(result.closed)] = 0
    if peer:
        capacity[i] = 0
    if data.mentors.m == 0 or capacity.sum() == 0:
        return f"no {who} has capacity left"
    if i in data.pins:
        return _pin_reason(data, result, i, capacity)
    sought = np.nonzero(data.mentees.gap[i] > 0)[0]
    names = ", ".join(data.skill_names[s] for s in sought)
    if sought.size:
        offers = (data.mentors.proficiency[:, sought] > data.mentees.current_levels[i, sought]).any(1)
    else:
        offers = np.ones(data.mentors.m, dtype=bool)
    if peer:
        offers[i] = False
    if not offers.any():
        return f"nobody offers {names}"
    with_places = offers & (capacity > 0)
    if not with_places.any():
        if len(sought) == 1:
            return f"nobody offers {names} with capacity left"
        return f"every {who} who offers your skills ({names}) is full"
    usable = with_places & result.allowed[i]
    if not usable.any():
        return _rule_reason(data, i, with_places, who)
    if result.closed and not (usable & ~_closed_mask(data, result)).any():
        return (f"the {who}s who suit you could not form a group of at least "
                f"{data.program.min_group_size}")
    if mode == Objective.MAX_SCORE and (result.scores[i][usable] <= 0).all():
        return f"no allowed {who} scores above zero with you"
    count = int(usable.sum())
    plural = "s" if count != 1 else ""
    if peer:
        return f"the best pairing of the whole pool left none of your {count} compatible peer{plural} free"
    return f"the {count} compatible {who}{plural} with places left went to other mentees"


def _closed_mask(data: ProgramData, result: RunResult) -> np.ndarray:
    mask = np.zeros(data.mentors.m, dtype=bool)
    mask[list(result.closed)] = True
    return mask


def _pin_reason(data: ProgramData, result: RunResult, i: int, capacity: np.ndarray) -> str:
    j = data.pins[i]
    name = data.mentor_people[j].name
    if capacity[j] <= 0:
        return f"pinned to {name}, who has no capacity left"
    if not result.allowed[i, j]:
        return f"pinned to {name}, but that pair breaks another hard rule"
    return f"pinned to {name}, whose places went to other mentees"


def _rule_reason(data: ProgramData, i: int, candidates: np.ndarray, who: str) -> str:
    counts = {
        label: int((getattr(data.blocks, attr)[i] & candidates).sum()) for attr, label in _RULES
    }
    total = int(candidates.sum())
    if counts["in your reporting line"] == total:
        return f"all compatible {who}s are in your reporting line"
    parts = [f"{label} ({count})" for label, count in counts.items() if count]
    return f"all compatible {who}s are excluded: " + ", ".join(parts)


# --- fairness ---------------------------------------------------------------------------------


def fairness(data: ProgramData, result: RunResult) -> dict:
    matched = result.assignment >= 0
    panel = {
        key: _rates([getattr(p, key) for p in data.mentee_people], matched)
        for key in ("department", "location", "seniority")
    }
    if data.program.format != Format.PEER:
        new = np.bincount(result.assignment[matched], minlength=data.mentors.m)
        load = new + data.load
        panel["mentor_load"] = {
            "mentors": int(data.mentors.m),
            "mean": round(float(load.mean()), 2) if load.size else 0.0,
            "max": int(load.max(initial=0)),
            "idle": int((load == 0).sum()),
            "distribution": [[int(k), int(v)] for k, v in sorted(Counter(load.tolist()).items())],
        }
    return panel


def _rates(groups: list[str], matched: np.ndarray) -> list[dict]:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for group, ok in zip(groups, matched.tolist(), strict=True):
        totals[group][0] += 1
        totals[group][1] += int(ok)
    return [
        {"group": g, "total": t, "matched": m, "rate": round(100 * m / t) if t else 0}
        for g, (t, m) in sorted(totals.items())
    ]
