"""matching.peers: exact for small pools, candidate edges for large ones (pure numpy tests)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from matching import peers


def pool(n: int, seed: int, density: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scores = rng.integers(0, 100, (n, n))
    symmetric = (scores + scores.T) // 2
    allowed = np.triu(rng.random((n, n)) < density, k=1)
    return symmetric, allowed | allowed.T


def total(symmetric: np.ndarray, partner: np.ndarray) -> int:
    return int(sum(symmetric[a, b] for a, b in enumerate(partner) if b > a))


def brute_force(symmetric: np.ndarray, allowed: np.ndarray) -> tuple[int, int]:
    """(most pairs, best total among those) over every matching of a tiny pool."""
    n = symmetric.shape[0]
    best = (0, 0)

    def walk(free: tuple[int, ...], pairs: int, score: int) -> None:
        nonlocal best
        best = max(best, (pairs, score))
        if len(free) < 2:
            return
        first, rest = free[0], free[1:]
        walk(rest, pairs, score)  # first stays alone
        for k, other in enumerate(rest):
            if allowed[first, other]:
                walk(rest[:k] + rest[k + 1 :], pairs + 1, score + int(symmetric[first, other]))

    walk(tuple(range(n)), 0, 0)
    return best


def assert_valid(partner: np.ndarray, allowed: np.ndarray) -> None:
    for a, b in enumerate(partner):
        if b >= 0:
            assert partner[b] == a and allowed[a, b] and a != b


@pytest.mark.parametrize("seed", range(12))
def test_it_finds_the_best_matching_of_a_small_pool(seed: int) -> None:
    symmetric, allowed = pool(8, seed, density=0.6)
    partner, note = peers.match_peers(symmetric, allowed, maximize_matched=True)
    assert_valid(partner, allowed)
    assert (int((partner >= 0).sum()) // 2, total(symmetric, partner)) == brute_force(
        symmetric, allowed
    )
    assert note == ""


def test_it_keeps_each_persons_best_options_in_both_directions() -> None:
    symmetric, allowed = pool(40, 3)
    edges = peers.candidate_edges(symmetric, allowed, 5)
    assert (edges == edges.T).all() and not (edges & ~allowed).any()
    for person in range(40):
        top = sorted(symmetric[person][allowed[person]], reverse=True)[:5]
        assert sorted(symmetric[person][edges[person]], reverse=True)[:5] == top


def test_it_adds_random_allowed_options_on_top_of_the_best_ones() -> None:
    symmetric, allowed = pool(60, 4, density=0.5)
    edges = peers.candidate_edges(symmetric, allowed, 3, extra=4)
    assert (edges == edges.T).all() and not (edges & ~allowed).any()
    assert (edges.sum(axis=1) >= np.minimum(allowed.sum(axis=1), 7)).all()


def test_it_still_pairs_everyone_when_all_want_the_same_few_peers() -> None:
    n, stars = 200, 10
    symmetric = np.ones((n, n), dtype=np.int64)
    symmetric[:stars, :] = symmetric[:, :stars] = 100
    allowed = ~np.eye(n, dtype=bool)
    partner, _ = peers.match_peers(
        symmetric, allowed, maximize_matched=True, exact_max=50, candidates=10
    )
    assert_valid(partner, allowed)
    assert int((partner >= 0).sum()) == n


def test_it_says_how_a_large_pool_was_matched() -> None:
    symmetric, allowed = pool(60, 5)
    partner, note = peers.match_peers(
        symmetric, allowed, maximize_matched=True, exact_max=50, candidates=10
    )
    assert_valid(partner, allowed)
    assert "each person's 10 best-scoring allowed peers and 8 random ones" in note


def test_it_matches_a_large_pool_as_well_as_the_exhaustive_search_here() -> None:
    symmetric, allowed = pool(120, 11)
    exact, _ = peers.match_peers(symmetric, allowed, maximize_matched=True)
    thinned, _ = peers.match_peers(
        symmetric, allowed, maximize_matched=True, exact_max=50, candidates=15
    )
    assert (thinned >= 0).sum() == (exact >= 0).sum() == 120
    assert total(symmetric, thinned) == total(symmetric, exact)


def test_it_leaves_the_odd_one_out_alone() -> None:
    symmetric, allowed = pool(7, 2)
    partner, _ = peers.match_peers(symmetric, allowed, maximize_matched=True)
    assert int((partner < 0).sum()) == 1
    assert len(list(itertools.filterfalse(lambda p: p < 0, partner))) == 6
