"""Hybrid programs: self-match first, then on the closing day a run for everyone left that
holds self-made pairs fixed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.data import load_program_data
from matching.models import MatchingRun, Proposal
from selfmatch import services
from selfmatch.models import Choice, Mode, ProgramMatching

from .helpers import mentee, mentor, selfmatch_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def hybrid(skill):
    today = timezone.localdate()
    prog, hr = selfmatch_program(mode=Mode.HYBRID, closes_on=today + timedelta(days=3))
    full = mentor(prog, {skill: 5}, capacity=1)
    other = mentor(prog, {skill: 4}, capacity=2)
    mentees = [mentee(prog, {skill: (1, 4)}) for _ in range(3)]
    request = services.match_request_create(program=prog, mentee=mentees[0], mentor_ids=[full.pk])
    services.choice_accept(choice=Choice.objects.get(request=request), by=full)
    return prog, hr, full, other, mentees


def test_it_does_not_close_before_the_closing_day(hybrid):
    prog = hybrid[0]
    assert services.selfmatch_close_due(today=timezone.localdate()) == 0
    assert ProgramMatching.objects.get(program=prog).closed_at is None


def test_it_matches_those_left_holding_self_made_pairs(hybrid, django_capture_on_commit_callbacks):
    prog, _, full, other, mentees = hybrid
    with django_capture_on_commit_callbacks(execute=True):  # the run executes eagerly
        closed = services.selfmatch_close_due(today=timezone.localdate() + timedelta(days=3))
    assert closed == 1
    settings = ProgramMatching.objects.get(program=prog)
    run = MatchingRun.objects.get(program=prog)
    assert settings.closing_run == run and run.parameters["remaining_only"] is True
    run.refresh_from_db()
    assert run.status == "succeeded"
    proposed = dict(Proposal.objects.filter(run=run).values_list("mentee_id", "mentor_id"))
    # The self-matched mentee is left out and the full mentor's place stays taken.
    assert set(proposed) == {mentees[1].pk, mentees[2].pk}
    assert set(proposed.values()) == {other.pk}


def test_it_closes_only_once(hybrid):
    later = timezone.localdate() + timedelta(days=3)
    assert services.selfmatch_close_due(today=later) == 1
    assert services.selfmatch_close_due(today=later) == 0
    assert MatchingRun.objects.filter(program=hybrid[0]).count() == 1


def test_it_says_why_the_run_did_not_start(skill):
    prog, hr = selfmatch_program(mode=Mode.HYBRID, closes_on=timezone.localdate())
    MatchingRun.objects.create(program=prog, started_by=hr, status="running")
    result = services.selfmatch_close(program=prog, by=hr)
    assert result.run is None and "already in progress" in result.error
    assert "already in progress" in ProgramMatching.objects.get(program=prog).close_error


def test_the_plain_solver_already_leaves_out_paired_mentees_and_taken_places(hybrid):
    """Without `remaining_only` too: live mentorships are held (matching.data)."""
    prog, _, full, other, mentees = hybrid
    data = load_program_data(prog)
    assert mentees[0].pk not in data.mentee_index
    assert int(data.capacity[data.mentor_index[full.pk]]) == 0
    assert int(data.capacity[data.mentor_index[other.pk]]) == 2
