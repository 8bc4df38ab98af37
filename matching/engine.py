"""Optimal mentee → mentor assignment (pure module: numpy + OR-Tools).

Model.  A min-cost flow with one unit per mentee.  Mentee i sends its unit
either to a mentor j (cost ``top − w_ij``) or out as "unmatched" (cost
``top``); mentor j forwards at most ``capacity[j]`` units to the sink over
parallel arcs costing the marginal load penalties 0, p[0], p[1], … .  The
penalties are non-decreasing, so cheaper arcs fill first and the model is
exact for the convex total penalty.

Matching as many mentees as possible comes first when ``maximize_matched``.
Each round solves one lexicographic flow on the candidate edges (OR-Tools'
``solve_max_flow_with_min_cost``: a maximum flow, then the cheapest flow of
that value, on the small costs ``top − w_ij``; no "unmatched" arcs), and
prices it in one of two equivalent encodings:

* forced: if it matches ``target`` mentees (a trivial upper bound on any
  matching: mentees with an allowed pair, capped by the usable mentor
  slots), it is an optimal flow that routes exactly ``target`` units through
  mentors and the rest via an "unmatched" hub of capacity n − target;
* bonus: otherwise it is optimal when a bonus larger than any possible
  score spread is added to every matched pair (w_ij = score_ij + bonus), so
  one more match outweighs any score difference.

Until 2026-12 the forced network was solved first and the bonus one only when
that was infeasible: two solves in such rounds, and the bonus one on costs
scaled by the bonus (more cost-scaling phases).

Pricing.  The full matrix is too big for the flow solver, so the flow is
solved on candidate edges (top-k per mentee, the best mentees of mentors the
rows' lists and the random pairs barely reach, plus a sparse random graph)
and then *proved* optimal over every pair: shortest-path potentials of the
residual network give a dual (u per mentee, V per mentor) that is feasible
on every residual candidate edge; an allowed pair outside the candidates
with ``w_ij > u_i + V_j`` could improve the flow, so it is added (with the
best near misses of its mentee) and the flow re-solved.  When no pair
violates the condition, the potentials certify optimality on the whole
matrix.  When only a few pairs violate, the current flow is usually still
optimal: the dual is first extended over those pairs (relaxed from the last
dual, a few cheap sweeps), and the flow is re-solved only if that reveals a
negative cycle; the pass that prices an extended dual reads only the rows
that a bound from the previous pass (each row's best reduced cost there, and
the few mentors whose price fell) cannot clear of violations.  Before the
re-solves of the first ``_PRUNE_ROUNDS`` rounds,
candidates whose reduced cost exceeds ``_PRUNE_SLACK`` are dropped (the
flow's own pairs stay): the solve time grows with the edges, and pricing
brings back any dropped pair that matters; after those rounds the set only
grows, so the loop still ends.

Why that is optimal: a min-cost flow is optimal exactly when there are node
potentials under which every residual arc has a non-negative reduced cost
(LP duality / complementary slackness; Ahuja, Magnanti & Orlin 1993, ch. 9).
The potentials of the candidate flow, extended to a pair outside the
candidates, give it reduced cost ``u_i + V_j − w_ij``; none negative means the
same potentials certify the candidate flow on the full matrix.  This is
column generation with exact pricing (Dantzig & Wolfe 1960): the result is
exact, whatever candidates the first round picked.  docs/matching.md gives
the whole argument.

Complexity, for n mentees, m mentors, E candidate edges (E = O(n), not n·m),
V = n + m + 2 nodes and C the largest arc cost:

* one flow solve: OR-Tools' ``SimpleMinCostFlow`` is Goldberg's cost-scaling
  push-relabel algorithm (Goldberg 1997), O(V·E·log(V·C)) in the worst case,
  far less in practice;
* the dual: Bellman-Ford sweeps over the residual candidate network,
  O(V·E) worst case, a few dozen to 160 sweeps in practice, each after the first
  touching only the mentees next to a mentor whose potential moved once those
  mentors hold under a tenth of the edges (full sweeps before that);
* first candidates and near misses: each row's k best cells at or above the k-th
  largest of its 256-column group maxima, O(n·m) (about 0.8 ns per int16 cell
  against 2.4 ns for a ``np.partition`` of every row and 17 ns for
  ``argpartition``, measured);
* one pricing pass: O(n·m) time over the full matrix, read in int16 row
  blocks (int32 when prices spread wider than 2**13 − top) on two threads,
  unusable pairs zeroed by one multiply with the mask (scores stay in their own
  dtype, int8 or int16; nothing n × m is copied),
  O(block) extra memory; after a dual extension O(n·k + r·m) for k mentors
  whose price fell and r rows left to read;
* thinly covered mentors' best mentees: from the first pass's per-block column
  maxima (one more reduction in that pass), gathering only the cells those maxima
  cannot rule out, O(t·b·r) for t such mentors, b blocks read per mentor and r rows
  per block; O(n·t) in a pass over their columns when the bound is too loose;
* rounds: each adds at least one missing pair, so at most n·m in theory; a
  few in practice (docs/benchmarks.md).

References: R. K. Ahuja, T. L. Magnanti, J. B. Orlin, *Network Flows*
(1993), ch. 9–10; A. V. Goldberg, "An efficient implementation of a scaling
minimum-cost flow algorithm", J. Algorithms 22 (1997); G. B. Dantzig,
P. Wolfe, "Decomposition principle for linear programs", Oper. Res. 8 (1960).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

from . import threads

# Real scores must satisfy |score| < _SCORE_LIMIT so int32 work blocks have
# head-room for masking and price offsets (see _Pricer).
_SCORE_LIMIT = 2**28
_INF = np.int64(2**62)
# Rows per work block are chosen so a block holds about this many cells.
_BLOCK_CELLS = 1 << 21
# Candidate edges: best mentors per mentee at the start, pairs added per mentee
# and pricing round, and how close to violating (in score points) a pair may be
# and still be added.  Tuned on 20,000 × 5,000 and 50,000 × 12,500 (the latter: 24
# within 5 points takes three flow solves, 12 within 3 four); correctness never depends on them.
_PER_ROW = 12
_ADD_PER_ROW = 24
_MARGIN = 5
# Sweeps allowed to extend a dual over new edges before the flow is solved again.
_EXTEND_SWEEPS = 40
# A dual sweep recomputes every mentee when the mentors whose V moved have more than this
# share of the candidate edges.
_DENSE_SWEEP = 0.1
# Before the re-solves of the first rounds, candidates with a reduced cost above this are
# dropped (score points; correctness never depends on it).  At 50,000 × 12,500, 2 against 4
# keeps the same three solves on 6 % fewer edges and took 1.2 s less CPU (2026-12-02); 1 or 0
# needs a fourth pass or solve.
_PRUNE_ROUNDS = 3
_PRUNE_SLACK = 2
_T = TypeVar("_T")
# Pricing reads every row when the bound leaves more than this share of them (contiguous
# blocks beat gathered rows); mentors whose price fell are checked one column each up to
# this many.
_RISEN_MAX = 64
# Mentors with fewer than _COLUMN_FEW × capacity first candidates get their
# _COLUMN_EXTRA × capacity best mentees too (0 = off).
_COLUMN_FEW = 3
_COLUMN_EXTRA = 3
# The thin mentors' best mentees are gathered from the cells the first pass's block maxima
# cannot rule out, unless those are more than this share of the matrix (then a column pass).
_THIN_CELLS_SHARE = 1 / 64
_FULL_SHARE = 0.7
# _top_k: columns per group whose maxima bound each row's k-th largest cell (256 against 64 or
# 128: 0.7 against 1.0 or 0.8 ns per cell, 2026-12-02), and the most cells per row and k it
# lists before falling back to a partition.
_GROUP = 256
_LISTED_PER_K = 16


def assign(
    scores: np.ndarray,
    capacity: np.ndarray | Sequence[int],
    allowed: np.ndarray | None = None,
    load_penalty: Sequence[int] = (),
    maximize_matched: bool = True,
    *,
    stats: dict | None = None,
) -> np.ndarray:
    """Optimal assignment of mentees (rows) to mentors (columns).

    scores: (n, m) integers, |score| < 2**28.  capacity: (m,) non-negative
    integers.  allowed: optional (n, m) bool, False = forbidden pair.
    load_penalty: non-decreasing non-negative ints; a mentor's k-th mentee
    (k = 2, 3, …) costs load_penalty[min(k − 2, len − 1)], so k mentees cost
    sum(load_penalty[:k − 1]) when k − 1 <= len.
    With ``maximize_matched`` the number of matched mentees is maximised
    first, then total score − total penalty; otherwise only the latter
    (pairs whose marginal value would be negative are left out).

    Returns an int64 array of length n: mentor index or -1.  ``stats``, if given, receives
    the solver's rounds, passes and per-phase wall and CPU seconds (for benchmarks).

    Exact (the min-cost flow with pricing described in the module docstring);
    O(n·m) per pricing pass plus one cost-scaling flow solve on O(n) candidate
    edges per round (Goldberg 1997; Ahuja, Magnanti & Orlin 1993, ch. 9–10).
    Tested against scipy's ``linear_sum_assignment`` (the Hungarian method,
    Kuhn 1955, in Crouse's 2016 shortest-augmenting-path form) on the
    expanded matrix.
    """
    problem = _prepare(scores, capacity, allowed, load_penalty, maximize_matched)
    if problem is None:
        return np.full(np.shape(scores)[0], -1, dtype=np.int64)
    solver = _Solver(problem)
    mate = solver.run()
    if stats is not None:
        stats.update(solver.stats())
    return mate


# ---------------------------------------------------------------------------
# Input checking and problem set-up
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Groups:
    """Mentor → sink arcs: runs of slots with equal marginal penalty."""

    mentor: np.ndarray  # (g,) mentor index, ascending; costs ascend within a mentor
    cost: np.ndarray  # (g,) marginal penalty per unit
    cap: np.ndarray  # (g,) number of slots in the run


@dataclass(frozen=True)
class _Problem:
    scores: np.ndarray  # (n, m) integer
    allowed: np.ndarray | None  # (n, m) bool
    cap: np.ndarray  # (m,) usable capacity (≤ n)
    active: np.ndarray  # (m,) bool: mentor has capacity
    positive_only: bool  # drop pairs with score <= 0 (never worth taking without a bonus)
    bonus: int  # per-match bonus of the "bonus" encoding; 0 if matches need no priority
    top: int  # ≥ every |score|, keeps arc costs non-negative
    target: int | None  # upper bound on matched mentees for the "forced" encoding
    groups: _Groups

    @property
    def n(self) -> int:
        return self.scores.shape[0]

    @property
    def m(self) -> int:
        return self.scores.shape[1]

    def map_blocks(
        self,
        work: Callable[[slice | np.ndarray, np.ndarray], _T],
        dtype: type,
        offset: np.ndarray,
        only: np.ndarray | None = None,
    ) -> list[_T]:
        """``work(rows, block)`` over row blocks of score + offset (per mentor), unusable
        pairs set to 0; results in row order.  The offset must leave every usable cell at 1
        or more (0 is "masked").  ``rows`` is a slice, or with ``only`` (ascending row
        indices) an index array of those rows."""
        step = max(1, _BLOCK_CELLS // max(self.m, 1))
        total = self.n if only is None else only.size
        starts = range(0, total, step)

        def one(start: int) -> _T:
            stop = min(start + step, total)
            rows = slice(start, stop) if only is None else only[start:stop]
            return work(rows, self._block(rows, dtype, offset))

        return threads.each(one, starts)

    def _block(self, rows: slice | np.ndarray, dtype: type, offset: np.ndarray) -> np.ndarray:
        raw = self.scores[rows]
        block = np.add(raw, offset, dtype=dtype)
        if self.allowed is not None:
            _mask_out(block, self.allowed[rows])
        if not self.active.all():
            block[:, ~self.active] = 0
        if self.positive_only:
            np.multiply(block, raw > 0, out=block)
        return block


def _mask_out(block: np.ndarray, allowed: np.ndarray) -> None:
    """Set ``block`` to 0 where ``allowed`` is False, in place: one multiply by the mask.

    Masked cells are 0 and every usable cell is at least 1 (callers shift the scores so), so
    the masked value stays below every cell and threshold a pass compares with.  A masked
    store is several times slower when forbidden cells are many and scattered (must-have
    rules forbid about two pairs in three on the benchmark), and the branch-free
    ``block += (neg − block) & −forbidden`` used until 2026-12 cost 0.5–0.8 ns per int16
    cell against 0.1 ns for the multiply.
    """
    np.multiply(block, allowed, out=block)


def _work_dtype(reach: int) -> type:
    """Narrowest work dtype for cells within ±``reach`` (scores plus price offsets).

    int16 halves the memory traffic of a full-matrix pass against int32; both hold the
    cells shifted into [1, 2·reach + 1] (masked cells 0) with room to spare, and offsets
    clipped at ``_neg`` without overflow.
    """
    if reach < 2**13:
        return np.int16
    return np.int32 if reach < 2**29 else np.int64


def _neg(dtype: type) -> int:
    # Far below any real score + price offset, yet adding a score to it cannot overflow.
    return -(2 ** (np.iinfo(dtype).bits - 2))


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.unique is far slower here (hash based in numpy 2.x); sort + mask is not.
    values = np.sort(values)
    if values.size:
        values = values[np.concatenate([[True], values[1:] != values[:-1]])]
    return values


def _top_k(block: np.ndarray, k: int, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of each row's k largest cells above ``floor`` (per row; fewer if
    fewer are), ties at the k-th value taken by column.

    Each row's k-th largest maximum over groups of ``_GROUP`` columns is a lower bound on its
    k-th largest cell (k groups hold a cell at least that large), so only the cells at or
    above it (and above the floor) are listed, and sorted by row, value descending, then
    column: the first k of each row are the answer.  About 0.7–0.9 ns per int16 cell (one
    group-maximum pass, one comparison) against 2.3–2.5 ns for the ``np.partition`` of every
    row (``_top_k_partition``, which is used when the rows have too few groups or the listed
    cells are too many, e.g. a row of ties), measured on the 50,000 × 12,500 blocks.
    """
    m = block.shape[1]
    groups = -(-m // _GROUP)
    if k >= m or groups < 2 * k:
        return _top_k_partition(block, k, floor)
    maxima = np.maximum.reduceat(block, np.arange(0, m, _GROUP), axis=1)
    kth = -np.partition(-maxima, k - 1, axis=1)[:, k - 1]
    info = np.iinfo(block.dtype)
    floor = np.clip(floor, info.min, info.max).astype(block.dtype)
    # Cells must reach the bound and exceed the floor (integers: floor + 1, kept in range).
    start = np.where(kth > floor, kth, np.minimum(floor, info.max - 1) + 1).astype(block.dtype)
    r, c = np.divmod(np.flatnonzero(block >= start[:, None]), m)
    if r.size > _LISTED_PER_K * k * block.shape[0]:
        return _top_k_partition(block, k, floor)
    value = block[r, c]
    ok = value > floor[r]
    if not ok.all():
        r, c, value = r[ok], c[ok], value[ok]
    # Stable: within a row and value, columns keep their ascending order.
    order = np.lexsort((-value.astype(np.int64), r))
    r, c = r[order], c[order]
    keep = np.arange(r.size) - np.searchsorted(r, r) < k
    return r[keep], c[keep]


def _top_k_partition(block: np.ndarray, k: int, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_top_k`` by a partition of every row.

    ``np.partition`` (values only) gives each row's k-th largest value, then two comparisons
    pick the cells: O(cells) like ``argpartition``, but about 3 ns per int16 cell against
    17 ns measured for ``argpartition`` on rows that are mostly the masked value.
    """
    m = block.shape[1]
    if k >= m:
        r, c = np.divmod(np.flatnonzero(block > floor[:, None]), m)
        return r, c
    kth = -np.partition(-block, k - 1, axis=1)[:, k - 1]
    # Every cell above max(kth, floor) is taken (fewer than k of them) ...
    r_a, c_a = np.divmod(np.flatnonzero(block > np.maximum(kth, floor)[:, None]), m)
    # ... and cells equal to kth fill the rest, where kth is above the floor.
    none = np.iinfo(block.dtype).min  # below every cell value (masked ones are 0 or _neg)
    fill = np.where(kth > floor, kth, none).astype(block.dtype)
    r_e, c_e = np.divmod(np.flatnonzero(block == fill[:, None]), m)
    rank = np.arange(r_e.size) - np.searchsorted(r_e, r_e)
    room = k - np.bincount(r_a, minlength=block.shape[0])
    keep = rank < room[r_e]
    return np.concatenate([r_a, r_e[keep]]), np.concatenate([c_a, c_e[keep]])


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the ranges [lo_k, hi_k) laid end to end, and where each range starts
    in them (ranges must be non-empty for ``reduceat`` over the starts)."""
    lens = hi - lo
    starts = np.cumsum(lens) - lens
    idx = np.arange(int(lens.sum())) + np.repeat(lo - starts, lens)
    return idx, starts


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys of a sorted array and the index where each run starts."""
    if sorted_keys.size == 0:
        return sorted_keys, np.zeros(0, np.int64)
    starts = np.flatnonzero(np.concatenate([[True], sorted_keys[1:] != sorted_keys[:-1]]))
    return sorted_keys[starts], starts


def _integer_scores(scores: object) -> np.ndarray:
    array = np.asarray(scores)
    if array.ndim != 2:
        raise ValueError(f"scores must be 2-D, got shape {array.shape}")
    if array.dtype.kind == "b":
        return array.astype(np.int8)
    if array.dtype.kind == "f":
        if not np.isfinite(array).all() or not (array == np.round(array)).all():
            raise ValueError("scores must be integers")
        array = array.astype(np.int64)
    elif array.dtype.kind not in "iu":
        raise ValueError(f"scores must be integers, got {array.dtype}")
    if array.size and array.dtype.itemsize > 2:
        if array.max() >= _SCORE_LIMIT or array.min() <= -_SCORE_LIMIT:
            raise ValueError(f"scores must lie strictly within ±{_SCORE_LIMIT}")
    return array


def _capacity(capacity: object, m: int) -> np.ndarray:
    array = np.asarray(capacity)
    if array.shape != (m,):
        raise ValueError(f"capacity must have shape ({m},), got {array.shape}")
    if array.size and (array.dtype.kind not in "iub" or array.min() < 0):
        raise ValueError("capacity must be non-negative integers")
    return array.astype(np.int64)


def _penalty(load_penalty: Sequence[int]) -> np.ndarray:
    array = np.asarray(list(load_penalty), dtype=np.float64)
    values = array.astype(np.int64)
    if (values != array).any() or (values < 0).any() or (np.diff(values) < 0).any():
        raise ValueError("load_penalty must be non-negative, non-decreasing integers")
    return values


def _slot_groups(cap: np.ndarray, penalty: np.ndarray) -> _Groups:
    """Split each mentor's slots into runs of equal marginal cost.

    Slot 1 costs 0, slot k ≥ 2 costs penalty[min(k − 2, len − 1)]; the last
    value repeats, so there are at most len(penalty) + 1 distinct runs.
    """
    costs = np.concatenate([[0], penalty])
    starts = np.concatenate([[0], np.nonzero(np.diff(costs))[0] + 1])
    run_first = starts + 1  # 1-based first slot of each run
    run_last = np.append(run_first[1:] - 1, np.iinfo(np.int64).max)  # last run is open
    sizes = np.minimum(run_last[:, None], cap[None, :]) - run_first[:, None] + 1
    run, mentor = np.nonzero(np.maximum(sizes, 0))
    order = np.lexsort((run, mentor))
    run, mentor = run[order], mentor[order]
    return _Groups(mentor, costs[starts][run].astype(np.int64), sizes[run, mentor])


def _match_target(allowed: np.ndarray | None, cap: np.ndarray, n: int) -> int:
    """Upper bound on matched mentees: usable mentees vs usable mentor slots."""
    if allowed is None:
        return int(min(n, cap.sum()))
    active = np.nonzero(cap > 0)[0]
    mentees = int(np.count_nonzero(allowed.any(axis=1)))
    # A mentor's usable slots: min(capacity, allowed mentees).  Counted over row blocks and
    # stopped once every mentor has reached its capacity (usually after a few hundred rows),
    # instead of a column count over the whole n × m mask.
    need = cap[active]
    seen = np.zeros(active.size, dtype=np.int64)
    for start in range(0, n, 256):
        block = allowed[start : start + 256]
        seen += np.count_nonzero(block if active.size == cap.size else block[:, active], axis=0)
        if (seen >= need).all():
            break
    slots = int(np.minimum(need, seen).sum())
    return min(mentees, slots)


def _prepare(
    scores: object,
    capacity: object,
    allowed: object,
    load_penalty: Sequence[int],
    maximize_matched: bool,
) -> _Problem | None:
    matrix = _integer_scores(scores)
    n, m = matrix.shape
    # No mentor can use more slots than there are mentees.
    cap = np.minimum(_capacity(capacity, m), n)
    penalty = _penalty(load_penalty)
    mask = None
    if allowed is not None:
        mask = np.asarray(allowed)
        if mask.shape != matrix.shape or mask.dtype != bool:
            raise ValueError("allowed must be a bool array shaped like scores")
    if n == 0 or m == 0 or cap.sum() == 0:
        return None
    groups = _slot_groups(cap, penalty)
    top = max(int(matrix.max()), -int(matrix.min()), 1)
    bonus, target = 0, None
    if maximize_matched:
        # Larger than the widest possible spread of (score − penalty) totals,
        # so one extra match always outweighs any score difference.
        bonus = 2 * n * top + int((groups.cost * groups.cap).sum()) + 1
        target = _match_target(mask, cap, n)
    return _Problem(
        scores=matrix,
        allowed=mask,
        cap=cap,
        active=cap > 0,
        positive_only=not maximize_matched,
        bonus=bonus,
        top=top,
        target=target,
        groups=groups,
    )


# ---------------------------------------------------------------------------
# One solved restricted flow and its dual
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Flow:
    """A restricted optimum in one of the two encodings."""

    bonus: int  # added to every pair's score in this encoding
    forced: bool
    mate: np.ndarray  # (n,) mentor or -1
    group_flow: np.ndarray  # (g,) units per mentor → sink run
    hub_flow: int  # forced encoding: units through the "unmatched" hub
    hub_cap: int


class _Duals:
    """Mentee-optimal dual of a flow over a candidate set, by Bellman-Ford.

    With D(x) the cheapest residual path x → sink and ``top`` the cost of
    leaving a mentee unmatched, ``u_i = top − D(i)`` and ``V_j = D(j)`` satisfy
    ``w_ij ≤ u_i + V_j`` on every residual candidate edge.  Residual arcs:
    mentee → non-mate candidate mentor, mentee → "unmatched" (if matched),
    mentor → its mentees (reverse), mentor → sink (if a slot is spare).
    Sweeps alternate mentees and mentors; they converge because the flow
    has no negative cycle on the candidate set (it is optimal there).
    """

    def __init__(
        self,
        problem: _Problem,
        flow: _Flow,
        rows: np.ndarray,
        cols: np.ndarray,
        weights: np.ndarray,
    ):
        """``weights``: the candidate edges' scores (int64), as the solver loop gathered them."""
        self.p, self.f = problem, flow
        g = problem.groups
        mate = flow.mate
        self.matched = mate >= 0
        spare = flow.group_flow < g.cap
        self.next_cost = np.full(problem.m, _INF)
        np.minimum.at(self.next_cost, g.mentor[spare], g.cost[spare])
        other = mate[rows] != cols
        self.e_rows, self.e_cols = rows[other], cols[other]
        self.e_w = weights[other] + flow.bonus
        self.r_heads, self.r_starts = _runs(self.e_rows)  # rows come sorted
        matched = np.nonzero(self.matched)[0]
        self.m_rows = matched[np.argsort(mate[matched], kind="stable")]
        m_cols = mate[self.m_rows]
        self.m_w = problem.scores[self.m_rows, m_cols].astype(np.int64) + flow.bonus
        self.m_heads, self.m_starts = _runs(m_cols)
        # Edge ranges per mentee (edges come sorted by row) and per mentor (through a
        # column order), so a sweep only revisits mentees next to a mentor whose V moved.
        n, m = problem.n, problem.m
        self.row_lo = np.searchsorted(self.e_rows, np.arange(n))
        self.row_hi = np.searchsorted(self.e_rows, np.arange(n), side="right")
        # A stable sort of 16-bit keys is a radix sort in numpy (several times faster).
        keys = self.e_cols.astype(np.int16) if m < 2**15 else self.e_cols
        self.by_col = np.argsort(keys, kind="stable")
        self.col_lo = np.searchsorted(self.e_cols[self.by_col], np.arange(m + 1))
        self.sweeps = 0

    def _matched_floor(self, u: np.ndarray) -> int:
        """Utility a matched mentee keeps by becoming unmatched instead."""
        f = self.f
        if not f.forced:
            return 0  # its own "unmatched" arc
        # Through the hub: free if the hub has room, else by displacing an
        # unmatched mentee back into a match.
        best = -_INF if f.hub_flow >= f.hub_cap else 0
        unmatched = u[~self.matched]
        return max(best, int(unmatched.max())) if unmatched.size else best

    def solve(
        self, max_sweeps: int, start: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """(u, V), or None if not converged within ``max_sweeps``.

        Each sweep is one Jacobi step of the Bellman equations (u from V, then V from u).
        A mentee's best edge gain only changes when the V of one of its candidate mentors
        does, so after the first sweep only those mentees are recomputed: the same
        iterates as full sweeps, at a cost proportional to the edges next to moved
        mentors (O(E) for the first sweep, O(n + m + frontier edges) after it).  While the
        moved mentors hold more than ``_DENSE_SWEEP`` of the edges (the first few dozen
        sweeps after a solve, V creeping down everywhere) the sweep is a full one: the same
        values, from contiguous arrays instead of gathered edge lists (about 40 % less CPU
        for the duals at 50,000 × 12,500).
        """
        n = self.p.n
        u = np.where(self.matched, 0, -_INF)
        # From the top (V = cost of the next free slot), or from a dual of the same flow on
        # fewer edges: V only falls from there, to the largest fixed point below it.
        v = self.next_cost.copy() if start is None else np.minimum(start, self.next_cost)
        gain = np.full(n, -_INF)
        todo: np.ndarray | None = None  # mentees to recompute; None = all
        for sweep in range(1, max_sweeps + 1):
            if self.e_rows.size and todo is None:
                gain[self.r_heads] = np.maximum.reduceat(self.e_w - v[self.e_cols], self.r_starts)
            elif self.e_rows.size and todo.size:
                idx, starts = _ranges(self.row_lo[todo], self.row_hi[todo])
                gain[todo] = np.maximum.reduceat(self.e_w[idx] - v[self.e_cols[idx]], starts)
            u_new = gain.copy()
            u_new[self.matched] = np.maximum(u_new[self.matched], self._matched_floor(u_new))
            v_new = self.next_cost.copy()
            if self.m_rows.size:
                price = np.minimum.reduceat(self.m_w - u_new[self.m_rows], self.m_starts)
                v_new[self.m_heads] = np.minimum(v_new[self.m_heads], price)
            if np.array_equal(u_new, u) and np.array_equal(v_new, v):
                self.sweeps = sweep
                return (u, v) if self._sink_arcs_hold(u, v) else None
            moved = np.nonzero(v_new != v)[0]
            reach = int((self.col_lo[moved + 1] - self.col_lo[moved]).sum())
            if reach > _DENSE_SWEEP * self.e_rows.size:
                # Most edges are next to a moved mentor: a full sweep (contiguous, no index
                # lists) costs less than gathering them, and gives the same gains.
                todo = None
            else:
                idx, _ = _ranges(self.col_lo[moved], self.col_lo[moved + 1])
                # Mentees next to a moved mentor, ascending: marks, not a sort of the edges.
                mark = np.zeros(n, dtype=bool)
                mark[self.e_rows[self.by_col[idx]]] = True
                todo = np.flatnonzero(mark)
            u, v = u_new, v_new
        return None

    def _sink_arcs_hold(self, u: np.ndarray, v: np.ndarray) -> bool:
        """Reduced costs of residual arcs *out of* the sink are non-negative.

        Sweeps towards the sink never look at these arcs, so a negative
        cycle through the sink (e.g. an unmatched mentee that a new edge
        could match) would go unnoticed without this check.
        """
        f = self.f
        g = self.p.groups
        busy = f.group_flow > 0  # reverse arcs sink → mentor, cost −penalty
        if (v[g.mentor[busy]] < g.cost[busy]).any():
            return False
        unmatched = u[~self.matched]
        # Reverse "unmatched" arcs: sink → mentee (bonus) or sink → hub (forced).
        reverse = not f.forced or f.hub_flow > 0
        return not (reverse and unmatched.size and unmatched.max() > 0)


# ---------------------------------------------------------------------------
# Pricing: scan the full matrix for pairs the dual does not cover
# ---------------------------------------------------------------------------


class _Pricer:
    """Finds pairs with w_ij > u_i + V_j, plus near misses within ``margin``.

    Works in int16 blocks when the offsets fit (int32 or int64 when not): with
    z_j = bonus − V_j, a pair violates iff score_ij + z_j − z_top + S > u_i − z_top + S,
    z_top the largest z and S = top + spread + margin + 1 (spread = z_top − the least z),
    so every usable cell is at least margin + 1; masked cells are 0, and thresholds are
    clipped at margin from below, so a masked cell is never a violation or a near miss
    and a usable cell above a clipped threshold is one under the true threshold too.
    Near misses are added too: they tend to become violations once the
    flow changes, and adding them early saves solver rounds.
    """

    def __init__(self, problem: _Problem, per_row: int, margin: int) -> None:
        self.p, self.per_row, self.margin = problem, per_row, margin
        self.bound: _Bound | None = None
        self.scanned: list[int] = []  # rows read by each scan

    def scan(
        self, u: np.ndarray, v: np.ndarray, mate: np.ndarray, bonus: int, settle: bool = False
    ) -> tuple[int, np.ndarray]:
        """Number of rows with a violation, and flat codes of pairs to add.

        With ``settle`` (the flow is the one of the last full pass, its dual extended), only
        violations must be found: the pass reads just the rows the bound of that pass cannot
        clear of violations (``_Bound``), and near misses come from those rows only; or
        every row when they are more than ``_FULL_SHARE`` of them."""
        dtype, z, thr, shift = self._setup(u, v, bonus)
        m, z_abs = self.p.m, bonus - v
        only = None
        if settle and self.bound is not None:
            only = self.bound.rows(self.p, z_abs, thr, mate, shift)
            if only.size > _FULL_SHARE * self.p.n:
                only = None

        def work(rows: slice | np.ndarray, block: np.ndarray) -> tuple[int, np.ndarray, object]:
            has = np.nonzero(mate[rows] >= 0)[0]
            block[has, mate[rows][has]] = 0  # the mate's arc is not residual
            best = block.max(axis=1)
            limit = thr[rows]
            violating = int(np.count_nonzero(best > limit))
            near = np.nonzero(best > limit - self.margin)[0]
            if near.size == 0:
                return violating, np.zeros(0, np.int64), best
            r, c = self._pairs(near, block, limit - self.margin)
            r = rows.start + r if isinstance(rows, slice) else rows[r].astype(np.int64)
            return violating, r * m + c, best

        results = self.p.map_blocks(work, dtype, offset=z, only=only)
        self.scanned.append(self.p.n if only is None else int(only.size))
        if only is None and results:
            best = np.concatenate([b for _, _, b in results])
            self.bound = _Bound(best, z_abs, self.p.active, mate, shift)
        codes = np.concatenate([c for _, c, _ in results]) if results else np.zeros(0, np.int64)
        return sum(v for v, _, _ in results), codes

    def _setup(
        self, u: np.ndarray, v: np.ndarray, bonus: int
    ) -> tuple[type, np.ndarray, np.ndarray, int]:
        """Work dtype, offsets, thresholds and the shift S (class docstring)."""
        active = self.p.active
        z = bonus - v
        z_top = int(z[active].max())
        spread = z_top - int(z[active].min())
        dtype = _work_dtype(spread + self.p.top + self.margin)
        shift = self.p.top + spread + self.margin + 1
        # Active mentors' offsets lie in [top + margin + 1, S]: no clipping; inactive
        # mentors' columns are masked whatever their offset.
        zw = np.clip(z - z_top + shift, _neg(dtype), shift).astype(dtype)
        thr = np.clip(u - z_top + shift, self.margin, np.iinfo(dtype).max).astype(dtype)
        return dtype, zw, thr, shift

    def _pairs(
        self, near: np.ndarray, block: np.ndarray, floor: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows (in the block) and columns of each near row's best ``per_row`` pairs above
        ``floor``.  After a poor first flow nearly every cell of every row can be above it,
        so the rows go through ``_top_k`` (a partition), never a list of all such cells."""
        if near.size < block.shape[0]:
            block = block[near]
        r, c = _top_k(block, self.per_row, floor[near])
        return near[r].astype(np.int64), c.astype(np.int64)


class _Bound:
    """Which rows a pricing pass must read to find every violation, from the row maxima
    of the last full pass.

    A full pass sees, for each row i, best_i ≥ max over usable cells other than the mate
    of score_ij + Z0_j − top0 + S0 (its work values: Z0 = bonus − V unshifted, top0 its
    maximum over active mentors, S0 that pass's shift; masked cells, 0, only raise the
    maximum).  At a later pass with offsets Z, shift S and the same mate, a cell of a
    mentor whose offset did not rise (Z_j ≤ Z0_j) has score_ij + Z_j − top + S ≤
    best_i + top0 − top + S − S0; the cells of the few mentors whose offset rose (their
    price fell) are checked exactly, one column each.  A row where neither exceeds its
    threshold holds no violation: the pass need not read it.  Rows whose mate changed
    (the old mate's cell is residual, and best_i left it out) are read.  After a dual
    extension (same flow, a few prices lowered) that leaves the pass that certifies the
    optimum a few rows to read.  Bounding reduced costs to skip pricing work: Desrosiers &
    Lübbecke, "A primer in column generation" (2005).  O(n·k) for k risen offsets
    (at most ``_RISEN_MAX``, else one bound with the largest rise), O(n) memory.
    """

    def __init__(
        self,
        best: np.ndarray,
        z_abs: np.ndarray,
        active: np.ndarray,
        mate: np.ndarray,
        shift: int,
    ) -> None:
        self.best = best.astype(np.int64)
        self.active = active
        self.z0 = z_abs.astype(np.int64)
        self.top0 = int(self.z0[active].max())  # the pass's work offsets: z0 − top0 + s0
        self.s0 = shift
        self.mate0 = mate.copy()

    def rows(
        self, p: _Problem, z_abs: np.ndarray, floor: np.ndarray, mate: np.ndarray, shift: int
    ) -> np.ndarray:
        """Ascending indices of the rows that may hold a cell above ``floor`` (per row, in
        the current work units: offsets z_abs − top + ``shift``, top their maximum over
        active mentors)."""
        z_abs = z_abs.astype(np.int64)
        top = int(z_abs[self.active].max())
        floor = floor.astype(np.int64)
        risen = np.nonzero(self.active & (z_abs > self.z0))[0]
        lift = self.top0 - top + shift - self.s0
        if risen.size > _RISEN_MAX:
            lift += int((z_abs - self.z0)[risen].max())
        read = (self.best + lift > floor) | (mate != self.mate0)
        if 0 < risen.size <= _RISEN_MAX:
            cells = p.scores[:, risen].astype(np.int64) + (z_abs[risen] - top + shift)
            usable = mate[:, None] != risen[None, :]
            if p.allowed is not None:
                usable &= p.allowed[:, risen]
            if p.positive_only:
                usable &= p.scores[:, risen] > 0
            read |= (usable & (cells > floor[:, None])).any(axis=1)
        return np.nonzero(read)[0]


# ---------------------------------------------------------------------------
# Solver loop
# ---------------------------------------------------------------------------


class _Solver:
    def __init__(self, problem: _Problem) -> None:
        self.p = problem
        self.per_row = _PER_ROW
        self.pricer = _Pricer(problem, _ADD_PER_ROW, _MARGIN)
        self.rounds = 0  # min-cost-flow solves
        self.scans = 0
        self.phases: dict[str, list[float]] = {}  # phase -> [wall s, CPU s, count]
        self.edges: list[int] = []  # candidate edges at each solve
        self.flows: list[tuple[int, bool]] = []  # matched, forced encoding at each solve
        self.violations: list[int] = []  # rows with a violation at each pricing pass
        self.solver_cpu: list[float] = []  # CPU seconds inside OR-Tools at each solve

    @contextmanager
    def _phase(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            entry = self.phases.setdefault(name, [0.0, 0.0, 0])
            entry[0] += time.perf_counter() - wall
            entry[1] += time.process_time() - cpu
            entry[2] += 1

    def stats(self) -> dict:
        return {
            "rounds": self.rounds,
            "scans": self.scans,
            "edges": list(self.edges),
            "flows": list(self.flows),
            "violations": list(self.violations),
            "rows_read": list(self.pricer.scanned),
            "solver_cpu": list(self.solver_cpu),
            "phases": {k: list(v) for k, v in self.phases.items()},
        }

    def run(self) -> np.ndarray:
        p = self.p
        with self._phase("candidates"):
            codes = self._initial_candidates()
        flow: _Flow | None = None
        # Few violations rarely mean a better flow: first try to extend the
        # current flow's dual over the new edges (cheap) before re-solving.
        few = max(20, p.n // 200)
        dual: tuple[np.ndarray, np.ndarray] | None = None
        gathered = None
        while True:
            if codes is not gathered:
                rows, cols = np.divmod(codes, p.m)
                # The edges' scores, gathered once for the solve, the dual and the pruning.
                weights = p.scores[rows, cols].astype(np.int64)
                gathered = codes
            fresh = flow is None
            if fresh:
                self.rounds += 1
                self.edges.append(int(rows.size))
                with self._phase("solve"):
                    flow = self._min_cost_flow(
                        rows, cols, weights, lexicographic=p.target is not None
                    )
                self.flows.append((int((flow.mate >= 0).sum()), flow.forced))
            with self._phase("duals" if fresh else "extend"):
                duals = _Duals(p, flow, rows, cols, weights)
                if fresh:
                    dual = duals.solve(p.n + p.m + 3)
                else:
                    # Same flow, more edges: relax from the last dual (new edges only lower
                    # V), so a few sweeps near the new edges settle it, or reveal a negative
                    # cycle.
                    dual = duals.solve(_EXTEND_SWEEPS, start=dual[1])
            if dual is None:
                if fresh:
                    raise RuntimeError("no dual for an optimal flow: negative cycle")
                flow = None  # the new edges improve on the flow
                continue
            self.scans += 1
            with self._phase("pricing"):
                violating, extra = self.pricer.scan(*dual, flow.mate, flow.bonus, not fresh)
            self.violations.append(violating)
            if violating == 0:
                return flow.mate
            merged = _sorted_unique(np.concatenate([codes, extra]))
            if merged.size == codes.size:
                raise RuntimeError("pricing found violations only among candidate edges")
            if violating > few and self.rounds <= _PRUNE_ROUNDS:
                # Re-solving anyway: first drop candidates far from tight (they would not
                # be used, and the solve time grows with the edges); pricing would bring
                # back any that matter.  Only in the first rounds, so the loop still ends.
                merged = _sorted_unique(
                    np.concatenate([self._near_tight(codes, weights, dual, flow), extra])
                )
            codes = merged
            if violating > few:
                flow = None

    def _near_tight(
        self,
        codes: np.ndarray,
        weights: np.ndarray,
        dual: tuple[np.ndarray, np.ndarray],
        flow: _Flow,
    ) -> np.ndarray:
        """Candidates whose reduced cost u_i + V_j − w_ij is at most ``_PRUNE_SLACK``, and
        the flow's own pairs (so the flow stays feasible)."""
        u, v = dual
        rows, cols = np.divmod(codes, self.p.m)
        w = weights + flow.bonus
        keep = (u[rows] + v[cols] - w <= _PRUNE_SLACK) | (flow.mate[rows] == cols)
        return codes[keep]

    def _initial_candidates(self) -> np.ndarray:
        """Top-k mentors per mentee plus a sparse random set of usable pairs.

        Top-k lists alone crowd onto popular mentors: the first flow could
        not match everyone, every other mentor would look free (price 0),
        and later rounds would peel mentors off tier by tier.  A sparse
        random graph on top almost surely admits a full matching, so the
        first flow's prices mean something for every mentor.
        """
        p = self.p
        listed, maxima, starts = self._row_pass(min(self.per_row, p.m))
        codes = _sorted_unique(np.concatenate([self._random_pairs(), listed]))
        if _COLUMN_EXTRA:
            extra = self._thin_from_maxima(codes, maxima, starts)
            if extra is None:
                extra = self._thin_columns(codes)
            codes = _sorted_unique(np.concatenate([codes, extra]))
        return codes

    def _row_pass(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's k best usable cells (flat codes), each row block's column maxima
        (``maxima[b, j]``, usable cells 1 .. 2·top + 1, unusable 0) and the blocks' first
        rows (``starts``, n appended): one pass over the matrix."""
        p = self.p
        dtype = _work_dtype(p.top)
        offset = np.full(p.m, p.top + 1, dtype=dtype)  # usable cells 1 .. 2·top + 1

        def work(rows: slice, block: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
            r, c = _top_k(block, k, np.zeros(block.shape[0], dtype=block.dtype))
            # Each column's maximum over the block: bounds the thin columns' best cells.
            return (r + rows.start).astype(np.int64) * p.m + c, block.max(axis=0), rows.start

        blocks = p.map_blocks(work, dtype, offset)
        listed = np.concatenate([b[0] for b in blocks])
        maxima = np.stack([b[1] for b in blocks])
        starts = np.array([b[2] for b in blocks] + [p.n], dtype=np.int64)
        return listed, maxima, starts

    def _thin_from_maxima(
        self, codes: np.ndarray, maxima: np.ndarray, starts: np.ndarray
    ) -> np.ndarray | None:
        """``_thin_columns`` from the first pass's per-block column maxima (``maxima[b, j]``
        over rows ``starts[b]:starts[b + 1]``), without a second pass over the matrix; None
        when the bound leaves too many cells to read (then ``_thin_columns`` runs).

        The k-th largest of a column's block maxima is a lower bound on its k-th best cell
        (k blocks each hold a cell at least that large), so its k best cells, ties by row,
        are among the cells at or above that bound, which lie in the blocks whose maximum
        reaches it: only those cells are gathered and ranked.  Same pairs as
        ``_thin_columns``; O(n·m / rows per block + t·b·r) for t thin mentors, b blocks read
        per mentor and r rows per block, against a pass over every row for those mentors
        (at 50,000 × 12,500: about 1,100 thin mentors, 1.6 s CPU before, 2026-12-03).
        """
        p = self.p
        degree = np.bincount(codes % p.m, minlength=p.m)
        thin = np.nonzero(p.active & (degree < _COLUMN_FEW * p.cap))[0]
        if thin.size == 0:
            return np.zeros(0, np.int64)
        k = int(min(p.n, _COLUMN_EXTRA * p.cap[thin].max()))
        col_max = maxima[:, thin]
        if k > col_max.shape[0]:
            return None  # fewer blocks than k: no bound
        kth = -np.partition(-col_max, k - 1, axis=0)[k - 1]
        # Cells must reach the bound and be usable (above 0, the masked value).
        bound = np.maximum(kth, 1)
        block, which = np.nonzero(col_max >= bound[None, :])
        lo, hi = starts[block], starts[block + 1]
        if int((hi - lo).sum()) > _THIN_CELLS_SHARE * p.n * p.m:
            return None
        rows, _ = _ranges(lo, hi)
        which = np.repeat(which, hi - lo)
        cols = thin[which]
        raw = p.scores[rows, cols]
        value = np.add(raw, p.top + 1, dtype=maxima.dtype)
        if p.allowed is not None:
            _mask_out(value, p.allowed[rows, cols])
        if p.positive_only:
            np.multiply(value, raw > 0, out=value)
        ok = value >= bound[which]
        rows, which, value = rows[ok], which[ok], value[ok]
        # Each column's k best: by column, score descending, then row.
        order = np.lexsort((rows, -value.astype(np.int64), which))
        rows, which = rows[order], which[order]
        rank = np.arange(which.size) - np.searchsorted(which, which)
        keep = rank < k
        return rows[keep].astype(np.int64) * p.m + thin[which[keep]]

    def _thin_columns(self, codes: np.ndarray) -> np.ndarray:
        """Each thinly covered mentor's best mentees: for mentors with fewer than
        ``_COLUMN_FEW`` × capacity candidate edges, their ``_COLUMN_EXTRA`` × capacity best
        usable pairs (ties by row).

        Row lists crowd onto popular mentors and random pairs mostly miss mentors that the
        must-have rules leave few mentees: such a mentor got no candidate edge at all, the
        first flow could not fill every slot, and its bonus-encoded dual made nearly every
        row of the matrix violate.  One pass over the columns of those mentors only
        (O(n·t) for t of them), with a running top-k per column.
        """
        p = self.p
        degree = np.bincount(codes % p.m, minlength=p.m)
        thin = np.nonzero(p.active & (degree < _COLUMN_FEW * p.cap))[0]
        if thin.size == 0:
            return np.zeros(0, np.int64)
        k = int(min(p.n, _COLUMN_EXTRA * p.cap[thin].max()))
        dtype = _work_dtype(p.top)
        step = max(1, _BLOCK_CELLS // thin.size)

        def one(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            rows = slice(start, min(start + step, p.n))
            raw = p.scores[rows][:, thin]
            block = np.add(raw, p.top + 1, dtype=dtype)  # usable cells 1 .. 2·top + 1
            if p.allowed is not None:
                _mask_out(block, p.allowed[rows][:, thin])
            if p.positive_only:
                np.multiply(block, raw > 0, out=block)
            block = np.ascontiguousarray(block.T)
            col, row = _top_k(block, k, np.zeros(thin.size, dtype=dtype))
            return col, row + start, block[col, row]

        found = threads.each(one, range(0, p.n, step))
        col, row, value = (np.concatenate(x) for x in zip(*found, strict=True))
        # Each column's k best over all blocks: by column, score descending, then row.
        order = np.lexsort((row, -value.astype(np.int64), col))
        col, row = col[order], row[order]
        rank = np.arange(col.size) - np.searchsorted(col, col)
        keep = rank < k
        return row[keep].astype(np.int64) * p.m + thin[col[keep]]

    def _random_pairs(self) -> np.ndarray:
        """About two random mentors per mentee and cap + 1 random mentees per mentor."""
        p = self.p
        rng = np.random.default_rng(0)  # fixed seed keeps results reproducible
        active = np.nonzero(p.active)[0]
        # Draw as many more as forbidden pairs will throw away (must-have rules can forbid
        # two pairs in three), so about that many usable ones remain.
        draws = 1
        if p.allowed is not None:
            cells = rng.integers(0, p.n, 4096), active[rng.integers(0, active.size, 4096)]
            probe = p.allowed[cells]
            draws = int(min(8, np.ceil(1 / max(probe.mean(), 1 / 8))))
        by_mentee = np.repeat(np.arange(p.n), 2 * draws)
        by_mentor = np.repeat(active, (p.cap[active] + 1) * draws)
        rows = np.concatenate([by_mentee, rng.integers(0, p.n, by_mentor.size)])
        cols = np.concatenate([active[rng.integers(0, active.size, by_mentee.size)], by_mentor])
        ok = np.ones(rows.size, dtype=bool)
        if p.allowed is not None:
            ok &= p.allowed[rows, cols]
        if p.positive_only:
            ok &= p.scores[rows, cols] > 0
        return rows[ok].astype(np.int64) * p.m + cols[ok]

    def _min_cost_flow(
        self,
        rows: np.ndarray,
        cols: np.ndarray,
        scores: np.ndarray,
        lexicographic: bool,
    ) -> _Flow:
        """Optimal flow on the candidate edges (``scores`` their scores), in the encoding its
        dual is priced in.

        With ``maximize_matched`` (``lexicographic``), one lexicographic solve (most
        matches, then least cost) on small costs: if it matches ``target`` mentees it is an
        optimal flow of the forced encoding, otherwise of the bonus encoding (bonus > any
        score spread, so the two objectives agree); either way ``_Duals`` can price it.

        Nodes: mentees 0..n-1, mentors n..n+m-1, sink n+m.  Lexicographic: no
        "unmatched" arcs; OR-Tools' ``solve_max_flow_with_min_cost`` finds a maximum flow
        by push-relabel, then the cheapest flow of that value by cost scaling (which
        mentees are matched is left to the second stage).  Otherwise each mentee also has
        its "unmatched" arc (cost ``top``) and every unit is routed.
        """
        p, g = self.p, self.p.groups
        n, m = p.n, p.m
        sink = n + m
        top = p.top
        e, ng = rows.size, g.mentor.size
        tails = [rows, n + g.mentor]
        heads = [n + cols, np.full(ng, sink)]
        caps = [np.ones(e, np.int64), g.cap]
        costs = [top - scores, g.cost]
        if not lexicographic:
            tails.append(np.arange(n))
            heads.append(np.full(n, sink))
            caps.append(np.ones(n, np.int64))
            costs.append(np.full(n, top))
        solver = SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(
            np.concatenate(tails).astype(np.int32),
            np.concatenate(heads).astype(np.int32),
            np.concatenate(caps).astype(np.int64),
            np.concatenate(costs).astype(np.int64),
        )
        solver.set_nodes_supplies(
            np.append(np.arange(n), sink).astype(np.int32), np.append(np.ones(n, np.int64), -n)
        )
        started = time.process_time()
        with self._phase("solver"):
            status = solver.solve_max_flow_with_min_cost() if lexicographic else solver.solve()
        self.solver_cpu.append(time.process_time() - started)
        if status != solver.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        used = np.asarray(solver.flows(np.arange(e, dtype=np.int32))) > 0
        mate = np.full(n, -1, dtype=np.int64)
        mate[rows[used]] = cols[used]
        group_arcs = np.arange(e, e + ng, dtype=np.int32)
        group_flow = np.asarray(solver.flows(group_arcs)).astype(np.int64)
        if not lexicographic:
            return _Flow(0, False, mate, group_flow, 0, 0)
        matched = int(solver.maximum_flow())
        if matched >= p.target:
            # The most any matching can reach: optimal in the forced encoding, hub full.
            return _Flow(0, True, mate, group_flow, n - matched, n - p.target)
        return _Flow(p.bonus, False, mate, group_flow, 0, 0)
