"""Peer pairing: maximum-weight matching on a general graph (pure module: numpy + networkx).

Everyone in a peer pool can pair with anyone allowed, so the graph is not bipartite and the
assignment solver does not apply. networkx's blossom algorithm is exact but O(n³) on a dense
pool (400 peers ≈ 8 s, 800 ≈ 60 s, 2,000 would take most of an hour), so above
`EXACT_MAX` peers each person keeps only their `CANDIDATES` best-scoring allowed peers as
edges, plus `RANDOM_CANDIDATES` random allowed ones (both directions kept). The random edges
matter when everyone's best options are the same few people: best options alone would then
leave most of the pool without a partner, while a sparse random graph almost surely still
pairs everyone. On random pools this gave the same total as the exhaustive run wherever that
could be checked; it is not a proof, and the run says which method it used.

References: J. Edmonds, "Paths, trees, and flowers", Canad. J. Math. 17 (1965) 449–467 (the
blossom algorithm for maximum matching on general graphs); Z. Galil, "Efficient algorithms for
finding maximum matching in graphs", ACM Computing Surveys 18 (1986) 23–38 (the O(n³) weighted
version that `networkx.max_weight_matching` implements, after Van Rantwijk's mwmatching).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

EXACT_MAX = 300
CANDIDATES = 25
RANDOM_CANDIDATES = 8


def candidate_edges(
    symmetric: np.ndarray, allowed: np.ndarray, k: int, extra: int = 0, seed: int = 0
) -> np.ndarray:
    """`allowed`, thinned to each person's k best-scoring options and `extra` random allowed
    ones (every edge kept in both directions). Seeded: the same pool gives the same edges.

    O(n²) time and memory for a pool of n (two row-wise partial selections, no sort), leaving
    at most n·(k + extra) edges each way."""
    n = allowed.shape[0]
    if k + extra >= n - 1:
        return allowed.copy()
    masked = np.where(allowed, symmetric.astype(np.int64), np.iinfo(np.int64).min)
    best = np.argpartition(masked, n - k, axis=1)[:, n - k :]
    keep = np.zeros_like(allowed)
    keep[np.repeat(np.arange(n), k), best.ravel()] = True
    if extra:
        # Random keys on allowed pairs only; the `extra` largest per row are random options.
        keys = np.where(allowed, np.random.default_rng(seed).random((n, n)), -1.0)
        picked = np.argpartition(keys, n - extra, axis=1)[:, n - extra :]
        keep[np.repeat(np.arange(n), extra), picked.ravel()] = True
    keep &= allowed
    return keep | keep.T


def match_peers(
    symmetric: np.ndarray,
    allowed: np.ndarray,
    *,
    maximize_matched: bool,
    exact_max: int | None = None,
    candidates: int | None = None,
) -> tuple[np.ndarray, str]:
    """Partner index per person (-1 if none), and a note on the method when not exhaustive.

    `symmetric` holds each pair's score (the same both ways); `allowed` is symmetric with a
    False diagonal. `maximize_matched` pairs as many people as possible first.

    Exact up to `exact_max` people: Edmonds' blossom algorithm for maximum-weight matching
    (with maximum cardinality first when asked), O(n³) on n people (Edmonds 1965; Galil 1986;
    `networkx.max_weight_matching`). Above it, the same algorithm on the candidate edges of
    `candidate_edges` (O(n²) to pick), which is measured, not proved, to reach the same total.
    """
    exact_max = EXACT_MAX if exact_max is None else exact_max
    candidates = CANDIDATES if candidates is None else candidates
    n = allowed.shape[0]
    edges, note = allowed, ""
    if n > exact_max:
        edges = candidate_edges(symmetric, allowed, candidates, RANDOM_CANDIDATES)
        note = (
            f"{n} peers: each person's {candidates} best-scoring allowed peers and "
            f"{RANDOM_CANDIDATES} random ones were the candidates (every pair is tried for "
            f"pools of up to {exact_max})."
        )
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    rows, cols = np.nonzero(np.triu(edges, k=1))
    graph.add_weighted_edges_from(
        (int(a), int(b), int(symmetric[a, b])) for a, b in zip(rows, cols, strict=True)
    )
    pairs = nx.max_weight_matching(graph, maxcardinality=maximize_matched)
    partner = np.full(n, -1, dtype=np.int64)
    for a, b in pairs:
        partner[a], partner[b] = b, a
    return partner, note
