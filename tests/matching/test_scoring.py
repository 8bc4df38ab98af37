"""matching.scoring: vectorised scores, their explanations, and a per-pair reference.

No database: pure numpy.  The reference implementation below scores one pair
at a time with plain Python, independently of the vectorised code paths
(lookup tables, chunking, gather-based skill units).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import scoring, threads
from matching.scoring import (
    MAX_LEVEL,
    MenteeData,
    MentorData,
    ScoringOptions,
    Weights,
    explain,
    score_matrix,
)

N_SKILLS, N_TRACKS = 7, 4


# --- data ----------------------------------------------------------------------------------


def people(seed: int, n: int = 30, m: int = 25) -> tuple[MenteeData, MentorData]:
    """Random mentees and mentors, including unknowns (-1) and odd time zones."""
    rng = np.random.default_rng(seed)
    current = rng.integers(0, MAX_LEVEL + 1, (n, N_SKILLS))
    target = np.where(
        rng.random((n, N_SKILLS)) < 0.4, rng.integers(0, MAX_LEVEL + 1, (n, N_SKILLS)), 0
    )
    mentees = MenteeData(
        current_levels=current,
        target_levels=target,
        career_track=rng.integers(-1, N_TRACKS, n),
        style=rng.integers(-1, 4, n),
        years_experience=rng.integers(0, 25, n) + rng.choice([0.0, 0.5], n),
        hours_per_month=rng.choice([0.0, 2.0, 3.0, 8.0], n),
        utc_offset=rng.choice([-11.0, -5.0, 0.0, 1.0, 5.5, 9.75, 14.0], n),
        department=rng.integers(-1, 4, n),
        diversity_preference=rng.choice([-1.0, 0.0, 0.3, 1.0], n),
    )
    mentors = MentorData(
        proficiency=rng.integers(0, MAX_LEVEL + 1, (m, N_SKILLS)),
        career_tracks=rng.random((m, N_TRACKS)) < 0.3,
        style=rng.integers(-1, 4, m),
        years_experience=rng.integers(0, 35, m).astype(float),
        hours_per_month=rng.choice([1.0, 4.0, 10.0], m),
        utc_offset=rng.choice([-8.0, 0.0, 2.0, 5.5, 12.0], m),
        department=rng.integers(-1, 4, m),
    )
    return mentees, mentors


def one_mentee(**changes: object) -> MenteeData:
    fields = {
        "current_levels": [[1, 0]],
        "target_levels": [[3, 0]],
        "career_track": [0],
        "style": [0],
        "years_experience": [2.0],
        "hours_per_month": [4.0],
        "utc_offset": [0.0],
        "department": [1],
    }
    return MenteeData(**{**fields, **changes})


def one_mentor(**changes: object) -> MentorData:
    fields = {
        "proficiency": [[5, 0]],
        "career_tracks": [[True]],
        "style": [0],
        "years_experience": [8.0],
        "hours_per_month": [4.0],
        "utc_offset": [0.0],
        "department": [2],
    }
    return MentorData(**{**fields, **changes})


# --- per-pair reference ----------------------------------------------------------------------


def half_up(value: float) -> int:
    return math.floor(value + 0.5)


def reference_parts(
    mentees: MenteeData,
    mentors: MentorData,
    i: int,
    j: int,
    weights: Weights,
    reverse: bool = False,
    opt: ScoringOptions | None = None,
) -> dict[str, int]:
    """Component points of one pair, computed pair by pair in plain Python."""
    opt = opt or ScoringOptions()
    w = weights.points()
    return {
        "skill_fit": ref_skill(mentees, mentors, i, j, w["skill_fit"]),
        "career_goal": ref_career(mentees, mentors, i, j, w["career_goal"]),
        "communication": ref_style(mentees, mentors, i, j, w["communication"], opt),
        "experience": ref_experience(mentees, mentors, i, j, w["experience"], opt, reverse),
        "availability": ref_availability(mentees, mentors, i, j, w["availability"], opt),
        "diversity": ref_diversity(mentees, mentors, i, j, w["diversity"], opt),
    }


def ref_skill(mentees: MenteeData, mentors: MentorData, i: int, j: int, weight: int) -> int:
    needed = covered = 0
    for s in range(mentees.n_skills):
        cur, tgt = int(mentees.current_levels[i, s]), int(mentees.target_levels[i, s])
        if tgt > cur:
            needed += tgt - cur
            covered += min(max(int(mentors.proficiency[j, s]) - cur, 0), tgt - cur)
    if needed == 0:
        return 0
    return math.floor(Fraction(weight * covered, needed) + Fraction(1, 2))


def ref_career(mentees: MenteeData, mentors: MentorData, i: int, j: int, weight: int) -> int:
    track = int(mentees.career_track[i])
    supported = 0 <= track < mentors.career_tracks.shape[1] and mentors.career_tracks[j, track]
    return weight if supported else 0


def ref_style(
    mentees: MenteeData, mentors: MentorData, i: int, j: int, weight: int, opt: ScoringOptions
) -> int:
    a, b = int(mentees.style[i]), int(mentors.style[j])
    size = len(opt.style_compatibility)
    known = 0 <= a < size and 0 <= b < size
    value = opt.style_compatibility[a][b] if known else opt.unknown_style_value
    return half_up(weight * value)


def ref_experience(
    mentees: MenteeData,
    mentors: MentorData,
    i: int,
    j: int,
    weight: int,
    opt: ScoringOptions,
    reverse: bool,
) -> int:
    mentee, mentor = float(mentees.years_experience[i]), float(mentors.years_experience[j])
    gap = mentee - mentor if reverse else mentor - mentee
    lo, hi = opt.experience_band
    below = min(max(lo - gap, 0.0) / opt.experience_falloff[0], 1.0)
    above = min(max(gap - hi, 0.0) / opt.experience_falloff[1], 1.0)
    return half_up(weight * (1.0 - below - above))


def ref_availability(
    mentees: MenteeData, mentors: MentorData, i: int, j: int, weight: int, opt: ScoringOptions
) -> int:
    wanted, offered = float(mentees.hours_per_month[i]), float(mentors.hours_per_month[j])
    ratio = min(offered, wanted) / wanted if wanted > 0 else 1.0
    apart = abs(float(mentees.utc_offset[i]) - float(mentors.utc_offset[j])) % 24.0
    apart = min(apart, 24.0 - apart)
    free, zero = opt.timezone_free_hours, opt.timezone_zero_hours
    loss = min(max(apart - free, 0.0) / (zero - free), 1.0)
    return half_up(weight * (0.5 * ratio + 0.5 * (1.0 - loss)))


def ref_diversity(
    mentees: MenteeData, mentors: MentorData, i: int, j: int, weight: int, opt: ScoringOptions
) -> int:
    a, b = int(mentees.department[i]), int(mentors.department[j])
    prefs = mentees.diversity_preference
    pref = float(prefs[i]) if prefs is not None else opt.diversity_preference
    if a < 0 or b < 0:
        value = 0.5
    else:
        value = 0.5 - 0.5 * pref if a == b else 0.5 + 0.5 * pref
    return half_up(weight * value)


# --- scores ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("seed", range(3))
def test_it_equals_a_naive_per_pair_reference(seed: int, reverse: bool) -> None:
    mentees, mentors = people(seed)
    weights = Weights(
        skill_fit=37, career_goal=11, communication=9, experience=17, availability=13, diversity=13
    )
    scores = score_matrix(mentees, mentors, weights, reverse=reverse)
    expected = [
        [
            sum(reference_parts(mentees, mentors, i, j, weights, reverse).values())
            for j in range(mentors.m)
        ]
        for i in range(mentees.n)
    ]
    assert scores.tolist() == expected


def test_it_scores_every_pair_between_0_and_100() -> None:
    mentees, mentors = people(11, n=200, m=150)
    scores = score_matrix(mentees, mentors)
    assert scores.dtype == np.int16
    assert scores.min() >= 0 and scores.max() <= 100


def test_it_gives_100_to_a_perfect_pair() -> None:
    mentee = one_mentee(diversity_preference=[1.0])
    assert score_matrix(mentee, one_mentor()).tolist() == [[100]]


def test_it_gives_full_skill_fit_once_the_mentor_reaches_every_target() -> None:
    weights = Weights(1, 0, 0, 0, 0, 0)
    mentee = one_mentee(current_levels=[[1, 2]], target_levels=[[3, 4]])
    at_target = one_mentor(proficiency=[[3, 4]])
    below = one_mentor(proficiency=[[2, 4]])
    assert score_matrix(mentee, at_target, weights).tolist() == [[100]]
    assert score_matrix(mentee, below, weights).tolist() == [[75]]


def test_it_prefers_more_senior_mentors_by_default() -> None:
    weights = Weights(0, 0, 0, 1, 0, 0)
    senior, junior = one_mentor(years_experience=[8.0]), one_mentor(years_experience=[0.0])
    mentee = one_mentee(years_experience=[3.0])
    assert score_matrix(mentee, senior, weights)[0, 0] > score_matrix(mentee, junior, weights)[0, 0]


def test_it_prefers_more_senior_mentees_in_reverse_mentoring() -> None:
    weights = Weights(0, 0, 0, 1, 0, 0)
    senior, junior = one_mentor(years_experience=[8.0]), one_mentor(years_experience=[0.0])
    mentee = one_mentee(years_experience=[3.0])
    forward = score_matrix(mentee, senior, weights, reverse=True)[0, 0]
    assert forward < score_matrix(mentee, junior, weights, reverse=True)[0, 0]


def test_it_changes_scores_when_weights_change() -> None:
    mentees, mentors = people(5)
    skills_only = score_matrix(mentees, mentors, Weights(1, 0, 0, 0, 0, 0))
    time_only = score_matrix(mentees, mentors, Weights(0, 0, 0, 0, 1, 0))
    assert not np.array_equal(skills_only, time_only)


def test_it_scores_the_same_from_lookup_tables_and_direct_computation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mentees, mentors = people(8)
    tabulated = score_matrix(mentees, mentors)
    monkeypatch.setattr(scoring, "_TABLE_CELLS", 0)
    assert np.array_equal(score_matrix(mentees, mentors), tabulated)


def test_it_scores_the_same_whatever_the_chunk_size() -> None:
    mentees, mentors = people(9)
    assert np.array_equal(score_matrix(mentees, mentors, chunk=1), score_matrix(mentees, mentors))


def test_it_scores_the_same_in_one_byte_per_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    mentees, mentors = people(10)
    wide = score_matrix(mentees, mentors, chunk=3)
    narrow = score_matrix(mentees, mentors, chunk=3, dtype=np.int8)
    monkeypatch.setattr(threads, "THREADS", 1)
    assert narrow.dtype == np.int8
    assert np.array_equal(narrow, wide)
    assert np.array_equal(score_matrix(mentees, mentors, chunk=3), wide)


@pytest.mark.parametrize("seed", range(3))
def test_it_scores_the_same_from_the_skill_fit_table_as_cell_by_cell(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentees, mentors = people(20 + seed, n=300, m=120)
    weights = Weights(skill_fit=41 + seed, career_goal=13, experience=7)
    tabulated = score_matrix(mentees, mentors, weights, chunk=37, dtype=np.int8)
    monkeypatch.setattr(scoring, "_FIT_TABLE_CELLS", 0)  # the float path, cell by cell
    assert np.array_equal(score_matrix(mentees, mentors, weights, chunk=37), tabulated)


@pytest.mark.parametrize("weight", [0, 1, 13, 40, 41, 77, 100])
def test_it_takes_skill_fit_from_a_multiply_add_only_where_it_equals_exact_rounding(
    weight: int,
) -> None:
    needed = np.arange(0, 300)
    scale, shift, exact = scoring._fit_affine(needed, weight)
    assert exact[: 58 if weight == 40 else 2].all()  # every total the bench sees, at 40
    assert not exact[256:].any()  # units must fit in a byte
    for total in np.nonzero(exact)[0].tolist():
        units = np.arange(total + 1)
        got = (units * int(scale[total]) + int(shift[total])) >> 8
        assert int(scale[total]) * total + int(shift[total]) < 2**16
        want = [0 if total == 0 else half_up(Fraction(weight * u, total)) for u in units]
        assert got.tolist() == want


def many_skills(seed: int, n: int, m: int, s: int = 60) -> tuple[MenteeData, MentorData]:
    """Mentees like the bench's (a few sought skills, gaps of 1–3) plus some wanting very
    many levels: over 57 (no exact multiply-add at weight 40) and over 255 (not a byte)."""
    rng = np.random.default_rng(seed)
    mentees, mentors = people(seed, n, m)
    current = np.zeros((n, s), dtype=np.int8)
    target = np.zeros_like(current)
    for i in range(n):
        sought = rng.choice(s, rng.integers(1, 9), replace=False)
        current[i, sought] = rng.integers(0, 3, sought.size)
        target[i, sought] = current[i, sought] + rng.integers(1, 4, sought.size)
    target[: n // 8, :15] = 5  # 15 skills from nothing: 75 levels
    current[: n // 8, :15] = 0
    target[n // 8 : n // 4] = 5  # every skill from nothing: 300 levels
    current[n // 8 : n // 4] = 0
    proficiency = np.where(rng.random((m, s)) < 0.3, rng.integers(1, 6, (m, s)), 0)
    fields = {f: getattr(mentees, f) for f in mentees.__dataclass_fields__}
    mentee_data = MenteeData(**{**fields, "current_levels": current, "target_levels": target})
    fields = {f: getattr(mentors, f) for f in mentors.__dataclass_fields__}
    return mentee_data, MentorData(**{**fields, "proficiency": proficiency})


def test_it_scores_skill_fit_exactly_for_mentees_wanting_few_or_very_many_levels(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mentees, mentors = many_skills(4, n=400, m=150)
    weights = Weights(1, 0, 0, 0, 0, 0)
    pts = weights.points()["skill_fit"]
    current = mentees.current_levels.astype(np.int64)[:, None, :]
    target = mentees.target_levels.astype(np.int64)[:, None, :]
    offered = mentors.proficiency.astype(np.int64)[None, :, :]
    gap = np.maximum(target - current, 0)
    covered = np.minimum(np.maximum(offered - current, 0), gap).sum(axis=2)
    needed = gap.sum(axis=2)
    # Half-up rounding of pts·covered/needed in integers: floor((2·pts·u + N) / 2N).
    want = np.where(needed > 0, (2 * pts * covered + needed) // np.maximum(2 * needed, 1), 0)
    assert np.array_equal(score_matrix(mentees, mentors, weights, chunk=7), want)
    assert np.array_equal(score_matrix(mentees, mentors, weights, dtype=np.int8), want)
    monkeypatch.setattr(scoring, "_FIT_TABLE_CELLS", 0)  # the float path for the widest
    assert np.array_equal(score_matrix(mentees, mentors, weights, chunk=5), want)


@pytest.mark.parametrize("seed", range(2))
def test_it_scores_many_skills_as_the_naive_reference_does(seed: int) -> None:
    mentees, mentors = many_skills(30 + seed, n=40, m=11)
    weights = Weights(skill_fit=41, career_goal=13, experience=7)
    got = score_matrix(mentees, mentors, weights, chunk=3, dtype=np.int8)
    expected = [
        [sum(reference_parts(mentees, mentors, i, j, weights).values()) for j in range(mentors.m)]
        for i in range(mentees.n)
    ]
    assert got.tolist() == expected


def test_it_scores_the_same_whatever_the_mentee_order() -> None:
    mentees, mentors = many_skills(7, n=120, m=40)
    scores = score_matrix(mentees, mentors, chunk=8)
    order = np.lexsort((np.arange(120) % 7, mentees.gap.sum(axis=1)))  # some chunks in place
    assert np.array_equal(score_matrix(mentees.take(order), mentors, chunk=8), scores[order])


def test_it_refuses_a_score_dtype_that_could_not_hold_100_exactly() -> None:
    mentees, mentors = people(1)
    with pytest.raises(ValueError):
        score_matrix(mentees, mentors, dtype=np.uint8)


def test_it_scores_empty_groups_as_empty_matrices() -> None:
    mentees, mentors = people(1)
    assert score_matrix(mentees.take([]), mentors).shape == (0, mentors.m)
    assert score_matrix(mentees, mentors.take([])).shape == (mentees.n, 0)


def test_it_accepts_one_career_track_index_per_mentor() -> None:
    by_index = one_mentor(career_tracks=[2])
    mentee = one_mentee(career_track=[2])
    assert score_matrix(mentee, by_index, Weights(0, 1, 0, 0, 0, 0)).tolist() == [[100]]


def test_it_rejects_mismatched_skill_columns() -> None:
    with pytest.raises(ValueError, match="skills"):
        score_matrix(one_mentee(), one_mentor(proficiency=[[1, 2, 3]]))


# --- weights -----------------------------------------------------------------------------------


@given(
    st.lists(st.floats(0, 1000, allow_nan=False), min_size=6, max_size=6).filter(
        lambda values: sum(values) > 0
    )
)
@settings(max_examples=200, deadline=None)
def test_it_turns_any_weights_into_points_summing_to_100(values: list[float]) -> None:
    assert sum(Weights(*values).points().values()) == 100


def test_it_keeps_the_default_weights_as_points() -> None:
    assert Weights().points() == {
        "skill_fit": 40,
        "career_goal": 15,
        "communication": 10,
        "experience": 15,
        "availability": 10,
        "diversity": 10,
    }


def test_it_rejects_negative_weights() -> None:
    with pytest.raises(ValueError):
        Weights(skill_fit=-1)


# --- explanations ------------------------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_it_explains_every_pair_with_points_summing_to_its_score(reverse: bool) -> None:
    mentees, mentors = people(3)
    weights = Weights(33, 7, 11, 19, 17, 13)
    scores = score_matrix(mentees, mentors, weights, reverse=reverse)
    for i in range(mentees.n):
        for j in range(mentors.m):
            reasons = explain(mentees, mentors, i, j, weights, reverse=reverse)
            assert sum(r.points for r in reasons) == scores[i, j]


@given(st.integers(0, 10_000), st.integers(0, 29), st.integers(0, 24))
@settings(max_examples=150, deadline=None)
def test_it_explains_random_pairs_exactly(seed: int, i: int, j: int) -> None:
    mentees, mentors = people(seed)
    score = score_matrix(mentees.take([i]), mentors)[0, j]
    assert sum(points for _, points in explain(mentees, mentors, i, j)) == score


def test_it_explains_a_skill_in_words() -> None:
    mentee = one_mentee(current_levels=[[2, 0]], target_levels=[[4, 0]])
    reasons = explain(mentee, one_mentor(), 0, 0, skill_names=["cloud security", "python"])
    assert reasons[0] == ("cloud security: offers 5, wants 4 from 2 (+40)", 40)


def test_it_explains_a_time_zone_gap_as_a_penalty() -> None:
    reasons = explain(one_mentee(), one_mentor(utc_offset=[6.0]), 0, 0)
    # 6 h apart loses half of the time-zone half: 10 × 0.75 = 7.5 → 8 of 10 points.
    assert ("time zone 6 h apart (\u22122)", -2) in reasons


def test_it_ends_every_explanation_line_with_its_points() -> None:
    mentees, mentors = people(4)
    for text, points in explain(mentees, mentors, 0, 0):
        assert text.endswith(f"({scoring.signed(points)})")
