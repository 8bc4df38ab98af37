from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from matching import services
from matching.models import MatchingRun, PairRule, Proposal, RunStatus
from mentorships.models import Mentorship
from tests import factories
from tests.concurrency import run_at_once

from .helpers import mentee, mentor, program


@pytest.fixture
def skill(db):
    return factories.SkillFactory(name="Kubernetes")


@pytest.fixture
def prog(db, hr_user):
    return program(coordinators=[hr_user])


def _run(prog, by, django_capture_on_commit_callbacks, **kwargs) -> MatchingRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.matching_run_start(program=prog, by=by, **kwargs)
    run.refresh_from_db()
    return run


def _small(prog, skill, mentors=2, mentees=3, capacity=2):
    ms = [mentor(prog, {skill: 5}, capacity=capacity) for _ in range(mentors)]
    es = [mentee(prog, {skill: (1, 4)}) for _ in range(mentees)]
    return ms, es


@pytest.mark.django_db
def test_it_refuses_a_second_start_while_a_run_is_open(prog, hr_user):
    services.matching_run_start(program=prog, by=hr_user)
    with pytest.raises(ValidationError, match="already in progress"):
        services.matching_run_start(program=prog, by=hr_user)
    assert MatchingRun.objects.filter(program=prog).count() == 1


@pytest.mark.django_db
def test_it_refuses_to_run_a_program_still_enrolling(hr_user):
    prog = program(status="enrolling", coordinators=[hr_user])
    with pytest.raises(ValidationError, match="enrolling"):
        services.matching_run_start(program=prog, by=hr_user)
    assert not MatchingRun.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_gives_exactly_one_run_when_two_starts_race(hr_user):
    prog = program(coordinators=[hr_user])

    def start() -> str:
        services.matching_run_start(program=prog, by=hr_user)
        return "started"

    outcomes = [
        "refused" if isinstance(r, ValidationError) else r for r in run_at_once(start, start)
    ]
    assert sorted(outcomes) == ["refused", "started"]
    assert MatchingRun.objects.filter(program=prog).count() == 1


@pytest.mark.django_db
def test_it_executes_a_run_into_proposals(prog, hr_user, skill, django_capture_on_commit_callbacks):
    ms, es = _small(prog, skill)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.SUCCEEDED
    assert run.progress == 100
    assert run.matched_count == 3 and run.unmatched_count == 0
    assert set(run.timings) == {"load", "score", "rules", "assign", "greedy", "explain"}
    proposals = list(run.proposals.all())
    assert {p.mentee_id for p in proposals} == {e.pk for e in es}
    assert run.objective == sum(p.score for p in proposals)


@pytest.mark.django_db
def test_it_never_proposes_a_forbidden_pair(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    ms, es = _small(prog, skill, mentors=2, mentees=2)
    PairRule.objects.create(program=prog, mentee=es[0], mentor=ms[0], kind="forbid")
    es[1].manager = ms[1]
    es[1].save()
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    pairs = {(p.mentee_id, p.mentor_id) for p in run.proposals.all()}
    assert pairs == {(es[0].pk, ms[1].pk), (es[1].pk, ms[0].pk)}


@pytest.mark.django_db
def test_it_respects_mentor_capacity(prog, hr_user, skill, django_capture_on_commit_callbacks):
    mentor(prog, {skill: 5}, capacity=1)
    for _ in range(3):
        mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert run.matched_count == 1 and run.unmatched_count == 2
    assert run.proposals.count() == 1


@pytest.mark.django_db
def test_it_explains_every_proposal_with_lines_summing_to_its_score(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill, mentees=4)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    for proposal in run.proposals.all():
        assert sum(points for _, points in proposal.explanation) == proposal.score
        assert any("Kubernetes" in text for text, _ in proposal.explanation)


@pytest.mark.django_db
def test_it_lists_up_to_three_other_mentors_as_alternatives(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    ms = [mentor(prog, {skill: 5}) for _ in range(5)]
    mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = run.proposals.get()
    ids = [a["mentor_id"] for a in proposal.alternatives]
    assert len(ids) == 3 and proposal.mentor_id not in ids
    assert set(ids) <= {m.pk for m in ms}
    scores = [a["score"] for a in proposal.alternatives]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.django_db
def test_it_gives_unmatched_mentees_a_reason_in_words(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    terraform = factories.SkillFactory(name="Terraform")
    boss = factories.UserFactory()
    mentor(prog, {skill: 5}, user=boss, capacity=1)
    mentee(prog, {skill: (1, 4)})  # takes the only place: a better fit than the next one
    lonely = mentee(prog, {terraform: (1, 4)})
    managed = mentee(prog, {skill: (1, 4)}, user=factories.UserFactory(manager=boss))
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    reasons = {row["mentee_id"]: row["reason"] for row in run.unmatched}
    assert reasons[lonely.pk] == "nobody offers Terraform at level 4 or above"
    assert reasons[managed.pk] == "all compatible mentors are in your reporting line"


@pytest.mark.django_db
def test_it_says_when_the_only_mentor_with_the_skill_is_full(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    m = mentor(prog, {skill: 5}, capacity=1)
    factories.MentorshipFactory(
        program=prog, mentor=m, mentee=factories.UserFactory(), status="active"
    )
    e = mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert run.unmatched == [
        {
            "mentee_id": e.pk,
            "name": e.full_name,
            "reason": "no mentor has capacity left",
            "nearest": {
                "mentor_id": m.pk,
                "name": m.full_name,
                "score": run.unmatched[0]["nearest"]["score"],
                "stopped_by": "has no place left",
            },
        }
    ]


@pytest.mark.django_db
def test_it_builds_a_fairness_panel(prog, hr_user, skill, django_capture_on_commit_callbacks):
    _small(prog, skill, mentors=3, mentees=2, capacity=1)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    load = run.fairness["mentor_load"]
    assert (load["mentors"], load["max"], load["idle"]) == (3, 1, 1)
    assert sum(row["total"] for row in run.fairness["department"]) == 2
    assert {row["rate"] for row in run.fairness["seniority"]} == {100}


@pytest.mark.django_db
def test_it_re_executes_a_running_run_without_duplicates(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    first = sorted(Proposal.objects.filter(run=run).values_list("mentee_id", "mentor_id"))
    # A killed worker's task is redelivered while the row still says "running".
    MatchingRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    services.matching_run_execute(run_id=run.pk)
    again = sorted(Proposal.objects.filter(run=run).values_list("mentee_id", "mentor_id"))
    assert again == first
    assert MatchingRun.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED


@pytest.mark.django_db
def test_it_skips_a_run_that_already_finished(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert services.matching_run_execute(run_id=run.pk) is None


@pytest.mark.django_db
def test_it_supersedes_proposals_of_earlier_runs(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill)
    first = _run(prog, hr_user, django_capture_on_commit_callbacks)
    services.proposals_accept(run=first, proposal_ids=[first.proposals.first().pk], by=hr_user)
    second = _run(prog, hr_user, django_capture_on_commit_callbacks)
    statuses = sorted(first.proposals.values_list("status", flat=True))
    assert statuses == ["accepted", "superseded", "superseded"]
    assert second.proposals.count() == 2  # the accepted mentee is matched already


@pytest.mark.django_db
def test_it_marks_a_run_failed_with_the_error(prog, hr_user):
    run = MatchingRun.objects.create(
        program=prog, started_by=hr_user, parameters={"mode": "max_matched"}
    )  # no weights
    services.matching_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "weights" in run.error


@pytest.mark.django_db
def test_it_accepts_all_proposals_as_proposed_mentorships(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    result = services.proposals_accept(run=run, proposal_ids=None, by=hr_user)
    assert len(result.accepted) == 3 and not result.refused
    rows = Mentorship.objects.filter(matching_run=run)
    assert set(rows.values_list("status", "source")) == {("proposed", "matching")}
    for m in rows:
        p = run.proposals.get(mentee=m.mentee)
        assert (m.score, m.explanation, p.mentorship_id) == (p.score, p.explanation, m.pk)


@pytest.mark.django_db
def test_it_reports_refused_proposals(prog, hr_user, skill, django_capture_on_commit_callbacks):
    ms, es = _small(prog, skill, mentors=1, mentees=1)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    factories.MentorshipFactory(
        program=prog, mentor=factories.UserFactory(), mentee=es[0], status="active"
    )
    result = services.proposals_accept(run=run, proposal_ids=None, by=hr_user)
    assert not result.accepted
    assert "already has a live mentorship" in result.refused[0][1]
    assert run.proposals.get().status == "proposed"


@pytest.mark.django_db
def test_it_swaps_a_mentor_and_rescores(prog, hr_user, skill, django_capture_on_commit_callbacks):
    ms, es = _small(prog, skill, mentors=2, mentees=1)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = run.proposals.get()
    other = next(m for m in ms if m.pk != proposal.mentor_id)
    services.proposal_swap(proposal=proposal, new_mentor=other, by=hr_user)
    proposal.refresh_from_db()
    assert proposal.mentor_id == other.pk and proposal.swapped
    assert sum(points for _, points in proposal.explanation) == proposal.score


@pytest.mark.django_db
def test_it_refuses_a_swap_to_a_full_mentor(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    ms, es = _small(prog, skill, mentors=2, mentees=2, capacity=1)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    first, second = run.proposals.order_by("id")
    with pytest.raises(ValidationError, match="no place left"):
        services.proposal_swap(proposal=first, new_mentor=second.mentor, by=hr_user)
    first.refresh_from_db()
    assert first.mentor_id != second.mentor_id


@pytest.mark.django_db
def test_it_refuses_a_swap_that_breaks_a_hard_rule(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    ms, es = _small(prog, skill, mentors=2, mentees=1)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = run.proposals.get()
    other = next(m for m in ms if m.pk != proposal.mentor_id)
    PairRule.objects.create(program=prog, mentee=es[0], mentor=other, kind="forbid")
    with pytest.raises(ValidationError, match="hard rule"):
        services.proposal_swap(proposal=proposal, new_mentor=other, by=hr_user)


@pytest.mark.django_db
def test_it_publishes_once_and_emails_both_sides_once(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill, mentors=1, mentees=1)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    services.proposals_accept(run=run, proposal_ids=None, by=hr_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run_publish(run=run, by=hr_user) == 1
    assert Mentorship.objects.get(matching_run=run).status == "active"
    assert len(mail.outbox) == 2
    assert "Why you were matched" in mail.outbox[0].body
    assert "http" in mail.outbox[0].body and "/mentorships/" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="already published"):
        with django_capture_on_commit_callbacks(execute=True):
            services.run_publish(run=run, by=hr_user)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_it_refuses_to_publish_without_accepted_proposals(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill, mentors=1, mentees=1)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="Accept at least one"):
        services.run_publish(run=run, by=hr_user)
    assert MatchingRun.objects.get(pk=run.pk).published_at is None


@pytest.mark.django_db
def test_it_pairs_peers_and_reports_the_odd_one_out(
    hr_user, skill, django_capture_on_commit_callbacks
):
    prog = program(format="peer", coordinators=[hr_user])
    peers = [mentee(prog, {skill: (2, 4)}, role="peer") for _ in range(5)]
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert run.matched_count == 4 and run.unmatched_count == 1
    assert run.odd_one_out["mentee_id"] in {p.pk for p in peers}
    paired = [u for p in run.proposals.all() for u in (p.mentee_id, p.mentor_id)]
    assert len(paired) == len(set(paired)) == 4
    for p in run.proposals.all():
        assert sum(points for _, points in p.explanation) == p.score


@pytest.mark.django_db
def test_it_explains_a_peer_pair_in_plain_words_with_their_names(
    hr_user, skill, django_capture_on_commit_callbacks
):
    prog = program(format="peer", coordinators=[hr_user])
    first = mentee(prog, {skill: (2, 4)}, role="peer", years_experience=2)
    second = mentee(prog, {skill: (3, 5)}, role="peer", years_experience=6)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    texts = [text for text, _ in run.proposals.get().explanation]
    names = {first.full_name, second.full_name}
    learning = [t for t in texts if " learning from " in t]
    assert {t.split(" learning from ")[0] for t in learning} == names
    assert any(f"{second.full_name} has 4 more years of experience" in t for t in texts)
    assert not any("mentor" in t or "mentee" in t for t in texts)
    assert texts[-1].startswith("the pair's score is the average of both directions")


@pytest.mark.django_db
def test_it_tells_the_odd_peer_out_that_their_compatible_peer_was_taken(
    hr_user, skill, django_capture_on_commit_callbacks
):
    other = factories.SkillFactory(name="Go services")
    prog = program(format="peer", coordinators=[hr_user])
    mentee(prog, {skill: (1, 5), other: (4, None)}, role="peer")
    mentee(prog, {skill: (1, 5)}, role="peer")
    mentee(prog, {skill: (5, None), other: (1, 3)}, role="peer")
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert run.odd_one_out["reason"] == (
        "the best pairing of the whole pool left none of your 1 compatible peer free"
    )


@pytest.mark.django_db
def test_it_records_how_a_large_peer_pool_was_matched(
    hr_user, skill, monkeypatch, django_capture_on_commit_callbacks
):
    from matching import peers as peer_matching

    monkeypatch.setattr(peer_matching, "EXACT_MAX", 4)
    monkeypatch.setattr(peer_matching, "CANDIDATES", 1)
    monkeypatch.setattr(peer_matching, "RANDOM_CANDIDATES", 1)
    prog = program(format="peer", coordinators=[hr_user])
    for _ in range(6):
        mentee(prog, {skill: (2, 4)}, role="peer")
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert run.method_note.startswith("6 peers: each person's 1 best-scoring allowed peers")
    paired = [u for p in run.proposals.all() for u in (p.mentee_id, p.mentor_id)]
    assert len(paired) == len(set(paired)) == run.matched_count


@pytest.mark.django_db
def test_it_records_no_method_note_for_an_exhaustive_peer_run(
    hr_user, skill, django_capture_on_commit_callbacks
):
    prog = program(format="peer", coordinators=[hr_user])
    for _ in range(4):
        mentee(prog, {skill: (2, 4)}, role="peer")
    assert _run(prog, hr_user, django_capture_on_commit_callbacks).method_note == ""


@pytest.mark.django_db
def test_it_keeps_every_group_at_least_the_minimum_size(
    hr_user, skill, django_capture_on_commit_callbacks
):
    prog = program(format="group", min_group_size=3, max_group_size=4, coordinators=[hr_user])
    for _ in range(3):
        mentor(prog, {skill: 5}, capacity=4)
    for _ in range(7):
        mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    sizes = {}
    for p in run.proposals.all():
        sizes[p.mentor_id] = sizes.get(p.mentor_id, 0) + 1
    assert all(size >= 3 for size in sizes.values())
    assert run.matched_count == 7


@pytest.mark.django_db
def test_it_uses_the_highest_total_score_mode_when_asked(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks, mode="max_score")
    assert run.mode == "max_score" and run.status == RunStatus.SUCCEEDED


@pytest.mark.django_db
def test_it_refuses_a_swap_that_leaves_a_group_too_small(
    hr_user, skill, django_capture_on_commit_callbacks
):
    prog = program(format="group", min_group_size=2, max_group_size=4, coordinators=[hr_user])
    busy = mentor(prog, {skill: 5}, capacity=4)
    idle = mentor(prog, {skill: 4}, capacity=4, years_experience=40)
    for _ in range(2):
        mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert set(run.proposals.values_list("mentor_id", flat=True)) == {busy.pk}
    proposal = run.proposals.first()
    assert services.swap_candidates(proposal=proposal) == []
    with pytest.raises(ValidationError, match="at least 2"):
        services.proposal_swap(proposal=proposal, new_mentor=idle, by=hr_user)


@pytest.mark.django_db
def test_it_runs_from_the_command_line_with_a_summary(prog, skill):
    _small(prog, skill)
    out = StringIO()
    call_command("run_matching", prog.slug, "--sync", "--mode", "max_score", stdout=out)
    run = MatchingRun.objects.get(program=prog)
    assert run.status == RunStatus.SUCCEEDED and run.mode == "max_score"
    assert f"Run {run.pk}: 3 matched, 0 unmatched" in out.getvalue()


@pytest.mark.django_db
def test_it_refuses_an_unknown_program_on_the_command_line():
    with pytest.raises(CommandError, match="No program"):
        call_command("run_matching", "nope", "--sync")


@pytest.mark.django_db
def test_it_finishes_a_run_with_nobody_to_match(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert (run.status, run.matched_count, run.unmatched_count) == ("succeeded", 0, 0)


@pytest.mark.django_db
def test_it_explains_mentees_left_without_any_mentor(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    e = mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert run.status == "succeeded", run.error
    assert run.unmatched == [
        {
            "mentee_id": e.pk,
            "name": e.full_name,
            "reason": "no mentor has capacity left",
            "nearest": None,
        }
    ]


@pytest.mark.django_db
def test_it_scores_reverse_mentoring_the_other_way_round(
    hr_user, skill, django_capture_on_commit_callbacks
):
    prog = program(format="reverse", coordinators=[hr_user])
    mentor(prog, {skill: 5}, years_experience=2)
    mentee(prog, {skill: (1, 4)}, years_experience=12)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    texts = [text for text, _ in run.proposals.get().explanation]
    assert any(t.startswith("mentee has 10 more years of experience") for t in texts)


@pytest.mark.django_db
def test_it_accepts_queued_proposals_once_when_the_task_runs_twice(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    assert services.proposals_accept_all_start(run=run, by=hr_user) == 3
    assert services.proposals_accept_queued(run_id=run.pk, by_id=hr_user.pk) == {
        "accepted": 3,
        "refused": 0,
        "more": False,
    }
    assert services.proposals_accept_queued(run_id=run.pk, by_id=hr_user.pk)["accepted"] == 0
    assert Mentorship.objects.filter(matching_run=run).count() == 3


@pytest.mark.django_db
def test_it_stops_accepting_at_the_time_budget_and_says_there_is_more(
    prog, hr_user, skill, django_capture_on_commit_callbacks
):
    _small(prog, skill)
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    services.proposals_accept_all_start(run=run, by=hr_user)
    result = services.proposals_accept_queued(run_id=run.pk, by_id=hr_user.pk, time_budget=-1)
    assert result == {"accepted": 0, "refused": 0, "more": True}
    assert run.proposals.filter(status="accepting").count() == 3
