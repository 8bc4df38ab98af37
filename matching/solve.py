"""One matching run's computation: score, assign, explain, summarise (no DB writes).

Kept apart from services.py so the stages are small functions that take arrays
and ``ProgramData`` and return plain values; services.py owns the transaction.

The algorithms, for n mentees and m mentors (docs/matching.md has the model and the proof):

* scoring (``matching.scoring``): O(n·m·s) vectorised numpy work for s skills;
* one-to-one, reverse and group formats (``matching.engine.assign``): an exact min-cost
  flow (Ahuja, Magnanti & Orlin, *Network Flows*, 1993), solved by cost scaling (Goldberg
  1997) on candidate pairs and proved optimal on the full matrix by pricing: shortest-path
  node potentials give a dual (u_i per mentee, V_j per mentor) and no allowed pair with
  w_ij > u_i + V_j means no residual arc of negative reduced cost, so the flow is optimal
  (LP duality, complementary slackness; column generation, Dantzig & Wolfe 1960);
* peer format (``matching.peers``): maximum-weight matching on a general graph, Edmonds'
  blossom algorithm (Edmonds 1965; Galil 1986), O(p³) for a pool of p;
* the test oracle: scipy's ``linear_sum_assignment`` (the Hungarian method, Kuhn 1955, as
  the shortest augmenting path variant of Crouse 2016) on the matrix expanded to one column
  per mentor slot (priced at its load penalty) and one "unmatched" column per mentee, in
  ``tests/matching/test_engine.py``.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from programs.models import Format

from . import engine, explain, greedy, peers, rules, scoring
from .data import TRACK_NAMES, ProgramData
from .models import Objective

Progress = Callable[[int, str], None]


@dataclass
class RunResult:
    """What one run found: the assignment, the matrices it was found on, and its figures."""

    assignment: np.ndarray  # (n,) mentor index or -1; for peers the partner index
    scores: np.ndarray  # (n, m) int8 from ``compute`` (scores are 0–100), int16 for peers
    allowed: np.ndarray  # (n, m) bool actually used (peer: symmetric)
    closed: set[int] = field(default_factory=set)  # group mentors closed for min size
    timings: dict[str, float] = field(default_factory=dict)
    objective: int = 0
    greedy_objective: int | None = None
    peer: bool = False
    note: str = ""  # how the assignment was found, when it is not exhaustive
    # Must-have rules of the run and, per pair, the bits of the rules it breaks (rules.BIT):
    # the full (n, m) matrix (peer pools, single-mentee views), or ``rule_row(i)`` computing
    # one mentee's row on demand (one-to-one, reverse and group runs: no n·m bits kept).
    must: rules.MustHave = field(default_factory=lambda: NO_RULES)
    violations: np.ndarray | None = None
    rule_row: Callable[[int], np.ndarray] | None = None


# Runs started before must-have rules existed have none.
NO_RULES = rules.MustHave(skill_at_target=False, will_not_mentor=False)


def weights_from(parameters: dict) -> scoring.Weights:
    """The scoring weights a run was started with (its stored parameters). O(1)."""
    return scoring.Weights(**parameters["weights"])


def must_have_from(parameters: dict) -> rules.MustHave:
    """The must-have rules a run was started with (none for runs from before rules). O(1)."""
    stored = parameters.get("rules")
    return rules.MustHave.from_dict(stored) if stored is not None else NO_RULES


def apply_will_not_mentor(data: ProgramData, must: rules.MustHave) -> None:
    """Skills a mentor won't mentor no longer count as offered (scores, explanations, rules).

    Replaces ``data.mentors`` once; O(m·s).
    """
    if data.limits is None or not must.will_not_mentor or not data.limits.excluded_skills.any():
        return
    offered = rules.offered_levels(data.mentors, data.limits, must)
    mentors = data.mentors
    data.mentors = scoring.MentorData(
        offered,
        mentors.career_tracks,
        mentors.style,
        mentors.years_experience,
        mentors.hours_per_month,
        mentors.utc_offset,
        mentors.department,
    )


def rule_violations(data: ProgramData, must: rules.MustHave, scores: np.ndarray) -> np.ndarray:
    """(n, m) uint8 must-have violation bits for every pair (``rules.violations``)."""
    return rules.violations(data.mentees, data.mentors, must, data.limits, scores)


def score_row(data: ProgramData, parameters: dict, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Mentee i's scores against every mentor and the must-have violation bits of each pair,
    under a run's parameters (for swaps and single-mentee views). O(m·s)."""
    must = must_have_from(parameters)
    apply_will_not_mentor(data, must)
    scores = scoring.score_matrix(
        data.mentees.take([i]), data.mentors, weights_from(parameters), reverse=data.reverse
    )[0]
    bits = rules.row_violations(data.mentees, data.mentors, i, must, data.limits, scores)
    return scores, bits


def rule_words(data: ProgramData, parameters: dict, i: int, j: int, bits: np.ndarray) -> str:
    """The must-have rules pair (i, j) breaks, in words ('' if none). O(s)."""
    view = RunResult(
        assignment=np.full(data.mentees.n, -1, dtype=np.int64),
        scores=np.zeros((data.mentees.n, data.mentors.m), dtype=np.int16),
        allowed=np.ones((0, 0), dtype=bool),
        must=must_have_from(parameters),
        violations=np.broadcast_to(bits, (data.mentees.n, data.mentors.m)),
    )
    words = []
    for name in rules.rule_names(int(bits[j])):
        words.append(_fails(data, view, i, name, plural=False))
    return "; ".join(words)


def compute(data: ProgramData, parameters: dict, progress: Progress) -> RunResult:
    """Score every pair, find the optimal assignment for the program's format, and the greedy
    baseline for comparison; ``progress(percent, words)`` is told when assignment starts.

    Memory: one byte of score and one of mask per pair. Scores are int8 (exact, 0–100); the
    must-have rules are ANDed into ``data.allowed`` in place (``rules.restrict``), which
    becomes the run's mask, and a mentee's rule bits are recomputed only when a reason is
    needed (``RunResult.rule_row``, O(m·(w + k)) per mentee). Peer pools (small: the blossom
    algorithm is cubic) keep the full bits.

    Scoring is O(n·m·s) numpy work. The assignment is exact: one-to-one and reverse by
    ``engine.assign`` (min-cost flow, cost scaling on candidates, then pricing over all n·m
    pairs; see the module docstring), group by up to m + 1 such solves (each closes one
    under-sized mentor for good), peer by the blossom algorithm (``peers.match_peers``,
    O(p³) on a dense pool). The greedy baseline is ``greedy.greedy`` (candidate lists,
    O(n·m) once plus O(n·k) per proposal round).
    """
    timings: dict[str, float] = {}
    weights = weights_from(parameters)
    must = must_have_from(parameters)
    apply_will_not_mentor(data, must)
    started = time.perf_counter()
    scores = scoring.score_matrix(
        data.mentees, data.mentors, weights, reverse=data.reverse, dtype=np.int8
    )
    timings["score"] = round(time.perf_counter() - started, 4)
    started = time.perf_counter()
    peer = data.program.format == Format.PEER
    bits = None
    if peer:
        bits = rule_violations(data, must, scores)
        allowed = data.allowed & (bits == 0) if must.active else data.allowed
    else:
        allowed = rules.restrict(
            data.allowed, data.mentees, data.mentors, must, data.limits, scores
        )
    timings["rules"] = round(time.perf_counter() - started, 4)
    progress(40, "Finding the best assignment…")
    started = time.perf_counter()
    maximize = parameters["mode"] == Objective.MAX_MATCHED
    if data.program.format == Format.PEER:
        result = _assign_peers(scores, allowed, maximize)
    elif data.program.format == Format.GROUP:
        result = _assign_groups(scores, data, parameters, maximize, allowed)
    else:
        assignment = engine.assign(
            scores, data.capacity, allowed, tuple(parameters["load_penalty"]), maximize
        )
        result = RunResult(assignment, scores, allowed)
    timings["assign"] = round(time.perf_counter() - started, 4)
    result.timings = timings
    result.must = must
    if result.peer:
        # A peer pair is allowed only if both directions are; keep both directions' reasons.
        result.violations = bits | bits.T
    elif must.active:
        result.rule_row = _rule_rows(data, must, scores)
    result.objective = _objective(result)
    if data.program.format != Format.PEER:
        started = time.perf_counter()
        mate = greedy.greedy(scores, data.capacity, allowed)
        rows = np.nonzero(mate >= 0)[0]
        result.greedy_objective = int(scores[rows, mate[rows]].sum(dtype=np.int64))
        timings["greedy"] = round(time.perf_counter() - started, 4)
    return result


def _rule_rows(data: ProgramData, must: rules.MustHave, scores: np.ndarray):
    """Mentee i's rule bits against every mentor, as ``rules.violations`` gives them, computed
    on demand (the last few kept: a reason and a nearest miss ask for the same row). O(m·(w+k))."""

    @lru_cache(maxsize=8)
    def row(i: int) -> np.ndarray:
        return rules.row_violations(data.mentees, data.mentors, i, must, data.limits, scores[i])

    return row


def _assign_groups(
    scores, data: ProgramData, parameters: dict, maximize: bool, allowed: np.ndarray
) -> RunResult:
    """Solve, then close the smallest under-sized cohort and re-solve until all are big enough.

    A cohort counts the mentor's live mentees too.  Each round closes one
    mentor for good, so this ends after at most m rounds.
    """
    capacity = data.capacity.copy()
    minimum = data.program.min_group_size
    closed: set[int] = set()
    penalty = tuple(parameters["load_penalty"])
    while True:
        assignment = engine.assign(scores, capacity, allowed, penalty, maximize)
        new = np.bincount(assignment[assignment >= 0], minlength=data.mentors.m)
        size = new + data.load
        small = np.nonzero((new > 0) & (size < minimum))[0]
        if small.size == 0:
            return RunResult(assignment, scores, allowed, closed)
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
    """[text, points] per part of pair (i, j)'s score; the points sum to the score.

    O(s) for s skills (``scoring.explain`` recomputes one pair, not the matrix).
    """
    reasons = scoring.explain(
        data.mentees,
        data.mentors,
        i,
        j,
        weights,
        data.skill_names,
        reverse=data.reverse,
        track_names=TRACK_NAMES,
    )
    return [[r.text, r.points] for r in reasons]


def pair_points(
    data: ProgramData, weights: scoring.Weights, rows: np.ndarray, cols: np.ndarray
) -> dict[str, np.ndarray]:
    """Per component, the points of each pair (rows[t], cols[t]), as ``component_points``
    gives them one pair at a time. O(k·c + k·s) for k pairs (``explain``)."""
    return explain.component_points_many(
        data.mentees, data.mentors, rows, cols, weights, reverse=data.reverse
    )


def explain_pairs(
    data: ProgramData,
    weights: scoring.Weights,
    rows: np.ndarray,
    cols: np.ndarray,
    parts: dict[str, np.ndarray] | None = None,
) -> list[list[list]]:
    """``explain_pair`` for each pair (rows[t], cols[t]), the same lines and points; ``parts``
    are the pairs' ``explain.component_points_many`` if already computed.

    O(k·c + k·s) numpy work for k pairs, then O(s) Python per pair (``explain.explain_many``).
    """
    reasons = explain.explain_many(
        data.mentees,
        data.mentors,
        rows,
        cols,
        weights,
        data.skill_names,
        reverse=data.reverse,
        track_names=TRACK_NAMES,
        parts=parts,
    )
    return [[[r.text, r.points] for r in pair] for pair in reasons]


def explain_peers(data: ProgramData, weights: scoring.Weights, a: int, b: int) -> list[list]:
    """Both directions, then the averaging step, so the lines sum to the pair's score.

    Two ``explain_pair`` calls, O(s).
    """
    names = data.mentee_people
    lines: list[list] = []
    for x, y in ((a, b), (b, a)):
        learner, teacher = names[x].name, names[y].name
        for text, points in explain_pair(data, weights, x, y):
            # Peers are neither mentor nor mentee: name them ("Ben has 3 more years …").
            text = text.replace("mentor has ", f"{teacher} has ", 1)
            text = text.replace("mentee has ", f"{learner} has ", 1)
            lines.append([f"{learner} learning from {teacher}: {text}", points])
    total = sum(points for _, points in lines)
    averaged = total // 2
    lines.append(
        [
            f"the pair's score is the average of both directions "
            f"({scoring.signed(averaged - total)})",
            averaged - total,
        ]
    )
    return lines


@dataclass(frozen=True)
class Chain:
    """How a full mentor's place can be freed: their mentee ``mentee`` moves to ``to``, a
    mentor with a place left, changing that mentee's score from ``before`` to ``after``."""

    mentee: int
    to: int
    before: int
    after: int


_CHAIN_ROWS = 512  # 512 × m int32 cells per block: 25 MB at 12,500 mentors


def swap_chains(data: ProgramData, result: RunResult, left: np.ndarray) -> dict[int, Chain]:
    """Per full mentor, the cheapest single move that frees one of their places: one of their
    mentees in this run moves to an allowed mentor with a place left, losing the fewest points.

    Only one-to-one and reverse formats (a move in a group or peer run changes group sizes or
    breaks a pair). O(n·m) numpy work in row blocks, once per run, then O(n) to pick per mentor.
    """
    if data.program.format not in (Format.ONE_TO_ONE, Format.REVERSE):
        return {}
    mate = result.assignment
    if data.mentors.m == 0 or not (left > 0).any():
        return {}
    movers = np.nonzero((mate >= 0) & (left[np.maximum(mate, 0)] <= 0))[0]
    if movers.size == 0:
        return {}
    open_cols = left > 0
    missing = np.iinfo(np.int32).min
    best_to = np.full(movers.size, -1, dtype=np.int64)
    best_score = np.full(movers.size, missing, dtype=np.int64)
    for start in range(0, movers.size, _CHAIN_ROWS):
        rows = movers[start : start + _CHAIN_ROWS]
        usable = result.allowed[rows] & open_cols
        block = np.where(usable, result.scores[rows].astype(np.int32), missing)
        to = block.argmax(axis=1)
        best_to[start : start + rows.size] = to
        best_score[start : start + rows.size] = block[np.arange(rows.size), to]
    found = best_score > missing
    movers, best_to, best_score = movers[found], best_to[found], best_score[found]
    now = result.scores[movers, mate[movers]].astype(np.int64)
    loss = now - best_score
    out: dict[int, Chain] = {}
    # Smallest loss first, so each mentor keeps their cheapest move.
    for k in np.lexsort((movers, loss)).tolist():
        j = int(mate[movers[k]])
        if j not in out:
            out[j] = Chain(int(movers[k]), int(best_to[k]), int(now[k]), int(best_score[k]))
    return out


def alternatives(
    data: ProgramData,
    result: RunResult,
    i: int,
    left: np.ndarray,
    chains: dict[int, Chain] | None = None,
) -> list[dict]:
    """Mentee i's three best allowed mentors, other than the one assigned, who could take them
    now, best first: with a place ``left``, or full but with a swap chain that frees a place
    (then ``via`` says who moves where). A full mentor with no such chain is not an option.
    In a group run a mentor is an option only if the group would be big enough.

    O(m) per mentee (``alternatives_many`` for one row).
    """
    return alternatives_many(data, result, np.array([i]), left, chains)[0]


_ALTERNATIVE_ROWS = 256  # rows per block: 256 × m int32 cells, 12.8 MB at 12,500 mentors


def alternatives_many(
    data: ProgramData,
    result: RunResult,
    rows: np.ndarray,
    left: np.ndarray,
    chains: dict[int, Chain] | None = None,
) -> list[list[dict]]:
    """``alternatives`` for each mentee of ``rows``: which mentors could take someone now is
    worked out once, then the rows go in blocks (a partial selection per row,
    ``argpartition``, not a sort; rows with three or more options in one 2-D call).

    O(m) numpy work per mentee, O(m + n) once.
    """
    chains = chains or {}
    takes = left > 0
    if chains:
        takes = takes.copy()
        takes[list(chains)] = True
    if data.program.format == Format.GROUP:
        size = data.load + np.bincount(
            result.assignment[result.assignment >= 0], minlength=data.mentors.m
        )
        takes &= size + 1 >= data.program.min_group_size
    rows = np.asarray(rows, dtype=np.int64)
    out: list[list[dict]] = []
    for start in range(0, rows.size, _ALTERNATIVE_ROWS):
        block_rows = rows[start : start + _ALTERNATIVE_ROWS]
        block = np.where(
            result.allowed[block_rows] & takes, result.scores[block_rows].astype(np.int32), -1
        )
        mate = result.assignment[block_rows]
        has = np.nonzero(mate >= 0)[0]
        block[has, mate[has]] = -1
        counts = np.minimum(3, (block >= 0).sum(axis=1))
        picks: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * block_rows.size
        full = np.nonzero(counts == 3)[0]
        if full.size:
            # Row by row, the same selection as a 1-D argpartition of each row.
            chosen = np.argpartition(-block[full], 2, axis=1)[:, :3]
            for r, best in zip(full.tolist(), chosen, strict=True):
                picks[r] = best
        for r in np.nonzero((counts > 0) & (counts < 3))[0].tolist():
            picks[r] = np.argpartition(-block[r], counts[r] - 1)[: counts[r]]
        for r, best in enumerate(picks):
            if best.size == 0:
                out.append([])
                continue
            row = block[r]
            best = best[np.argsort(-row[best], kind="stable")]
            out.append(_options(data, best.tolist(), row, left, chains))
    return out


def _options(
    data: ProgramData, best: list[int], row: np.ndarray, left: np.ndarray, chains: dict
) -> list[dict]:
    out = []
    for j in best:
        option = {
            "mentor_id": data.mentor_people[j].user_id,
            "name": data.mentor_people[j].name,
            "score": int(row[j]),
            "capacity_left": int(left[j]),
        }
        if left[j] <= 0:
            chain = chains[j]
            option["via"] = {
                "mentee_id": data.mentee_people[chain.mentee].user_id,
                "mentee_name": data.mentee_people[chain.mentee].name,
                "to_mentor_id": data.mentor_people[chain.to].user_id,
                "to_name": data.mentor_people[chain.to].name,
                "score_before": chain.before,
                "score_after": chain.after,
            }
        out.append(option)
    return out


def places_left(data: ProgramData, result: RunResult) -> np.ndarray:
    """Free places per mentor after the run (closed group mentors have none); for peers,
    1 for everyone left unpaired. O(n + m)."""
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
    ("rejected", "rejected by HR in review"),
)


def unmatched_reason(data: ProgramData, result: RunResult, i: int, mode: str) -> str:
    """Why mentee (or peer) i was left unmatched, in plain words: the first that holds of no
    capacity, a pin, a must-have rule nobody passes ("nobody offers SD-WAN at level 4 or
    above"), nobody offering the wanted skills, everyone who fits full, a hard rule, a group
    too small, no positive score, or (the optimum's choice) the places went to others.

    O(m·s) for one mentee (its row of the matrices only).
    """
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
    everyone = np.ones(data.mentors.m, dtype=bool)
    if peer:
        everyone[i] = False
    bits = _bits_row(result, i)
    if not (everyone & (bits == 0)).any():
        return must_have_reason(data, result, i, everyone, who)
    sought = _sought(data.mentees, i)
    names = ", ".join(data.skill_names[s] for s in sought)
    if sought.size:
        offers = (data.mentors.proficiency[:, sought] > data.mentees.current_levels[i, sought]).any(
            1
        )
    else:
        offers = np.ones(data.mentors.m, dtype=bool)
    if peer:
        offers[i] = False
    if not offers.any():
        return f"nobody offers {names}"
    fits = everyone & (bits == 0) & result.allowed[i]
    if fits.any() and not (fits & (capacity > 0)).any():
        return f"every {who} who fits is full"
    with_places = offers & (capacity > 0)
    if not with_places.any():
        if len(sought) == 1:
            return f"nobody offers {names} with capacity left"
        return f"every {who} who offers your skills ({names}) is full"
    usable = with_places & result.allowed[i]
    if not usable.any():
        if not (with_places & (bits == 0)).any():
            return must_have_reason(data, result, i, with_places, who)
        return _rule_reason(data, i, with_places & (bits == 0), who)
    if result.closed and not (usable & ~_closed_mask(data, result)).any():
        return (
            f"the {who}s who suit you could not form a group of at least "
            f"{data.program.min_group_size}"
        )
    if mode == Objective.MAX_SCORE and (result.scores[i][usable] <= 0).all():
        return f"no allowed {who} scores above zero with you"
    count = int(usable.sum())
    plural = "s" if count != 1 else ""
    if peer:
        return (
            f"the best pairing of the whole pool left none of your {count} compatible "
            f"peer{plural} free"
        )
    return (
        f"every {who} who fits is full: the {count} compatible {who}{plural} with places "
        "took other mentees"
    )


def _sought(mentees: scoring.MenteeData, i: int) -> np.ndarray:
    """Skills mentee i seeks (target above current), from their row only: O(s), where
    ``mentees.gap[i]`` would build the gap of every mentee first (O(n·s) per call)."""
    return np.nonzero(mentees.target_levels[i] > mentees.current_levels[i])[0]


def _bits_row(result: RunResult, i: int) -> np.ndarray:
    if result.violations is not None:
        return result.violations[i]
    if result.rule_row is not None:
        return result.rule_row(int(i))
    return np.zeros(result.scores.shape[1], dtype=np.uint8)


def _sought_at_target(data: ProgramData, i: int) -> str:
    """ "SD-WAN at level 4 or above or Routing at level 3 or above" for mentee i. O(s)."""
    sought = _sought(data.mentees, i)
    parts = [
        f"{data.skill_names[s]} at level {int(data.mentees.target_levels[i, s])} or above"
        for s in sought
    ]
    return " or ".join(parts) if parts else "the skills you seek"


def _hours(value: float | None) -> str:
    return f"{value:g} hour{'s' if value != 1 else ''}" if value is not None else ""


def must_have_reason(
    data: ProgramData, result: RunResult, i: int, candidates: np.ndarray, who: str
) -> str:
    """Words for "no candidate passes every must-have rule": the one rule that rules them all
    out if there is one, else how many each rule stops. O(m)."""
    must = result.must
    bits = _bits_row(result, i)[candidates]
    total = int(candidates.sum())
    for name in must.active:
        if total and ((bits & rules.BIT[name]) != 0).all():
            return _nobody(data, result, i, name, who)
    parts = []
    for name in must.active:
        count = int(((bits & rules.BIT[name]) != 0).sum())
        if count:
            parts.append(f"{count} {_fails(data, result, i, name, plural=count != 1)}")
    return f"no {who} meets every must-have rule: " + "; ".join(parts)


def _nobody(data: ProgramData, result: RunResult, i: int, name: str, who: str) -> str:
    must = result.must
    if name == "skill":
        return f"nobody offers {_sought_at_target(data, i)}"
    if name == "timezone":
        return f"no {who} within {_hours(must.max_timezone_hours)} of your time zone"
    if name == "language":
        spoken = ", ".join(data.mentee_people[i].languages)
        return f"no {who} shares a language with you ({spoken})"
    if name == "department":
        return f"every {who} is in your department"
    if name == "min_score":
        best = int(result.scores[i].max(initial=0))
        return f"no {who} scores at least {must.min_score} with you (the best scores {best})"
    return f"every {who} said they won't mentor your department or the skills you seek"


def _fails(data: ProgramData, result: RunResult, i: int, name: str, plural: bool) -> str:
    must = result.must
    s = "" if plural else "s"
    words = {
        "skill": f"{'don' if plural else 'doesn'}'t offer {_sought_at_target(data, i)}",
        "timezone": f"{'are' if plural else 'is'} more than {_hours(must.max_timezone_hours)} away",
        "language": f"share{s} no language with you",
        "department": f"{'are' if plural else 'is'} in your department",
        "min_score": f"score{s} below {must.min_score}",
        "will_not_mentor": "said they won't mentor this",
    }
    return words[name]


_BLOCK_WORDS = (
    ("self_pair", "is you"),
    ("reporting_line", "is in your reporting line"),
    ("ended", "had a pairing with you that ended"),
    ("avoid", "is on an avoid list"),
    ("forbidden", "is forbidden by HR"),
    ("pinned_elsewhere", "is not who HR pinned you to"),
)


def pair_stopped_by(
    data: ProgramData,
    result: RunResult,
    i: int,
    j: int,
    *,
    with_capacity: bool = True,
    left: np.ndarray | None = None,
) -> str | None:
    """What keeps mentee i from mentor j, in words ("doesn't offer SD-WAN at level 4 or
    above", "is 7 hours away (limit 3)", "is full: their places went to other mentees"), or
    None if nothing does. Must-have rules first, then hard rules, then capacity. O(s)."""
    must = result.must
    bits = int(_bits_row(result, i)[j])
    words = []
    for name in rules.rule_names(bits):
        if name == "timezone":
            apart = float(
                rules.timezone_apart(data.mentees.utc_offset[[i]], data.mentors.utc_offset[[j]])[
                    0, 0
                ]
            )
            words.append(f"is {_hours(apart)} away (limit {must.max_timezone_hours:g})")
        elif name == "min_score":
            words.append(f"scores {int(result.scores[i, j])}, below the minimum {must.min_score}")
        elif name == "skill":
            words.append(f"doesn't offer {_sought_at_target(data, i)}")
        else:
            words.append(_fails(data, result, i, name, plural=False))
    for attr, text in _BLOCK_WORDS:
        if getattr(data.blocks, attr)[i, j]:
            words.append(text)
    if not words and with_capacity:
        if j in result.closed:
            words.append(f"their group could not reach {data.program.min_group_size} members")
        elif data.capacity[j] <= 0:
            words.append("has no place left")
        elif left is not None and left[j] > 0:
            words.append("still has a place, but the best total leaves this pair out")
        elif result.assignment[i] != j:
            words.append("is full: their places went to other mentees")
    return "; ".join(words) if words else None


def nearest_miss(
    data: ProgramData, result: RunResult, i: int, left: np.ndarray | None = None
) -> dict | None:
    """The best-scoring mentor (peer) mentee i did not get, and what stopped it; ``left`` is
    ``places_left`` after the run. O(m·s)."""
    row = result.scores[i].astype(np.int32)
    if data.program.format == Format.PEER:
        row = row.copy()
        row[i] = np.iinfo(np.int32).min
    if row.size == 0 or (data.program.format == Format.PEER and row.size == 1):
        return None
    j = int(np.argmax(row))
    return {
        "mentor_id": data.mentor_people[j].user_id,
        "name": data.mentor_people[j].name,
        "score": int(result.scores[i, j]),
        "stopped_by": pair_stopped_by(data, result, i, j, left=left)
        or "the optimum paired them otherwise",
    }


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
        label: int((getattr(data.blocks, attr)[i] & candidates).sum())
        for attr, label in _RULES
        if getattr(data.blocks, attr) is not None
    }
    total = int(candidates.sum())
    if counts["in your reporting line"] == total:
        return f"all compatible {who}s are in your reporting line"
    parts = [f"{label} ({count})" for label, count in counts.items() if count]
    return f"all compatible {who}s are excluded: " + ", ".join(parts)


# --- fairness ---------------------------------------------------------------------------------


def fairness(data: ProgramData, result: RunResult) -> dict:
    """Match rates by department, location and seniority, and (not for peers) the spread of
    mentor load: mean, max, idle mentors and the distribution. O(n + m)."""
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


# --- weak matches -----------------------------------------------------------------------------


def weak_parts(
    data: ProgramData,
    weights: scoring.Weights,
    i: int,
    j: int,
    score: int,
    weak_below: int,
    career: int | None = None,
) -> list[str]:
    """What makes pair (i, j) weak, in words: each part the mentee asked for that scores zero
    (a sought skill the mentor offers nothing of, a career goal not covered, the same
    department when another was asked for), and a total below the program's weak-match line.
    [] for a sound pair. Peers are checked both ways. ``career``: the pair's career-goal
    points if already computed (not for peers). O(s)."""
    if data.program.format == Format.PEER:
        names = data.mentee_people
        out = [f"{names[i].name}: {text}" for text in _weak_one_way(data, weights, i, j)]
        out += [f"{names[j].name}: {text}" for text in _weak_one_way(data, weights, j, i)]
    else:
        out = _weak_one_way(data, weights, i, j, career)
    if weak_below and score < weak_below:
        out.append(f"score {score} is below the weak-match line of {weak_below}")
    return out


def _weak_one_way(
    data: ProgramData, weights: scoring.Weights, i: int, j: int, career: int | None = None
) -> list[str]:
    mentees, mentors = data.mentees, data.mentors
    out = []
    for s in _sought(mentees, i):
        current, offered = int(mentees.current_levels[i, s]), int(mentors.proficiency[j, s])
        if offered <= current:
            out.append(
                f"{data.skill_names[s]}: nothing to learn (offers {offered}, wants "
                f"{int(mentees.target_levels[i, s])} from {current})"
            )
    track = int(mentees.career_track[i])
    if track >= 0 and career is None:
        parts = scoring.component_points(mentees, mentors, i, j, weights, reverse=data.reverse)
        career = parts["career_goal"]
    if track >= 0 and career == 0 and weights.points()["career_goal"] > 0:
        out.append(f"career goal {TRACK_NAMES[track]} not covered")
    prefers = mentees.diversity_preference
    same = mentees.department[i] >= 0 and mentees.department[i] == mentors.department[j]
    if prefers is not None and prefers[i] > 0 and same:
        out.append("same department, though the mentee asked for another")
    return out
