"""A run for those left is optimal for what is left.

The residual problem is built here, independently of ``matching.data``'s holding: the program's
full problem (live mentorships, accepted proposals among them, already left out; the program's
must-have rules as forbidden pairs), minus the mentees with an open proposal, minus one place
of their mentor each, minus the pairs HR rejected. scipy's ``linear_sum_assignment`` on its
slot-expanded matrix (the oracle of test_engine.py) gives the optimum the run must reach.
"""

import numpy as np
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import scoring, services, solve
from matching.data import load_program_data
from matching.models import MatchingRun, Objective, ProposalStatus, RunStatus
from mentorships.models import LIVE_STATUSES, Mentorship
from programs.models import Enrolment
from tests import factories

from .helpers import mentee, mentor, program
from .test_engine import objective, oracle

pytestmark = pytest.mark.django_db


def _run(prog, by, **kwargs) -> MatchingRun:
    run = services.matching_run_start(program=prog, by=by, enqueue=False, **kwargs)
    services.matching_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    return run


def _random_program(rng: np.random.Generator, hr_user, fmt: str, mentors: int, mentees: int):
    prog = program(coordinators=[hr_user], format=fmt)
    skills = [factories.SkillFactory() for _ in range(3)]
    for _ in range(mentors):
        levels = {s: int(rng.integers(1, 6)) for s in skills if rng.random() < 0.7}
        mentor(
            prog,
            levels,
            capacity=int(rng.integers(1, 4)),
            years_experience=int(rng.integers(0, 20)),
        )
    for _ in range(mentees):
        wants = {s: (1, int(rng.integers(2, 6))) for s in skills if rng.random() < 0.6}
        mentee(prog, wants, years_experience=int(rng.integers(0, 20)))
    return prog


def _review(rng: np.random.Generator, run: MatchingRun, hr_user) -> None:
    """Accept some proposals, reject some, leave the rest open."""
    ids = list(run.proposals.order_by("id").values_list("pk", flat=True))
    fate = rng.integers(0, 3, len(ids))
    accept = [pk for pk, f in zip(ids, fate, strict=True) if f == 0]
    reject = [pk for pk, f in zip(ids, fate, strict=True) if f == 1]
    if accept:
        services.proposals_accept(run=run, proposal_ids=accept, by=hr_user)
    if reject:
        services.proposals_reject(run=run, proposal_ids=reject, by=hr_user)


def _check_optimal_for_what_is_left(prog, base: MatchingRun, again: MatchingRun) -> None:
    data = load_program_data(prog)  # the full problem; live pairs are left out already
    row, col = data.mentee_index, data.mentor_index
    must = solve.must_have_from(again.parameters)
    solve.apply_will_not_mentor(data, must)
    scores = scoring.score_matrix(
        data.mentees, data.mentors, solve.weights_from(again.parameters), reverse=data.reverse
    )
    capacity = data.capacity.copy()
    allowed = data.allowed.copy()
    if must.active:  # the program's must-have rules are forbidden pairs too
        allowed &= solve.rule_violations(data, must, scores) == 0
    scores = scores.astype(np.int64)
    keep = np.ones(data.mentees.n, dtype=bool)
    for p in base.proposals.all():
        if p.status == ProposalStatus.PROPOSED:
            keep[row[p.mentee_id]] = False
            capacity[col[p.mentor_id]] -= 1
        elif p.status == ProposalStatus.REJECTED:
            allowed[row[p.mentee_id], col[p.mentor_id]] = False
    rows = np.nonzero(keep)[0]
    penalty = tuple(again.parameters["load_penalty"])
    maximize = again.mode == Objective.MAX_MATCHED
    instance = (scores[rows], capacity, allowed[rows], penalty, maximize)

    mate = np.full(rows.size, -1, dtype=np.int64)
    position = {int(i): k for k, i in enumerate(rows)}
    for p in again.proposals.all():
        assert row[p.mentee_id] in position, "a held mentee was matched again"
        mate[position[row[p.mentee_id]]] = col[p.mentor_id]
        assert allowed[row[p.mentee_id], col[p.mentor_id]], "a forbidden or rejected pair"
    assert (np.bincount(mate[mate >= 0], minlength=data.mentors.m) <= capacity).all()
    got, want = objective(scores[rows], mate, penalty), oracle(instance)
    assert got == want if maximize else got[1] == want[1]
    assert again.matched_count == int((mate >= 0).sum())
    assert again.unmatched_count == rows.size - again.matched_count
    assert again.objective == int(scores[rows][mate >= 0, mate[mate >= 0]].sum())
    _check_capacity(prog)


def _check_capacity(prog) -> None:
    """No mentor has more live pairs plus open proposals than their enrolment allows."""
    used: dict[int, int] = {}
    live = Mentorship.objects.filter(program=prog, status__in=LIVE_STATUSES)
    for mentor_id in live.values_list("mentor_id", flat=True):
        used[mentor_id] = used.get(mentor_id, 0) + 1
    from matching.selectors import open_proposals

    for mentor_id in open_proposals(prog).values_list("mentor_id", flat=True):
        used[mentor_id] = used.get(mentor_id, 0) + 1
    caps = dict(
        Enrolment.objects.filter(program=prog, role="mentor").values_list("user_id", "capacity")
    )
    assert all(count <= caps[pk] for pk, count in used.items())


def _scenario(seed: int, fmt: str, mode: str, mentors: int, mentees: int, hr_user) -> None:
    rng = np.random.default_rng(seed)
    prog = _random_program(rng, hr_user, fmt, mentors, mentees)
    base = _run(prog, hr_user, mode=mode)
    _review(rng, base, hr_user)
    for _ in range(int(rng.integers(0, 3))):  # latecomers enrol after the first run
        mentee(prog, {factories.SkillFactory(): (1, 4)})
    again = _run(prog, hr_user, mode=mode, remaining_only=True)
    _check_optimal_for_what_is_left(prog, base, again)


@pytest.mark.parametrize("mode", [Objective.MAX_MATCHED, Objective.MAX_SCORE])
@pytest.mark.parametrize("fmt", ["one_to_one", "reverse"])
@pytest.mark.parametrize("seed", range(3))
def test_it_is_optimal_for_what_is_left_on_seeded_programs(hr_user, seed, fmt, mode):
    _scenario(seed, fmt, mode, mentors=6, mentees=14, hr_user=hr_user)


class _Rollback(Exception):
    """Ends one hypothesis example and undoes its rows."""


@given(
    seed=st.integers(0, 2**32 - 1),
    mode=st.sampled_from([Objective.MAX_MATCHED, Objective.MAX_SCORE]),
    mentors=st.integers(1, 5),
    mentees=st.integers(1, 10),
)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_is_optimal_for_what_is_left_on_generated_programs(
    hr_user, seed, mode, mentors, mentees
):
    try:
        with transaction.atomic():
            _scenario(seed, "one_to_one", mode, mentors, mentees, hr_user)
            raise _Rollback
    except _Rollback:
        pass


def test_it_stays_optimal_after_a_second_round_of_review(hr_user):
    rng = np.random.default_rng(7)
    prog = _random_program(rng, hr_user, "one_to_one", mentors=5, mentees=14)
    base = _run(prog, hr_user)
    _review(rng, base, hr_user)
    again = _run(prog, hr_user, remaining_only=True)
    _review(rng, again, hr_user)
    third = _run(prog, hr_user, remaining_only=True)
    # Rejections of both earlier runs count; open proposals of both are held.
    rejected = {
        (p.mentee_id, p.mentor_id)
        for run in (base, again)
        for p in run.proposals.filter(status=ProposalStatus.REJECTED)
    }
    new = set(third.proposals.values_list("mentee_id", "mentor_id"))
    assert not new & rejected
    held = {
        p.mentee_id
        for run in (base, again)
        for p in run.proposals.filter(status=ProposalStatus.PROPOSED)
    }
    assert not {mentee_id for mentee_id, _ in new} & held
    _check_capacity(prog)
