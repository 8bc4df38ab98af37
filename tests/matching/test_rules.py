"""matching.rules: must-have rules as a forbidden-pair mask, and the solver under them.

Pure numpy tests (no database). The rule mask is checked against a plain Python reading of
each rule, pair by pair; the solver with the rules applied as forbidden pairs is checked
against the LSA oracle of tests/matching/test_engine.py (scipy's linear_sum_assignment on the
slot-expanded matrix).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import rules
from matching.engine import assign
from matching.rules import BIT, Limits, MustHave, violations
from matching.scoring import MenteeData, MentorData, score_matrix
from tests.matching.test_engine import objective, oracle


def people(rng: np.random.Generator, n: int, m: int, s: int) -> tuple[MenteeData, MentorData]:
    current = rng.integers(0, 4, (n, s))
    target = np.where(rng.random((n, s)) < 0.4, rng.integers(1, 6, (n, s)), 0)
    mentees = MenteeData(
        current_levels=current,
        target_levels=np.maximum(target, 0),
        career_track=rng.integers(-1, 3, n),
        style=rng.integers(-1, 4, n),
        years_experience=rng.integers(0, 20, n).astype(float),
        hours_per_month=rng.integers(1, 10, n).astype(float),
        utc_offset=rng.choice([-8.0, -5.0, 0.0, 1.0, 5.5, 9.0, 12.0], n),
        department=rng.integers(-1, 3, n),
        diversity_preference=rng.choice([0.0, 1.0], n),
    )
    mentors = MentorData(
        proficiency=rng.integers(0, 6, (m, s)),
        career_tracks=rng.integers(-1, 3, m),
        style=rng.integers(-1, 4, m),
        years_experience=rng.integers(0, 30, m).astype(float),
        hours_per_month=rng.integers(1, 10, m).astype(float),
        utc_offset=rng.choice([-8.0, -5.0, 0.0, 1.0, 5.5, 9.0, 12.0], m),
        department=rng.integers(-1, 3, m),
    )
    return mentees, mentors


def limits(rng: np.random.Generator, n: int, m: int, s: int) -> Limits:
    return Limits(
        mentee_languages=rng.integers(0, 8, n).astype(np.uint64),
        mentor_languages=rng.integers(0, 8, m).astype(np.uint64),
        excluded_skills=rng.random((m, s)) < 0.2,
        excluded_departments=rules.padded(
            [list(rng.choice(3, rng.integers(0, 3), replace=False)) for _ in range(m)]
        ),
    )


def reference_bits(mentees, mentors, must: MustHave, lim: Limits, scores) -> np.ndarray:
    """Each rule read literally, one pair at a time."""
    n, m = mentees.n, mentors.m
    out = np.zeros((n, m), np.uint8)
    for i in range(n):
        sought = [
            s
            for s in range(mentees.n_skills)
            if mentees.target_levels[i, s] > mentees.current_levels[i, s]
        ]
        for j in range(m):
            bits = 0
            refused = {s for s in range(mentees.n_skills) if lim.excluded_skills[j, s]}
            if must.will_not_mentor:
                dept = int(mentees.department[i])
                if dept >= 0 and dept in set(lim.excluded_departments[j].tolist()):
                    bits |= BIT["will_not_mentor"]
                if sought and set(sought) <= refused:
                    bits |= BIT["will_not_mentor"]
            if must.skill_at_target and sought:
                offers = any(
                    mentors.proficiency[j, s] >= mentees.target_levels[i, s]
                    and not (must.will_not_mentor and s in refused)
                    for s in sought
                )
                if not offers:
                    bits |= BIT["skill"]
            if must.same_language:
                a, b = int(lim.mentee_languages[i]), int(lim.mentor_languages[j])
                if a and b and not a & b:
                    bits |= BIT["language"]
            if must.other_department:
                if mentees.department[i] >= 0 and mentees.department[i] == mentors.department[j]:
                    bits |= BIT["department"]
            if must.max_timezone_hours is not None:
                apart = abs(mentees.utc_offset[i] - mentors.utc_offset[j]) % 24
                if min(apart, 24 - apart) > must.max_timezone_hours:
                    bits |= BIT["timezone"]
            if must.min_score and scores[i, j] < must.min_score:
                bits |= BIT["min_score"]
            out[i, j] = bits
    return out


musts = st.builds(
    MustHave,
    skill_at_target=st.booleans(),
    min_score=st.sampled_from([0, 0, 20, 45, 60]),
    max_timezone_hours=st.sampled_from([None, None, 0, 3, 6]),
    same_language=st.booleans(),
    other_department=st.booleans(),
    will_not_mentor=st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(0, 9),
    m=st.integers(0, 7),
    s=st.integers(1, 5),
    must=musts,
    chunk=st.integers(1, 4),
)
def test_it_gives_the_bits_of_each_rule_read_literally(seed, n, m, s, must, chunk):
    rng = np.random.default_rng(seed)
    mentees, mentors = people(rng, n, m, s)
    lim = limits(rng, n, m, s)
    offered = MentorData(
        rules.offered_levels(mentors, lim, must),
        mentors.career_tracks,
        mentors.style,
        mentors.years_experience,
        mentors.hours_per_month,
        mentors.utc_offset,
        mentors.department,
    )
    scores = score_matrix(mentees, offered)
    got = violations(mentees, mentors, must, lim, scores, chunk=chunk)
    assert np.array_equal(got, reference_bits(mentees, mentors, must, lim, scores))


@pytest.mark.parametrize("m", [8, 9, 23])
@pytest.mark.parametrize("seed", range(3))
def test_it_reads_the_bit_packed_skill_tables_exactly_for_any_number_of_mentors(seed, m):
    rng = np.random.default_rng(seed)
    n, s = 37, 6
    mentees, mentors = people(rng, n, m, s)
    lim = limits(rng, n, m, s)
    lim = lim._replace(excluded_skills=rng.random((m, s)) < 0.6)  # some refuse everything
    scores = score_matrix(mentees, mentors)
    for must in (MustHave(), MustHave(will_not_mentor=False), MustHave(skill_at_target=False)):
        want = reference_bits(mentees, mentors, must, lim, scores)
        assert np.array_equal(violations(mentees, mentors, must, lim, scores, chunk=5), want)
        allowed = rng.random((n, m)) < 0.8
        expected = allowed & (want == 0)
        rules.restrict(allowed, mentees, mentors, must, lim, scores, chunk=4)
        assert np.array_equal(allowed, expected)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(0, 9),
    m=st.integers(0, 7),
    must=musts,
    chunk=st.integers(1, 4),
)
def test_it_restricts_a_mask_in_place_exactly_as_the_violation_bits_do(seed, n, m, must, chunk):
    rng = np.random.default_rng(seed)
    mentees, mentors = people(rng, n, m, 3)
    lim = limits(rng, n, m, 3)
    scores = score_matrix(mentees, mentors)
    allowed = rng.random((n, m)) < 0.8
    want = allowed & (violations(mentees, mentors, must, lim, scores) == 0)
    got = rules.restrict(allowed, mentees, mentors, must, lim, scores, chunk=chunk)
    assert got is allowed
    assert np.array_equal(allowed, want)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(1, 8),
    m=st.integers(1, 5),
    must=musts,
    maximize=st.booleans(),
    penalty=st.sampled_from([(), (2,), (2, 4, 6)]),
)
def test_it_never_breaks_a_rule_and_stays_optimal_against_the_oracle(
    seed, n, m, must, maximize, penalty
):
    rng = np.random.default_rng(seed)
    mentees, mentors = people(rng, n, m, 4)
    lim = limits(rng, n, m, 4)
    scores = score_matrix(mentees, mentors)
    hr_never = rng.random((n, m)) < 0.15  # HR's "never pair them" rules
    bits = violations(mentees, mentors, must, lim, scores)
    allowed = ~hr_never & (bits == 0)
    capacity = rng.integers(0, 3, m)
    mate = assign(scores, capacity, allowed, penalty, maximize)
    rows = np.nonzero(mate >= 0)[0]
    assert (bits[rows, mate[rows]] == 0).all()
    assert not hr_never[rows, mate[rows]].any()
    wide = scores.astype(np.int64)  # the oracle adds a large bonus
    assert objective(wide, mate, penalty) == oracle((wide, capacity, allowed, penalty, maximize))


def test_it_forbids_a_mentor_below_every_target_level():
    mentees = _mentees(current=[[1, 0]], target=[[4, 0]])
    mentors = _mentors(proficiency=[[3, 5], [4, 0], [5, 0]])
    bits = violations(mentees, mentors, MustHave())
    assert bits[0].tolist() == [BIT["skill"], 0, 0]


def test_it_lets_a_mentor_through_who_reaches_one_sought_skill():
    mentees = _mentees(current=[[1, 1]], target=[[4, 3]])
    mentors = _mentors(proficiency=[[0, 3]])
    assert violations(mentees, mentors, MustHave())[0, 0] == 0


def test_it_lets_a_mentee_seeking_nothing_pass_the_skill_rule():
    mentees = _mentees(current=[[3, 0]], target=[[0, 0]])
    mentors = _mentors(proficiency=[[0, 0]])
    assert violations(mentees, mentors, MustHave())[0, 0] == 0


def test_it_does_not_count_a_skill_the_mentor_will_not_mentor():
    mentees = _mentees(current=[[1, 0]], target=[[4, 0]])
    mentors = _mentors(proficiency=[[5, 0]])
    lim = Limits.none(1, 1, 2)._replace(excluded_skills=np.array([[True, False]]))
    bits = int(violations(mentees, mentors, MustHave(), lim)[0, 0])
    assert rules.rule_names(bits) == ["will_not_mentor", "skill"]


def test_it_forbids_a_department_the_mentor_will_not_mentor():
    mentees = _mentees(current=[[1]], target=[[3]], department=[7])
    mentors = _mentors(proficiency=[[5]])
    lim = Limits.none(1, 1, 1)._replace(excluded_departments=np.array([[3, 7]]))
    assert violations(mentees, mentors, MustHave(), lim)[0, 0] == BIT["will_not_mentor"]


def test_it_forbids_time_zones_further_apart_than_the_limit_round_the_clock():
    mentees = _mentees(current=[[1]], target=[[3]], utc_offset=[11.0])
    mentors = _mentors(proficiency=[[5]] * 3, utc_offset=[-12.0, 8.0, 7.5])
    bits = violations(mentees, mentors, MustHave(max_timezone_hours=3))
    assert bits[0].tolist() == [0, 0, BIT["timezone"]]


def test_it_forbids_pairs_with_no_shared_language_but_not_unknown_ones():
    mentees = _mentees(current=[[1]], target=[[3]])
    mentors = _mentors(proficiency=[[5]] * 3)
    lim = Limits.none(1, 3, 1)._replace(
        mentee_languages=rules.language_bits([[0, 2]]),
        mentor_languages=rules.language_bits([[1], [2], []]),
    )
    bits = violations(mentees, mentors, MustHave(same_language=True), lim)
    assert bits[0].tolist() == [BIT["language"], 0, 0]


def test_it_forbids_the_same_department_when_asked():
    mentees = _mentees(current=[[1]], target=[[3]], department=[2])
    mentors = _mentors(proficiency=[[5]] * 3, department=[2, 1, -1])
    bits = violations(mentees, mentors, MustHave(other_department=True))
    assert bits[0].tolist() == [BIT["department"], 0, 0]


def test_it_forbids_pairs_below_the_minimum_score():
    mentees = _mentees(current=[[1]], target=[[3]])
    mentors = _mentors(proficiency=[[5]] * 2)
    scores = np.array([[49, 50]])
    bits = violations(mentees, mentors, MustHave(min_score=50), scores=scores)
    assert bits[0].tolist() == [BIT["min_score"], 0]


def test_it_needs_the_scores_for_the_minimum_score_rule():
    with pytest.raises(ValueError, match="score matrix"):
        violations(_mentees([[1]], [[3]]), _mentors([[5]]), MustHave(min_score=10))


def test_it_refuses_a_minimum_score_above_100():
    with pytest.raises(ValueError):
        MustHave(min_score=101)


def test_it_lists_the_rules_that_are_on_in_words():
    words = rules.describe(MustHave(max_timezone_hours=3, min_score=40, will_not_mentor=False))
    assert words == [
        "the mentor offers one of the mentee's sought skills at the target level",
        "their time zones are at most 3 hours apart",
        "the pair scores at least 40",
    ]


def test_it_reads_back_rules_stored_with_a_run():
    must = MustHave(min_score=30, same_language=True)
    assert MustHave.from_dict({**must.as_dict(), "unknown": 1}) == must


def _mentees(current, target, department=None, utc_offset=None) -> MenteeData:
    n = len(current)
    return MenteeData(
        current_levels=np.array(current),
        target_levels=np.array(target),
        career_track=np.full(n, -1),
        style=np.full(n, -1),
        years_experience=np.zeros(n),
        hours_per_month=np.ones(n),
        utc_offset=np.array(utc_offset if utc_offset is not None else [0.0] * n),
        department=np.array(department if department is not None else [-1] * n),
    )


def _mentors(proficiency, department=None, utc_offset=None) -> MentorData:
    m = len(proficiency)
    return MentorData(
        proficiency=np.array(proficiency),
        career_tracks=np.full(m, -1),
        style=np.full(m, -1),
        years_experience=np.zeros(m),
        hours_per_month=np.ones(m),
        utc_offset=np.array(utc_offset if utc_offset is not None else [0.0] * m),
        department=np.array(department if department is not None else [-1] * m),
    )
