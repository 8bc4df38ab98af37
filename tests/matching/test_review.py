"""Honest review: rejecting puts the mentee back, a run for those left holds the rest fixed and
is optimal for what is left, and alternatives are only mentors who could take the mentee now."""

from io import StringIO

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from matching import selectors, services, solve
from matching.data import load_program_data
from matching.models import MatchingRun, PairRule, ProgramWeights, Proposal, RunStatus
from mentorships.models import Mentorship
from tests import factories

from .helpers import mentee, mentor, program

pytestmark = pytest.mark.django_db


@pytest.fixture
def skill():
    return factories.SkillFactory(name="Kubernetes")


@pytest.fixture
def prog(hr_user):
    return program(coordinators=[hr_user])


def _run(prog, by, **kwargs) -> MatchingRun:
    run = services.matching_run_start(program=prog, by=by, enqueue=False, **kwargs)
    services.matching_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    return run


def _without_skill_rule(prog) -> None:
    """These tests steer pairs with skill levels below the target; the must-have skill rule
    (on by default) would forbid them, and it is not what they are about."""
    ProgramWeights.objects.update_or_create(program=prog, defaults={"rule_skill_at_target": False})


def _people(prog, skill, mentors=2, mentees=3, capacity=2):
    ms = [mentor(prog, {skill: 5}, capacity=capacity) for _ in range(mentors)]
    es = [mentee(prog, {skill: (1, 4)}) for _ in range(mentees)]
    return ms, es


# --- rejecting -------------------------------------------------------------------------------


def test_it_puts_a_rejected_mentee_back_in_the_unmatched_list(prog, hr_user, skill):
    _people(prog, skill)
    run = _run(prog, hr_user)
    assert (run.matched_count, run.unmatched_count) == (3, 0)
    proposal = run.proposals.order_by("id").first()
    assert services.proposals_reject(run=run, proposal_ids=[proposal.pk], by=hr_user) == 1
    run = MatchingRun.objects.get(pk=run.pk)
    assert (run.matched_count, run.unmatched_count) == (2, 1)
    (row,) = run.unmatched
    assert row["mentee_id"] == proposal.mentee_id
    assert row["reason"] == "proposal rejected by HR"
    assert row["rejected_mentor_id"] == proposal.mentor_id
    assert row["nearest"] == {
        "mentor_id": proposal.mentor_id,
        "name": proposal.mentor.full_name,
        "score": proposal.score,
        "stopped_by": "was proposed and rejected by HR",
    }
    assert Proposal.objects.get(pk=proposal.pk).status == "rejected"


def test_it_counts_a_proposal_rejected_twice_once(prog, hr_user, skill):
    _people(prog, skill)
    run = _run(prog, hr_user)
    proposal = run.proposals.order_by("id").first()
    services.proposals_reject(run=run, proposal_ids=[proposal.pk], by=hr_user)
    assert services.proposals_reject(run=run, proposal_ids=[proposal.pk], by=hr_user) == 0
    run = MatchingRun.objects.get(pk=run.pk)
    assert (run.matched_count, run.unmatched_count, len(run.unmatched)) == (2, 1, 1)


def test_it_puts_both_peers_back_when_a_peer_pair_is_rejected(hr_user, skill):
    prog = program(coordinators=[hr_user], format="peer")
    for _ in range(4):
        mentee(prog, {skill: (2, 4)}, role="peer")
    run = _run(prog, hr_user)
    assert run.matched_count == 4
    proposal = run.proposals.first()
    services.proposals_reject(run=run, proposal_ids=[proposal.pk], by=hr_user)
    run = MatchingRun.objects.get(pk=run.pk)
    assert (run.matched_count, run.unmatched_count) == (2, 2)
    assert {r["mentee_id"] for r in run.unmatched} == {proposal.mentee_id, proposal.mentor_id}


def test_it_refuses_to_reject_in_a_published_run(prog, hr_user, skill):
    _people(prog, skill)
    run = _run(prog, hr_user)
    MatchingRun.objects.filter(pk=run.pk).update(published_at="2026-01-01T00:00Z")
    with pytest.raises(ValidationError, match="already published"):
        services.proposals_reject(run=run, proposal_ids=[run.proposals.first().pk], by=hr_user)
    assert MatchingRun.objects.get(pk=run.pk).unmatched_count == 0


# --- runs for those left ---------------------------------------------------------------------


def test_it_holds_accepted_and_open_proposals_and_rematches_the_rejected(prog, hr_user, skill):
    ms, es = _people(prog, skill, mentors=3, mentees=4, capacity=2)
    base = _run(prog, hr_user)
    accepted, rejected, *still_open = base.proposals.order_by("id")
    services.proposals_accept(run=base, proposal_ids=[accepted.pk], by=hr_user)
    services.proposals_reject(run=base, proposal_ids=[rejected.pk], by=hr_user)
    assert selectors.mentees_left(prog) == 1

    again = _run(prog, hr_user, remaining_only=True)
    assert again.remaining_only and again.parameters["after_run"] == base.pk
    (new,) = again.proposals.all()
    assert new.mentee_id == rejected.mentee_id
    assert new.mentor_id != rejected.mentor_id  # a rejected pair is not proposed again
    assert (again.matched_count, again.unmatched_count) == (1, 0)
    # The base run's open proposals are held, not superseded.
    statuses = dict(base.proposals.values_list("pk", "status"))
    assert [statuses[p.pk] for p in still_open] == ["proposed"] * len(still_open)
    assert statuses[accepted.pk] == "accepted"
    assert selectors.mentees_left(prog) == 0


def test_it_counts_held_places_against_the_mentors_capacity(prog, hr_user, skill):
    _without_skill_rule(prog)
    full = mentor(prog, {skill: 5}, capacity=1)
    spare = mentor(prog, {skill: 3}, capacity=1)
    first = mentee(prog, {skill: (1, 4)})
    base = _run(prog, hr_user)
    assert base.proposals.get().mentor_id == full.pk
    late = mentee(prog, {skill: (1, 4)})  # enrolled after the run
    again = _run(prog, hr_user, remaining_only=True)
    assert list(again.proposals.values_list("mentee_id", "mentor_id")) == [(late.pk, spare.pk)]
    assert base.proposals.get().mentee_id == first.pk


def test_it_tells_a_mentee_whose_only_mentor_was_rejected_why(prog, hr_user, skill):
    only = mentor(prog, {skill: 5}, capacity=2)
    e = mentee(prog, {skill: (1, 4)})
    base = _run(prog, hr_user)
    services.proposals_reject(run=base, proposal_ids=[base.proposals.get().pk], by=hr_user)
    again = _run(prog, hr_user, remaining_only=True)
    assert not again.proposals.exists()
    (row,) = again.unmatched
    assert row["mentee_id"] == e.pk and "rejected by HR in review (1)" in row["reason"]
    assert only.pk  # still enrolled, still with places: only the rejection stops it


def test_it_keeps_pair_rules_in_a_run_for_those_left(prog, hr_user, skill):
    a = mentor(prog, {skill: 5}, capacity=1)
    b = mentor(prog, {skill: 4}, capacity=1)
    base = _run(prog, hr_user)  # nobody to match yet
    e = mentee(prog, {skill: (1, 4)})
    PairRule.objects.create(program=prog, mentee=e, mentor=a, kind="forbid")
    again = _run(prog, hr_user, remaining_only=True)
    assert list(again.proposals.values_list("mentor_id", flat=True)) == [b.pk]
    assert base.matched_count == 0


def test_it_supersedes_held_proposals_only_in_a_full_run(prog, hr_user, skill):
    _people(prog, skill, mentees=2)
    base = _run(prog, hr_user)
    services.proposals_reject(run=base, proposal_ids=[base.proposals.first().pk], by=hr_user)
    _run(prog, hr_user, remaining_only=True)
    assert base.proposals.filter(status="proposed").count() == 1
    _run(prog, hr_user)
    assert base.proposals.filter(status="proposed").count() == 0


def test_it_refuses_a_run_for_those_left_while_proposals_are_being_accepted(prog, hr_user, skill):
    _people(prog, skill)
    base = _run(prog, hr_user)
    base.proposals.update(status="accepting")
    with pytest.raises(ValidationError, match="still being accepted"):
        services.matching_run_start(program=prog, by=hr_user, remaining_only=True)
    assert MatchingRun.objects.filter(program=prog).count() == 1


def test_it_holds_pairs_of_a_published_run_but_not_its_open_proposals(prog, hr_user, skill):
    _people(prog, skill, mentors=2, mentees=2)
    base = _run(prog, hr_user)
    kept, dropped = base.proposals.order_by("id")
    services.proposals_accept(run=base, proposal_ids=[kept.pk], by=hr_user)
    MatchingRun.objects.filter(pk=base.pk).update(published_at="2026-01-01T00:00Z")
    assert selectors.mentees_left(prog) == 1
    again = _run(prog, hr_user, remaining_only=True)
    assert list(again.proposals.values_list("mentee_id", flat=True)) == [dropped.mentee_id]
    assert Mentorship.objects.filter(mentee_id=kept.mentee_id).count() == 1


def test_it_runs_for_those_left_of_a_peer_pool(hr_user, skill):
    prog = program(coordinators=[hr_user], format="peer")
    for _ in range(6):
        mentee(prog, {skill: (2, 4)}, role="peer")
    base = _run(prog, hr_user)
    first, second, held = base.proposals.order_by("id")
    services.proposals_reject(run=base, proposal_ids=[first.pk, second.pk], by=hr_user)
    again = _run(prog, hr_user, remaining_only=True)
    new = {frozenset(p) for p in again.proposals.values_list("mentee_id", "mentor_id")}
    left = {first.mentee_id, first.mentor_id, second.mentee_id, second.mentor_id}
    assert len(new) == 2 and set().union(*new) == left
    rejected = {frozenset((p.mentee_id, p.mentor_id)) for p in (first, second)}
    assert not new & rejected
    assert Proposal.objects.get(pk=held.pk).status == "proposed"


# --- honest alternatives ---------------------------------------------------------------------


def _assert_honest(run: MatchingRun) -> None:
    """Every stored alternative had a place left after the run, or names a real swap chain."""
    data = load_program_data(run.program)
    pairs = dict(run.proposals.values_list("mentee_id", "mentor_id"))
    taken: dict[int, int] = {}
    for mentor_id in pairs.values():
        taken[mentor_id] = taken.get(mentor_id, 0) + 1
    capacity = {p.user_id: int(data.capacity[j]) for j, p in enumerate(data.mentor_people)}
    for proposal in run.proposals.all():
        for option in proposal.alternatives:
            left = capacity[option["mentor_id"]] - taken.get(option["mentor_id"], 0)
            assert option["mentor_id"] != proposal.mentor_id
            assert left == option["capacity_left"]
            if left <= 0:
                via = option["via"]
                assert pairs[via["mentee_id"]] == option["mentor_id"]
                target = via["to_mentor_id"]
                assert capacity[target] - taken.get(target, 0) > 0


def test_it_never_offers_a_full_mentor_without_a_way_to_free_a_place(prog, hr_user, skill):
    popular = mentor(prog, {skill: 5}, capacity=1)
    mentor(prog, {skill: 4}, capacity=1)
    for _ in range(3):
        mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    _assert_honest(run)
    # Both mentors are full and nobody could move anywhere: nobody is offered.
    for proposal in run.proposals.all():
        assert proposal.alternatives == []
    assert popular.pk in set(run.proposals.values_list("mentor_id", flat=True))


def test_it_offers_a_full_mentor_with_the_swap_chain_that_frees_a_place(hr_user):
    prog = program(coordinators=[hr_user])
    _without_skill_rule(prog)
    go, rust = factories.SkillFactory(name="Go"), factories.SkillFactory(name="Rust")
    star = mentor(prog, {go: 5, rust: 5}, capacity=1)
    backup = mentor(prog, {rust: 5}, capacity=2)
    # The Go learner only fits the star; the Rust learner fits both.
    go_learner = mentee(prog, {go: (1, 5)})
    rust_learner = mentee(prog, {rust: (1, 5)})
    run = _run(prog, hr_user)
    pairs = dict(run.proposals.values_list("mentee_id", "mentor_id"))
    assert pairs == {go_learner.pk: star.pk, rust_learner.pk: backup.pk}
    _assert_honest(run)
    options = run.proposals.get(mentee=rust_learner).alternatives
    assert [o["mentor_id"] for o in options] == [star.pk]
    assert options[0]["capacity_left"] == 0
    assert options[0]["via"]["mentee_id"] == go_learner.pk
    assert options[0]["via"]["to_mentor_id"] == backup.pk


@pytest.mark.parametrize("seed", range(6))
def test_it_gives_only_honest_alternatives_on_random_programs(hr_user, seed):
    rng = np.random.default_rng(seed)
    prog = program(coordinators=[hr_user])
    skills = [factories.SkillFactory(name=f"S{seed}-{k}") for k in range(3)]
    for _ in range(int(rng.integers(2, 6))):
        levels = {s: int(rng.integers(1, 6)) for s in skills if rng.random() < 0.7}
        mentor(prog, levels, capacity=int(rng.integers(1, 3)))
    for _ in range(int(rng.integers(3, 10))):
        wants = {s: (1, int(rng.integers(2, 6))) for s in skills if rng.random() < 0.5}
        mentee(prog, wants)
    _assert_honest(_run(prog, hr_user))


def test_it_swaps_through_a_chain_in_one_step(hr_user):
    prog = program(coordinators=[hr_user])
    _without_skill_rule(prog)
    go, rust = factories.SkillFactory(name="Go"), factories.SkillFactory(name="Rust")
    star = mentor(prog, {go: 5, rust: 5}, capacity=1)
    backup = mentor(prog, {rust: 5, go: 3}, capacity=2)
    go_learner = mentee(prog, {go: (1, 5)})
    rust_learner = mentee(prog, {rust: (1, 5)})
    run = _run(prog, hr_user)
    target = run.proposals.get(mentee=rust_learner)
    (option,) = [c for c in services.swap_candidates(proposal=target) if c["mentor_id"] == star.pk]
    assert option["capacity_left"] == 0 and option["via"]["mentee_id"] == go_learner.pk
    mover = Proposal.objects.get(pk=option["via"]["proposal_id"])
    services.proposal_swap(proposal=target, new_mentor=star, by=hr_user, move=mover, move_to=backup)
    pairs = dict(run.proposals.values_list("mentee_id", "mentor_id"))
    assert pairs == {go_learner.pk: backup.pk, rust_learner.pk: star.pk}


def test_it_refuses_a_stale_chain_and_changes_nothing(prog, hr_user, skill):
    a = mentor(prog, {skill: 5}, capacity=1)
    b = mentor(prog, {skill: 4}, capacity=1)
    first, second = mentee(prog, {skill: (1, 4)}), mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    p_first, p_second = run.proposals.get(mentee=first), run.proposals.get(mentee=second)
    other = b if p_first.mentor_id == a.pk else a
    # "move" is not proposed with the mentor whose place it should free.
    with pytest.raises(ValidationError, match="no longer frees a place"):
        services.proposal_swap(
            proposal=p_first, new_mentor=other, by=hr_user, move=p_first, move_to=other
        )
    assert dict(run.proposals.values_list("mentee_id", "mentor_id")) == {
        first.pk: p_first.mentor_id,
        second.pk: p_second.mentor_id,
    }


def test_it_hides_alternatives_taken_since_the_run(prog, hr_user, skill):
    mentor(prog, {skill: 5}, capacity=1)
    mentor(prog, {skill: 4}, capacity=1)
    e = mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    proposal = run.proposals.get()
    (option,) = proposal.alternatives
    assert selectors.alternatives_now(run, [proposal])[proposal.pk][0]["capacity_left"] == 1
    spare = Mentorship.mentor.field.related_model.objects.get(pk=option["mentor_id"])
    factories.MentorshipFactory(program=prog, mentor=spare, status="active")
    assert selectors.alternatives_now(run, [proposal]) == {proposal.pk: []}
    assert e.pk == proposal.mentee_id


def test_it_computes_no_chain_for_group_programs(hr_user, skill):
    prog = program(coordinators=[hr_user], format="group", min_group_size=1, max_group_size=2)
    _people(prog, skill, mentors=2, mentees=4, capacity=2)
    data = load_program_data(prog)
    result = solve.compute(data, _run(prog, hr_user).parameters, lambda *_: None)
    assert solve.swap_chains(data, result, solve.places_left(data, result)) == {}


def test_it_matches_those_left_from_the_command_line(prog, hr_user, skill):
    _people(prog, skill, mentors=2, mentees=2)
    base = _run(prog, hr_user)
    services.proposals_reject(run=base, proposal_ids=[base.proposals.first().pk], by=hr_user)
    out = StringIO()
    call_command("run_matching", prog.slug, "--sync", "--remaining-only", stdout=out)
    again = MatchingRun.objects.exclude(pk=base.pk).get(program=prog)
    assert again.remaining_only and again.matched_count == 1
    assert f"Run {again.pk}: 1 matched, 0 unmatched" in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_counts_both_of_two_rejections_made_at_once(hr_user):
    from tests.concurrency import run_at_once

    prog = program(coordinators=[hr_user])
    skill = factories.SkillFactory(name="Vault")
    _people(prog, skill, mentors=2, mentees=3)
    run = _run(prog, hr_user)
    first, second, _ = run.proposals.order_by("id")
    results = run_at_once(
        lambda: services.proposals_reject(run=run, proposal_ids=[first.pk], by=hr_user),
        lambda: services.proposals_reject(run=run, proposal_ids=[second.pk], by=hr_user),
    )
    assert results == [1, 1]
    run = MatchingRun.objects.get(pk=run.pk)
    assert (run.matched_count, run.unmatched_count) == (1, 2)
    assert {r["mentee_id"] for r in run.unmatched} == {first.mentee_id, second.mentee_id}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_counts_the_same_rejection_made_twice_at_once_once(hr_user):
    from tests.concurrency import run_at_once

    prog = program(coordinators=[hr_user])
    skill = factories.SkillFactory(name="Consul")
    _people(prog, skill, mentors=2, mentees=2)
    run = _run(prog, hr_user)
    first = run.proposals.order_by("id").first()

    def reject() -> int:
        return services.proposals_reject(run=run, proposal_ids=[first.pk], by=hr_user)

    assert sorted(run_at_once(reject, reject)) == [0, 1]
    run = MatchingRun.objects.get(pk=run.pk)
    assert (run.matched_count, run.unmatched_count, len(run.unmatched)) == (1, 1, 1)


def test_it_recomputes_a_mentees_rule_bits_on_demand_instead_of_keeping_every_pair(
    prog, hr_user, skill
):
    _people(prog, skill, mentors=3, mentees=4)
    low = mentor(prog, {skill: 2})
    mentee(prog, {skill: (1, 4)})
    parameters = _run(prog, hr_user).parameters
    data = load_program_data(prog)
    hard = data.allowed.copy()
    result = solve.compute(data, parameters, lambda *_: None)
    fresh = load_program_data(prog)
    solve.apply_will_not_mentor(fresh, solve.must_have_from(parameters))
    want = solve.rule_violations(fresh, result.must, result.scores)
    assert result.violations is None and result.scores.dtype == np.int8
    assert (result.allowed == (hard & (want == 0))).all()
    assert all((result.rule_row(i) == want[i]).all() for i in range(data.mentees.n))
    assert want[:, data.mentor_index[low.pk]].any()
