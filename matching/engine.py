"""Optimal mentee → mentor assignment (pure: numpy, scipy-free core, OR-Tools).

Model: a min-cost flow with one unit per mentee.  Mentee i may send its unit
to mentor j (cost ``base − w_ij``) or straight to the sink ("unmatched", cost
``base``); mentor j forwards at most ``capacity[j]`` units to the sink through
parallel arcs whose costs are the marginal load penalties 0, p[0], p[1], …
Because penalties are non-decreasing the cheapest arcs fill first, so this is
exact for the convex total penalty.  ``w_ij = score_ij + bonus``; with
``maximize_matched`` the bonus exceeds any possible spread of total score,
which makes "more matches" lexicographically dominant.

The full matrix is too big for the flow solver, so we solve on candidate
edges (top-k per mentee) and then *prove* optimality over every pair:
shortest-path potentials of the residual network give a dual (u per mentee,
V per mentor); any allowed pair with ``w_ij > u_i + V_j`` could improve the
flow, so such pairs are added and the flow re-solved.  When no pair violates
the condition the potentials certify optimality on the whole matrix.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

# Masked cells in int32 work blocks; real scores must stay well above it.
_NEG = np.int32(-(2**30))
_SCORE_LIMIT = 2**29
_INF = np.int64(2**62)
# Rows per work block are chosen so a block holds about this many cells.
_BLOCK_CELLS = 1 << 21


@dataclass(frozen=True)
class _Groups:
    """Mentor → sink arcs: runs of equal marginal penalty."""

    mentor: np.ndarray  # (g,) mentor index, ascending; costs ascend within a mentor
    cost: np.ndarray  # (g,) marginal penalty per unit
    cap: np.ndarray  # (g,) number of slots in the run


@dataclass(frozen=True)
class _Problem:
    scores: np.ndarray  # (n, m) integer
    allowed: np.ndarray | None  # (n, m) bool
    active: np.ndarray  # (m,) bool: mentor has capacity
    positive_only: bool  # drop pairs with score <= 0 (never worth it without the bonus)
    bonus: int  # added to every matched pair's score
    base: int  # ≥ every pair weight, keeps arc costs non-negative
    groups: _Groups

    @property
    def n(self) -> int:
        return self.scores.shape[0]

    @property
    def m(self) -> int:
        return self.scores.shape[1]

    def blocks(self) -> Iterator[tuple[slice, np.ndarray]]:
        """Row blocks as int32 with every unusable pair set to _NEG."""
        step = max(1, _BLOCK_CELLS // max(self.m, 1))
        inactive = np.nonzero(~self.active)[0]
        for start in range(0, self.n, step):
            rows = slice(start, min(start + step, self.n))
            block = self.scores[rows].astype(np.int32)
            if self.allowed is not None:
                np.putmask(block, ~self.allowed[rows], _NEG)
            if inactive.size:
                block[:, inactive] = _NEG
            if self.positive_only:
                np.putmask(block, block <= 0, _NEG)
            yield rows, block

    def weights(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return self.scores[rows, cols].astype(np.int64) + self.bonus


def assign(
    scores: np.ndarray,
    capacity: np.ndarray | Sequence[int],
    allowed: np.ndarray | None = None,
    load_penalty: Sequence[int] = (),
    maximize_matched: bool = True,
) -> np.ndarray:
    """Optimal assignment of mentees (rows) to mentors (columns).

    scores: (n, m) integers. capacity: (m,) non-negative integers.
    allowed: optional (n, m) bool, False = forbidden pair.
    load_penalty: non-decreasing non-negative ints; the k-th extra mentee of
    a mentor (k = 2, 3, …) costs load_penalty[min(k − 2, len − 1)].
    With ``maximize_matched`` the number of matched mentees is maximised
    first, then total score − total penalty; otherwise only the latter
    (pairs that cannot add value are left out).

    Returns an int64 array of length n: mentor index or -1.
    """
    problem = _prepare(scores, capacity, allowed, load_penalty, maximize_matched)
    if problem is None:
        return np.full(np.shape(scores)[0], -1, dtype=np.int64)
    return _Solver(problem).run()


# ---------------------------------------------------------------------------
# Input checking and problem set-up
# ---------------------------------------------------------------------------


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
        # Wide types may hold values our int32 work blocks cannot represent.
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
    # Run r covers slots first[r]..last[r] (1-based); the final run is open-ended.
    first = np.arange(1, costs.size + 1)
    change = np.nonzero(np.diff(costs))[0] + 1
    starts = np.concatenate([[0], change])
    run_first = first[starts]
    run_last = np.append(run_first[1:] - 1, np.iinfo(np.int64).max)
    run_cost = costs[starts]
    # (runs × mentors) slot counts; mentors ascend in the flattened order.
    sizes = np.minimum(run_last[:, None], cap[None, :]) - run_first[:, None] + 1
    sizes = np.maximum(sizes, 0)
    run, mentor = np.nonzero(sizes)
    order = np.lexsort((run, mentor))
    run, mentor = run[order], mentor[order]
    return _Groups(mentor, run_cost[run].astype(np.int64), sizes[run, mentor].astype(np.int64))


def _prepare(
    scores: object,
    capacity: object,
    allowed: object,
    load_penalty: Sequence[int],
    maximize_matched: bool,
) -> _Problem | None:
    matrix = _integer_scores(scores)
    n, m = matrix.shape
    cap = _capacity(capacity, m)
    penalty = _penalty(load_penalty)
    mask = None
    if allowed is not None:
        mask = np.asarray(allowed)
        if mask.shape != matrix.shape or mask.dtype != bool:
            raise ValueError("allowed must be a bool array shaped like scores")
    # No mentor can use more slots than there are mentees.
    cap = np.minimum(cap, n)
    if n == 0 or m == 0 or cap.sum() == 0:
        return None
    groups = _slot_groups(cap, penalty)
    top = int(np.abs(matrix).max())
    bonus = 0
    if maximize_matched:
        # Larger than the widest possible spread of (score − penalty) totals,
        # so one extra match always outweighs any score difference.
        worst_penalty = int((groups.cost * groups.cap).sum())
        bonus = 2 * n * top + worst_penalty + 1
    return _Problem(
        scores=matrix,
        allowed=mask,
        active=cap > 0,
        positive_only=not maximize_matched,
        bonus=bonus,
        base=bonus + top,
        groups=groups,
    )


# ---------------------------------------------------------------------------
# Solver: candidate flow + pricing over the full matrix
# ---------------------------------------------------------------------------


@dataclass
class _Flow:
    mate: np.ndarray  # (n,) mentor or -1
    group_flow: np.ndarray  # (g,) units on each mentor → sink run


class _Solver:
    def __init__(
        self, problem: _Problem, per_row: int = 12, add_per_row: int = 8, margin: int = 0
    ) -> None:
        self.p = problem
        self.per_row = per_row
        self.add_per_row = add_per_row
        self.margin = margin
        self.rounds = 0

    def run(self) -> np.ndarray:
        p = self.p
        codes = self._initial_candidates()
        while True:
            self.rounds += 1
            rows, cols = np.divmod(codes, p.m)
            w = p.weights(rows, cols)
            flow = self._solve(rows, cols, w)
            u, v = self._potentials(rows, cols, w, flow)
            extra, violated = self._price(u, v, flow.mate)
            if not violated:
                return flow.mate
            extra = np.setdiff1d(extra, codes, assume_unique=True)
            codes = np.union1d(codes, extra)

    # -- candidates ---------------------------------------------------------

    def _initial_candidates(self) -> np.ndarray:
        """Top-k allowed mentors per mentee (pricing later adds what is missing)."""
        p = self.p
        k = min(self.per_row, p.m)
        found = []
        for rows, block in p.blocks():
            if k < p.m:
                idx = np.argpartition(block, p.m - k, axis=1)[:, p.m - k :]
            else:
                idx = np.broadcast_to(np.arange(p.m), block.shape)
            vals = np.take_along_axis(block, idx, axis=1)
            r, c = np.nonzero(vals > _NEG)
            found.append((r + rows.start).astype(np.int64) * p.m + idx[r, c])
        return np.unique(np.concatenate(found)) if found else np.zeros(0, np.int64)

    # -- min-cost flow ------------------------------------------------------

    def _solve(self, rows: np.ndarray, cols: np.ndarray, w: np.ndarray) -> _Flow:
        p, g = self.p, self.p.groups
        n, m = p.n, p.m
        sink = n + m
        e, ng = rows.size, g.mentor.size
        flow = SimpleMinCostFlow()
        tails = np.concatenate([rows, np.arange(n), n + g.mentor]).astype(np.int32)
        heads = np.concatenate([n + cols, np.full(n + ng, sink)]).astype(np.int32)
        caps = np.concatenate([np.ones(e + n, np.int64), g.cap])
        costs = np.concatenate([p.base - w, np.full(n, p.base, np.int64), g.cost])
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs.astype(np.int64))
        nodes = np.append(np.arange(n), sink).astype(np.int32)
        flow.set_nodes_supplies(nodes, np.append(np.ones(n, np.int64), -n))
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        used = np.asarray(flow.flows(np.arange(e, dtype=np.int32))) > 0
        mate = np.full(n, -1, dtype=np.int64)
        mate[rows[used]] = cols[used]
        group_flow = np.asarray(flow.flows(np.arange(e + n, e + n + ng, dtype=np.int32)))
        return _Flow(mate, group_flow.astype(np.int64))

    # -- dual ---------------------------------------------------------------

    def _potentials(
        self, rows: np.ndarray, cols: np.ndarray, w: np.ndarray, flow: _Flow
    ) -> tuple[np.ndarray, np.ndarray]:
        """Dual (u, V) from shortest residual paths to the sink (Bellman-Ford).

        In terms of D(x) = cost of the cheapest residual path x → sink:
        u_i = base − D(i), V_j = D(j).  Mentee i can go to the sink directly
        (if matched, u ≥ 0) or via any non-mate candidate mentor;
        mentor j via a spare slot (its next marginal penalty) or by sending
        back one of its mentees.  The fixed point satisfies
        w_ij ≤ u_i + V_j on every residual candidate edge.
        """
        p, g = self.p, self.p.groups
        n, m = p.n, p.m
        spare = flow.group_flow < g.cap
        next_cost = np.full(m, _INF)
        np.minimum.at(next_cost, g.mentor[spare], g.cost[spare])

        mate = flow.mate
        other = mate[rows] != cols
        e_rows, e_cols, e_w = rows[other], cols[other], w[other]
        e_heads, e_starts = np.unique(e_rows, return_index=True)

        matched = np.nonzero(mate >= 0)[0]
        by_mentor = np.argsort(mate[matched], kind="stable")
        m_rows = matched[by_mentor]
        m_cols = mate[m_rows]
        m_w = p.weights(m_rows, m_cols)
        m_heads, m_starts = np.unique(m_cols, return_index=True)

        floor = np.where(mate >= 0, 0, -_INF)
        u = floor.copy()
        v = next_cost.copy()
        for _ in range(m + 2):
            u_new = floor.copy()
            if e_rows.size:
                best = np.maximum.reduceat(e_w - v[e_cols], e_starts)
                u_new[e_heads] = np.maximum(floor[e_heads], best)
            v_new = next_cost.copy()
            if m_rows.size:
                cheapest = np.minimum.reduceat(m_w - u_new[m_rows], m_starts)
                v_new[m_heads] = np.minimum(next_cost[m_heads], cheapest)
            if np.array_equal(u_new, u) and np.array_equal(v_new, v):
                return u, v
            u, v = u_new, v_new
        raise RuntimeError("residual network has a negative cycle; flow was not optimal")

    # -- pricing ------------------------------------------------------------

    def _price(
        self, u: np.ndarray, v: np.ndarray, mate: np.ndarray
    ) -> tuple[np.ndarray, bool]:
        """Allowed non-mate pairs with w_ij > u_i + V_j (as flat codes).

        A cheap int32 pass finds rows that might violate; an exact int64
        check on those rows picks the most violated pairs per row.
        """
        p = self.p
        z = p.bonus - v  # violation iff score_ij + z_j > u_i
        z_top = int(z.max())
        z32 = np.maximum(z - z_top, _NEG).astype(np.int32)
        limit32 = np.iinfo(np.int32)
        found = []
        violated = False
        for rows, block in p.blocks():
            local = np.nonzero(mate[rows] >= 0)[0]
            block[local, mate[rows][local]] = _NEG
            thr = np.clip(u[rows] - z_top - self.margin, limit32.min + 1, limit32.max)
            block += z32  # no overflow: both terms ≥ -2**30
            maybe = np.nonzero(block.max(axis=1) > thr)[0]
            if maybe.size == 0:
                continue
            codes, worst = self._violations(rows.start + maybe, mate, u, z)
            found.append(codes)
            violated |= worst > 0
        return (np.concatenate(found) if found else np.zeros(0, np.int64)), violated

    def _violations(
        self, rows: np.ndarray, mate: np.ndarray, u: np.ndarray, z: np.ndarray
    ) -> tuple[np.ndarray, int]:
        p = self.p
        s = p.scores[rows].astype(np.int64)
        usable = np.ones(s.shape, dtype=bool)
        if p.allowed is not None:
            usable &= p.allowed[rows]
        usable &= p.active[None, :]
        if p.positive_only:
            usable &= s > 0
        has_mate = np.nonzero(mate[rows] >= 0)[0]
        usable[has_mate, mate[rows][has_mate]] = False
        gain = np.where(usable, s + z[None, :] - u[rows, None], -_INF)
        k = min(self.add_per_row, p.m)
        idx = np.argpartition(gain, p.m - k, axis=1)[:, p.m - k :]
        top = np.take_along_axis(gain, idx, axis=1)
        r, c = np.nonzero(top > -self.margin)
        return rows[r].astype(np.int64) * p.m + idx[r, c], int(gain.max(initial=-1))
