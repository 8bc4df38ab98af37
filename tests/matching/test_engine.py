"""matching.engine.assign: optimal, feasible, and honest about what it cannot match.

No database: these are pure numpy tests.  The oracle is scipy's Hungarian
method on the slot-expanded matrix (one column per mentor slot costing that
slot's marginal penalty, plus a private "unmatched" column per mentee).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from matching import engine
from matching.engine import assign

Instance = tuple[np.ndarray, np.ndarray, np.ndarray | None, tuple[int, ...], bool]


# --- helpers -------------------------------------------------------------------------------


def marginal_costs(capacity: int, penalty: tuple[int, ...]) -> list[int]:
    """Cost of a mentor's 1st, 2nd, … mentee (the last penalty repeats)."""
    extra = [penalty[min(k, len(penalty) - 1)] if penalty else 0 for k in range(capacity - 1)]
    return [0, *extra][:capacity]


def objective(scores: np.ndarray, mate: np.ndarray, penalty: tuple[int, ...]) -> tuple[int, int]:
    """(matched mentees, total score − total load penalty) of an assignment."""
    rows = np.nonzero(mate >= 0)[0]
    loads = np.bincount(mate[rows], minlength=scores.shape[1])
    paid = sum(sum(marginal_costs(int(load), penalty)) for load in loads)
    return rows.size, int(scores[rows, mate[rows]].sum()) - paid


def oracle(instance: Instance) -> tuple[int, int]:
    """Optimal (matched, net score) from linear_sum_assignment on the expanded matrix."""
    scores, capacity, allowed, penalty, maximize = instance
    n, m = scores.shape
    allowed = np.ones((n, m), bool) if allowed is None else allowed
    slots = [(j, c) for j in range(m) for c in marginal_costs(int(min(capacity[j], n)), penalty)]
    # Big enough that one more match beats any score difference.
    bonus = 10**7 if maximize else 0
    value = np.full((n, len(slots) + n), -np.inf)
    for k, (j, cost) in enumerate(slots):
        value[:, k] = np.where(allowed[:, j], scores[:, j] + bonus - cost, -np.inf)
    value[np.arange(n), len(slots) + np.arange(n)] = 0.0
    rows, cols = linear_sum_assignment(value, maximize=True)
    matched = int((cols < len(slots)).sum())
    return matched, int(round(value[rows, cols].sum())) - bonus * matched


def maximum_matched(scores: np.ndarray, capacity: np.ndarray, allowed: np.ndarray | None) -> int:
    """Largest number of mentees any feasible assignment can match (slot graph)."""
    n, m = scores.shape
    allowed = np.ones((n, m), bool) if allowed is None else allowed
    slot_of = np.repeat(np.arange(m), np.minimum(capacity, n))
    if n == 0 or slot_of.size == 0:
        return 0
    graph = csr_matrix(allowed[:, slot_of].astype(np.int8), shape=(n, slot_of.size))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())


def solve(instance: Instance) -> np.ndarray:
    scores, capacity, allowed, penalty, maximize = instance
    return assign(scores, capacity, allowed, penalty, maximize)


def random_instance(
    seed: int, n: int, m: int, *, forbid: bool, penalty: bool, maximize: bool, low: int = 0
) -> Instance:
    rng = np.random.default_rng(seed)
    scores = rng.integers(low, 101, (n, m))
    capacity = rng.integers(0, 4, m)
    allowed = rng.random((n, m)) < 0.6 if forbid else None
    return scores, capacity, allowed, (2, 4, 6) if penalty else (), maximize


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    n = draw(st.integers(0, 8))
    m = draw(st.integers(0, 6))
    cells = st.integers(-5, 30)
    scores = np.array(
        draw(st.lists(st.lists(cells, min_size=m, max_size=m), min_size=n, max_size=n)),
        dtype=np.int64,
    ).reshape(n, m)
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)), dtype=np.int64)
    allowed = None
    if draw(st.booleans()):
        flags = draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))
        allowed = np.array(flags, dtype=bool).reshape(n, m)
    penalty = tuple(sorted(draw(st.lists(st.integers(0, 12), max_size=3))))
    return scores, capacity, allowed, penalty, draw(st.booleans())


# --- optimality --------------------------------------------------------------------------------


@given(instances())
@settings(max_examples=300, deadline=None)
def test_it_reaches_the_oracle_objective_on_random_small_instances(instance: Instance) -> None:
    got = objective(instance[0], solve(instance), instance[3])
    want = oracle(instance)
    assert got == want if instance[4] else got[1] == want[1]


@pytest.mark.parametrize("maximize", [True, False])
@pytest.mark.parametrize("penalty", [True, False])
@pytest.mark.parametrize("forbid", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_it_reaches_the_oracle_objective_on_seeded_larger_instances(
    seed: int, forbid: bool, penalty: bool, maximize: bool
) -> None:
    # 60 mentors > the 12 candidates per mentee, so pricing must do real work.
    instance = random_instance(seed, 40, 60, forbid=forbid, penalty=penalty, maximize=maximize)
    got = objective(instance[0], solve(instance), instance[3])
    want = oracle(instance)
    assert got == want if maximize else got[1] == want[1]


@pytest.mark.parametrize("seed", range(4))
def test_it_reaches_the_oracle_objective_on_one_byte_scores(seed: int) -> None:
    # int8 scores (what the benchmark uses at 50,000 × 12,500), a tight market so that the
    # first candidate flow cannot match everyone.
    scores, capacity, allowed, penalty, _ = random_instance(
        seed, 60, 30, forbid=True, penalty=True, maximize=True
    )
    instance = (scores.astype(np.int8), np.full(30, 2), allowed, penalty, True)
    got = objective(scores, solve(instance), penalty)
    assert got == oracle((scores, np.full(30, 2), allowed, penalty, True))


@pytest.mark.parametrize("seed", range(6))
def test_it_stays_optimal_when_candidate_lists_are_tiny(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One candidate per mentee and no near misses: almost every optimal pair
    # must come from the pricing check, which proves nothing was left out.
    monkeypatch.setattr(engine, "_PER_ROW", 1)
    monkeypatch.setattr(engine, "_ADD_PER_ROW", 1)
    monkeypatch.setattr(engine, "_MARGIN", 0)
    instance = random_instance(
        seed, 30, 20, forbid=seed % 2 == 0, penalty=True, maximize=seed % 3 != 0, low=-20
    )
    got = objective(instance[0], solve(instance), instance[3])
    want = oracle(instance)
    assert got == want if instance[4] else got[1] == want[1]


@pytest.mark.parametrize("group", [2, 3, 8, 256])
@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.int64])
def test_it_picks_the_same_cells_by_group_bounds_as_by_a_partition(
    group: int, dtype: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows of ties, masked cells, floors at the masked value, inside the values and at the
    # dtype's top: the group-bounded top-k lists exactly the partition's cells.
    monkeypatch.setattr(engine, "_GROUP", group)
    rng = np.random.default_rng(group)
    neg = engine._neg(dtype)
    for trial in range(40):
        rows, m = int(rng.integers(1, 30)), int(rng.integers(1, 700))
        block = rng.integers(-6, 7 if trial % 3 else 40, (rows, m)).astype(dtype)
        block[rng.random((rows, m)) < rng.random()] = neg
        block[0] = 3  # a row of ties
        floor = rng.integers(-8, 8, rows).astype(dtype)
        floor[rng.random(rows) < 0.3] = neg
        floor[-1] = np.iinfo(dtype).max
        for k in (1, 2, 5, 12, 24):
            got = engine._top_k(block, k, floor)
            want = engine._top_k_partition(block, k, floor)
            as_set = {tuple(x) for x in zip(*got, strict=True)}
            assert as_set == {tuple(x) for x in zip(*want, strict=True)}
            assert len(as_set) == got[0].size


@pytest.mark.parametrize("seed", range(4))
def test_it_stays_optimal_with_top_k_bounded_by_small_column_groups(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Groups of two columns, so first candidates, near misses and thin mentors' mentees all
    # come from the group bound at this size (at the default 256 only from 6,144 mentors on).
    monkeypatch.setattr(engine, "_GROUP", 2)
    instance = tight_market(seed)
    scores = instance[0].astype(np.int64)
    assert objective(scores, assign(*instance[:4]), instance[3]) == oracle((scores, *instance[1:]))
    instance = random_instance(seed, 40, 60, forbid=True, penalty=True, maximize=seed % 2 == 0)
    got = objective(instance[0], solve(instance), instance[3])
    want = oracle(instance)
    assert got == want if instance[4] else got[1] == want[1]


def tight_market(seed: int, n: int = 120, m: int = 40) -> Instance:
    """Popular mentors, a must-have-like mask (some mentors allowed for few mentees), a few
    mentees with no allowed mentor, and places for nearly everyone: several pricing rounds,
    forced flows with an "unmatched" hub."""
    rng = np.random.default_rng(seed)
    scores = np.clip(rng.integers(0, 60, m)[None, :] + rng.integers(0, 41, (n, m)), 0, 100)
    allowed = rng.random((n, m)) < 0.5
    allowed[:, : m // 8] = rng.random((n, m // 8)) < 0.05  # thinly allowed mentors
    allowed[: n // 20] = False
    return scores.astype(np.int8), np.full(m, 3), allowed, (2, 4, 6), True


@pytest.mark.parametrize("seed", range(6))
def test_it_stays_optimal_over_forced_re_solves_and_bounded_pricing_passes(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Short lists force re-solves after forced flows (with the hub for mentees nobody may
    # take) and dual extensions (whose pricing pass reads only the rows its bound cannot
    # clear, whatever their share).
    monkeypatch.setattr(engine, "_PER_ROW", 2)
    monkeypatch.setattr(engine, "_ADD_PER_ROW", 2)
    monkeypatch.setattr(engine, "_FULL_SHARE", 1.0)
    instance = tight_market(seed)
    stats: dict = {}
    mate = assign(*instance[:4], stats=stats)
    scores = instance[0].astype(np.int64)
    assert objective(scores, mate, instance[3]) == oracle((scores, *instance[1:]))
    assert stats["rounds"] >= 2


@pytest.mark.parametrize("seed", range(4))
def test_it_finds_the_same_duals_with_full_or_frontier_sweeps(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every sweep full (share 0) or every sweep after the first on the moved mentors'
    # mentees only (share above 1): the same potentials, so the same rounds and assignment.
    monkeypatch.setattr(engine, "_PER_ROW", 2)
    monkeypatch.setattr(engine, "_ADD_PER_ROW", 2)
    instance = tight_market(seed)
    seen = []
    original = engine._Duals.solve
    for share in (0.0, 2.0):
        monkeypatch.setattr(engine, "_DENSE_SWEEP", share)
        duals: list = []

        def solve(self, *args, original=original, duals=duals, **kwargs):
            result = original(self, *args, **kwargs)
            duals.append(None if result is None else np.concatenate(result).tolist())
            return result

        monkeypatch.setattr(engine._Duals, "solve", solve)
        stats: dict = {}
        mate = assign(*instance[:4], stats=stats)
        seen.append((mate.tolist(), duals, stats["edges"]))
    assert seen[0] == seen[1]
    assert len(seen[0][1]) >= 2


def test_it_reads_only_the_rows_a_certifying_pass_cannot_clear(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "_PER_ROW", 2)
    monkeypatch.setattr(engine, "_ADD_PER_ROW", 2)
    read = []
    for seed in range(6):
        stats: dict = {}
        assign(*tight_market(seed)[:4], stats=stats)
        read += stats["rows_read"]
    assert min(read) < 120


def test_it_bounds_every_row_that_holds_a_violation() -> None:
    # _Bound.rows against a brute-force check of every cell, with a few prices lowered
    # (checked column by column) and with many (one bound for all).
    rng = np.random.default_rng(3)
    n, m = 300, 90
    scores = rng.integers(0, 101, (n, m)).astype(np.int8)
    allowed = rng.random((n, m)) < 0.7
    problem = engine._prepare(scores, np.full(m, 4), allowed, (2,), True)
    mate = np.where(rng.random(n) < 0.8, rng.integers(0, m, n), -1)
    mate[(mate >= 0) & ~allowed[np.arange(n), np.maximum(mate, 0)]] = -1
    pricer = engine._Pricer(problem, 4, 0)
    u0, v0 = rng.integers(60, 140, n), rng.integers(0, 60, m)
    pricer.scan(u0, v0, mate, 0)
    for lowered in (3, 80):
        v = v0.copy()
        cols = rng.choice(m, lowered, replace=False)
        v[cols] -= rng.integers(1, 30, lowered)
        u = u0 + rng.integers(-5, 6, n)
        _, _, thr, shift = pricer._setup(u, v, 0)
        rows = pricer.bound.rows(problem, -v, thr, mate, shift)
        value = np.where(allowed, scores.astype(np.int64) - v, -(10**9))
        value[np.nonzero(mate >= 0)[0], mate[mate >= 0]] = -(10**9)
        assert set(np.nonzero((value > u[:, None]).any(axis=1))[0]) <= set(rows.tolist())


def test_it_fills_every_slot_in_the_first_flow_when_few_mentees_may_take_some_mentors() -> None:
    # Five mentors no mentee ranks (score 0), each allowed for its own three mentees, and
    # exactly as many places as mentees: top lists and random pairs miss them, so their
    # best mentees join the first candidates, and the first flow already matches everyone.
    rng = np.random.default_rng(1)
    n, m = 120, 40
    scores = rng.integers(20, 101, (n, m)).astype(np.int8)
    scores[:, :5] = 0
    allowed = np.ones((n, m), dtype=bool)
    allowed[:, :5] = False
    allowed[np.arange(15), np.repeat(np.arange(5), 3)] = True
    stats: dict = {}
    mate = assign(scores, np.full(m, 3), allowed, (2, 4, 6), stats=stats)
    assert (mate >= 0).all()
    assert stats["flows"][0][0] == n


@pytest.mark.parametrize("seed", range(6))
def test_it_picks_the_same_thin_mentors_mentees_from_block_maxima_as_by_a_column_pass(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Row blocks of a few rows (many blocks), ties, thinly allowed and closed mentors, both
    # objectives: the pairs gathered under the first pass's block maxima are the column
    # pass's pairs, in the same order.
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(60, 200)), int(rng.integers(8, 40))
    monkeypatch.setattr(engine, "_BLOCK_CELLS", int(rng.integers(1, 6)) * m)
    monkeypatch.setattr(engine, "_COLUMN_FEW", 6)  # most mentors count as thin
    monkeypatch.setattr(engine, "_THIN_CELLS_SHARE", 1)  # the bound, however loose
    scores = rng.integers(-3 if seed % 2 else 0, 6 if seed % 3 else 60, (n, m)).astype(np.int8)
    allowed = rng.random((n, m)) < 0.6
    allowed[:, : m // 4] = rng.random((n, m // 4)) < 0.05
    capacity = rng.integers(0, 4, m)
    problem = engine._prepare(scores, capacity, allowed, (2, 4), seed % 2 == 0)
    solver = engine._Solver(problem)
    listed, maxima, starts = solver._row_pass(min(solver.per_row, m))
    codes = engine._sorted_unique(np.concatenate([solver._random_pairs(), listed]))
    got = solver._thin_from_maxima(codes, maxima, starts)
    assert got is not None
    assert np.array_equal(got, solver._thin_columns(codes))


@pytest.mark.parametrize("seed", range(3))
def test_it_stays_optimal_when_thin_mentors_fall_back_to_a_column_pass(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "_THIN_CELLS_SHARE", 0)
    instance = tight_market(seed)
    scores = instance[0].astype(np.int64)
    assert objective(scores, assign(*instance[:4]), instance[3]) == oracle((scores, *instance[1:]))


def test_it_matches_everyone_possible_when_all_mentees_want_the_same_mentors() -> None:
    # Capacity is exactly tight and every mentee ranks mentors 0-4 far above
    # the rest, so top-k candidate lists alone would leave most mentees out.
    rng = np.random.default_rng(7)
    n, m = 240, 80
    scores = rng.integers(0, 10, (n, m))
    scores[:, :5] = 100
    capacity = np.full(m, 3)
    instance = (scores, capacity, None, (2, 4, 6), True)
    mate = solve(instance)
    assert (mate >= 0).all()
    assert objective(scores, mate, (2, 4, 6)) == oracle(instance)


def test_it_prefers_a_second_mentor_over_a_small_gain_that_costs_a_load_penalty() -> None:
    scores = np.array([[10, 9], [10, 9]])
    mate = assign(scores, np.array([2, 2]), load_penalty=(5,))
    assert sorted(mate.tolist()) == [0, 1]


def test_it_leaves_a_mentee_out_when_the_only_match_loses_value() -> None:
    # Second mentee of mentor 0 adds 3 points but costs a penalty of 5.
    scores = np.array([[50], [3]])
    mate = assign(scores, np.array([2]), load_penalty=(5,), maximize_matched=False)
    assert mate.tolist() == [0, -1]


def test_it_matches_that_mentee_anyway_when_maximising_matches() -> None:
    scores = np.array([[50], [3]])
    mate = assign(scores, np.array([2]), load_penalty=(5,), maximize_matched=True)
    assert mate.tolist() == [0, 0]


def test_it_skips_zero_score_pairs_when_only_score_counts() -> None:
    mate = assign(np.array([[0, 0]]), np.array([1, 1]), maximize_matched=False)
    assert mate.tolist() == [-1]


# --- hard constraints and shape ----------------------------------------------------------------


@given(instances())
@settings(max_examples=200, deadline=None)
def test_it_never_gives_a_mentor_more_mentees_than_capacity(instance: Instance) -> None:
    mate = solve(instance)
    loads = np.bincount(mate[mate >= 0], minlength=instance[0].shape[1])
    assert (loads <= instance[1]).all()


@given(instances())
@settings(max_examples=200, deadline=None)
def test_it_never_uses_a_forbidden_pair(instance: Instance) -> None:
    mate = solve(instance)
    allowed = instance[2]
    rows = np.nonzero(mate >= 0)[0]
    assert allowed is None or allowed[rows, mate[rows]].all()


@given(instances())
@settings(max_examples=200, deadline=None)
def test_it_returns_one_int64_mentor_index_or_minus_one_per_mentee(instance: Instance) -> None:
    mate = solve(instance)
    assert mate.dtype == np.int64
    assert mate.shape == (instance[0].shape[0],)
    assert ((mate >= -1) & (mate < max(instance[0].shape[1], 1))).all()


@given(instances())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_it_matches_as_many_mentees_as_possible_when_asked(instance: Instance) -> None:
    scores, capacity, allowed, penalty, _ = instance
    mate = assign(scores, capacity, allowed, penalty, maximize_matched=True)
    assert (mate >= 0).sum() == maximum_matched(scores, capacity, allowed)


# --- edge cases --------------------------------------------------------------------------------


def test_it_handles_no_mentees() -> None:
    assert assign(np.zeros((0, 3), int), np.array([1, 1, 1])).shape == (0,)


def test_it_leaves_everyone_unmatched_without_mentors() -> None:
    assert assign(np.zeros((3, 0), int), np.zeros(0, int)).tolist() == [-1, -1, -1]


def test_it_leaves_everyone_unmatched_when_all_pairs_are_forbidden() -> None:
    mate = assign(np.full((3, 2), 50), np.array([2, 2]), np.zeros((3, 2), bool))
    assert mate.tolist() == [-1, -1, -1]


def test_it_never_uses_a_mentor_with_zero_capacity() -> None:
    mate = assign(np.array([[100, 1], [100, 1]]), np.array([0, 2]))
    assert mate.tolist() == [1, 1]


def test_it_matches_only_as_many_mentees_as_there_are_places() -> None:
    scores = np.arange(12).reshape(6, 2)
    mate = assign(scores, np.array([1, 2]))
    assert (mate >= 0).sum() == 3


def test_it_gives_the_places_to_the_mentees_who_gain_most() -> None:
    scores = np.array([[1], [9], [5]])
    assert assign(scores, np.array([1])).tolist() == [-1, 0, -1]


def test_it_accepts_float_scores_holding_whole_numbers() -> None:
    assert assign(np.array([[1.0, 2.0]]), np.array([1, 1])).tolist() == [1]


def test_it_rejects_fractional_scores() -> None:
    with pytest.raises(ValueError, match="integers"):
        assign(np.array([[1.5]]), np.array([1]))


def test_it_rejects_a_decreasing_load_penalty() -> None:
    with pytest.raises(ValueError, match="non-decreasing"):
        assign(np.array([[1]]), np.array([1]), load_penalty=(4, 2))


def test_it_rejects_negative_capacity() -> None:
    with pytest.raises(ValueError, match="capacity"):
        assign(np.array([[1]]), np.array([-1]))


def test_it_rejects_an_allowed_mask_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match="allowed"):
        assign(np.array([[1, 2]]), np.array([1, 1]), np.ones((2, 2), bool))
