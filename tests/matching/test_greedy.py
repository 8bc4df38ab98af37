"""matching.greedy: the best-score-first baseline, on candidate lists.

No database: pure numpy tests. Two oracles: sorting every pair (the definition, on distinct
scores) and the full-row-scan proposal rounds it replaced (tie for tie, on scores with many
ties, as int8 runs have).
"""

from __future__ import annotations

import numpy as np
import pytest

from matching import greedy as greedy_module
from matching.engine import assign
from matching.greedy import greedy


def reference_greedy(scores: np.ndarray, capacity: np.ndarray, allowed: np.ndarray) -> int:
    """Sort every allowed pair by score, take each whose mentee is free and mentor has room."""
    left = capacity.copy()
    taken: set[int] = set()
    total = 0
    pairs = sorted(
        ((int(scores[i, j]), i, j) for i, j in zip(*np.nonzero(allowed), strict=True)), reverse=True
    )
    for score, i, j in pairs:
        if i not in taken and left[j] > 0:
            taken.add(i)
            left[j] -= 1
            total += score
    return total


def full_scan_greedy(scores: np.ndarray, capacity: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The proposal rounds as they were until 2026-12 (``engine.greedy``): every stale
    mentee's best mentor with room found by scanning its whole row."""
    n, m = scores.shape
    left = capacity.astype(np.int64).copy()
    missing = np.iinfo(np.int64).min
    mate = np.full(n, -1, dtype=np.int64)
    best = np.full(n, -1, dtype=np.int64)
    value = np.full(n, missing, dtype=np.int64)
    stale = np.ones(n, dtype=bool)
    free = np.arange(n) if m else np.arange(0)
    while free.size:
        todo = free[stale[free]]
        for start in range(0, todo.size, 512):
            rows = todo[start : start + 512]
            block = np.where(allowed[rows] & (left > 0), scores[rows].astype(np.int64), missing)
            best[rows] = block.argmax(axis=1)
            value[rows] = block[np.arange(rows.size), best[rows]]
        stale[todo] = False
        free = free[value[free] > missing]
        if free.size == 0:
            break
        order = np.lexsort((free, -value[free]))
        prop, to, val = free[order], best[free[order]], value[free[order]]
        by_mentor = np.argsort(to, kind="stable")
        rank = np.empty(to.size, dtype=np.int64)
        sorted_to = to[by_mentor]
        rank[by_mentor] = np.arange(to.size) - np.searchsorted(sorted_to, sorted_to)
        fits = rank < left[to]
        first_miss = int(np.argmin(fits)) if not fits.all() else to.size
        take = fits & (val >= (val[first_miss] if first_miss < to.size else val.min()))
        mate[prop[take]] = to[take]
        left -= np.bincount(to[take], minlength=m)
        free = free[mate[free] < 0]
        stale[free[left[best[free]] <= 0]] = True
    return mate


@pytest.mark.parametrize("seed", range(20))
def test_it_gives_the_greedy_total_of_sorting_every_pair(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(1, 60)), int(rng.integers(1, 15))
    # Distinct scores: with ties, greedy totals depend on the order ties are taken in.
    scores = rng.permutation(n * m).reshape(n, m).astype(np.int32)
    capacity = rng.integers(0, 4, m)
    allowed = rng.random((n, m)) < 0.7
    mate = greedy(scores, capacity, allowed)
    rows = np.nonzero(mate >= 0)[0]
    assert int(scores[rows, mate[rows]].sum()) == reference_greedy(scores, capacity, allowed)
    assert allowed[rows, mate[rows]].all()
    assert (np.bincount(mate[rows], minlength=m) <= capacity).all()


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int64])
@pytest.mark.parametrize("candidates", [1, 3, 6])
def test_it_assigns_exactly_as_the_full_row_scan_did(
    seed: int, dtype: type, candidates: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Few candidates, small groups and blocks, so lists run out and rows are refilled often.
    monkeypatch.setattr(greedy_module, "_CANDIDATES", candidates)
    monkeypatch.setattr(greedy_module, "_RANK", 2)
    monkeypatch.setattr(greedy_module, "_GROUP", 4)
    monkeypatch.setattr(greedy_module, "_BLOCK_CELLS", 256)
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(50, 400)), int(rng.integers(2, 60))
    low = -5 if dtype != np.int8 or seed % 2 else 0  # int8 from 0: the one-byte fast path
    scores = rng.integers(low, 12, (n, m)).astype(dtype)  # many ties
    capacity = rng.integers(0, 5, m)
    allowed = rng.random((n, m)) < rng.uniform(0.05, 1.0)
    mate = greedy(scores, capacity, allowed)
    assert mate.tolist() == full_scan_greedy(scores, capacity, allowed).tolist()


def test_it_assigns_as_the_full_row_scan_on_a_generated_organisation() -> None:
    from bench.matching import generate
    from matching.scoring import score_matrix

    mentees, mentors, allowed = generate(3_000, 750, seed=5)
    scores = score_matrix(mentees, mentors, dtype=np.int8)
    capacity = np.full(750, 4)
    mate = greedy(scores, capacity, allowed)
    assert mate.tolist() == full_scan_greedy(scores, capacity, allowed).tolist()


def test_it_ends_greedy_on_int16_scores_when_some_mentees_have_no_option() -> None:
    scores = np.array([[90, 10], [80, 70], [60, 50]], dtype=np.int16)
    allowed = np.array([[True, False], [False, False], [True, True]])
    mate = greedy(scores, np.array([1, 1]), allowed)
    assert mate.tolist() == [0, -1, 1]


def test_it_never_lets_greedy_beat_the_optimal_assignment() -> None:
    rng = np.random.default_rng(7)
    scores = rng.integers(0, 100, (200, 40)).astype(np.int16)
    capacity = np.full(40, 3)
    mate = greedy(scores, capacity)
    optimal = assign(scores, capacity, maximize_matched=False)
    rows, best = np.nonzero(mate >= 0)[0], np.nonzero(optimal >= 0)[0]
    assert int(scores[rows, mate[rows]].sum()) <= int(scores[best, optimal[best]].sum())


def test_it_leaves_everyone_unmatched_by_greedy_without_mentors() -> None:
    mate = greedy(np.zeros((3, 0), dtype=np.int16), np.zeros(0, dtype=np.int64))
    assert mate.tolist() == [-1, -1, -1]
