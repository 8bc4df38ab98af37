"""matching.explain and the run's explanation stage: many pairs at once give exactly what one
pair at a time gave (points, texts, alternatives, weak parts). No database."""

from __future__ import annotations

import numpy as np
import pytest

from bench.matching import generate, product_instance
from matching import explain, scoring, services, solve
from matching.data import TRACK_NAMES
from matching.scoring import Weights

WEIGHTS = [Weights(), Weights(skill_fit=13, career_goal=29, communication=7, diversity=3)]


def _pairs(n: int, m: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, k), rng.integers(0, m, k)


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("weights", WEIGHTS)
def test_it_gives_each_pairs_points_as_one_pair_at_a_time(reverse: bool, weights) -> None:
    mentees, mentors, _ = generate(400, 150, seed=2)
    rows, cols = _pairs(400, 150, 300, seed=3)
    many = explain.component_points_many(mentees, mentors, rows, cols, weights, reverse=reverse)
    for t, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        one = scoring.component_points(mentees, mentors, i, j, weights, reverse=reverse)
        assert {name: int(values[t]) for name, values in many.items()} == one


def test_it_gives_points_that_sum_to_the_score_matrix() -> None:
    mentees, mentors, _ = generate(300, 100, seed=4)
    rows, cols = _pairs(300, 100, 500, seed=5)
    many = explain.component_points_many(mentees, mentors, rows, cols)
    scores = scoring.score_matrix(mentees, mentors, dtype=np.int8)
    assert (sum(many.values()) == scores[rows, cols]).all()


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("weights", WEIGHTS)
def test_it_explains_many_pairs_as_one_pair_at_a_time(reverse: bool, weights, monkeypatch) -> None:
    monkeypatch.setattr(explain, "_SKILL_ROWS", 7)  # several blocks of skill lines
    mentees, mentors, _ = generate(400, 150, seed=6)
    mentees.target_levels[::7] = mentees.current_levels[::7]  # some seek no skill
    rows, cols = _pairs(400, 150, 300, seed=7)
    names = [f"Skill {k}" for k in range(mentees.n_skills)]
    kwargs = {"reverse": reverse, "track_names": TRACK_NAMES}
    many = explain.explain_many(mentees, mentors, rows, cols, weights, names, **kwargs)
    for t, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        assert many[t] == scoring.explain(mentees, mentors, i, j, weights, names, **kwargs)


def test_it_explains_no_pairs() -> None:
    mentees, mentors, _ = generate(5, 5, seed=1)
    none = np.zeros(0, dtype=np.int64)
    assert explain.explain_many(mentees, mentors, none, none) == []


def pair_by_pair_alternatives(data, result, i, left, chains):
    """``solve.alternatives`` as it was until 2026-12: one full row at a time."""
    takes = left > 0
    if chains:
        takes = takes.copy()
        takes[list(chains)] = True
    row = np.where(result.allowed[i] & takes, result.scores[i].astype(np.int32), -1)
    if result.assignment[i] >= 0:
        row[result.assignment[i]] = -1
    count = min(3, int((row >= 0).sum()))
    if count == 0:
        return []
    best = np.argpartition(-row, count - 1)[:count]
    best = best[np.argsort(-row[best], kind="stable")]
    out = []
    for j in best.tolist():
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


def pair_by_pair_proposals(run, data, result) -> list[tuple]:
    """``services._proposals`` as it was until 2026-12, one mentee at a time."""
    weights = solve.weights_from(run.parameters)
    weak_below = int(run.parameters.get("weak_below", 0))
    left = solve.places_left(data, result)
    chains = solve.swap_chains(data, result, left)
    out = []
    for i in np.nonzero(result.assignment >= 0)[0].tolist():
        j = int(result.assignment[i])
        score = int(result.scores[i, j])
        out.append(
            (
                data.mentee_people[i].user_id,
                data.mentor_people[j].user_id,
                score,
                solve.explain_pair(data, weights, i, j),
                pair_by_pair_alternatives(data, result, i, left, chains),
                solve.weak_parts(data, weights, i, j, score, weak_below),
            )
        )
    return out


@pytest.mark.parametrize("cap", [4, 5])  # 4: every place taken, alternatives only by swaps
def test_it_proposes_exactly_as_one_mentee_at_a_time(cap: int) -> None:
    data, parameters, run = product_instance(1_200, 300, cap, seed=8)
    parameters["weak_below"] = 70
    result = solve.compute(data, parameters, lambda *_: None)
    proposals = services._proposals(run, data, result)
    new = [
        (p.mentee_id, p.mentor_id, p.score, p.explanation, p.alternatives, p.weak)
        for p in proposals
    ]
    assert new == pair_by_pair_proposals(run, data, result)
    assert any(p.weak for p in proposals) and any(p.alternatives for p in proposals)
