"""One rule decides whether a proposal's mentor can be swapped: `Proposal.can_be_swapped`, used
by the run page's "Swap mentor" link and by `services.proposal_swap`."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import MatchingRun, Proposal
from tests import factories

from .helpers import mentee, mentor, program

pytestmark = pytest.mark.django_db


@pytest.fixture
def skill():
    return factories.SkillFactory(name="Kubernetes")


def _run(prog, hr_user, capture) -> MatchingRun:
    with capture(execute=True):
        run = services.matching_run_start(program=prog, by=hr_user)
    run.refresh_from_db()
    return run


@pytest.fixture
def mentoring(hr_user, skill, django_capture_on_commit_callbacks):
    """A finished run with one open proposal, and a second mentor to swap to."""
    prog = program(coordinators=[hr_user])
    mentors = [mentor(prog, {skill: 5}) for _ in range(2)]
    mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = run.proposals.get()
    other = next(m for m in mentors if m.pk != proposal.mentor_id)
    return run, proposal, other


def _swap_link_shown(client, run, proposal) -> bool:
    body = client.get(reverse("matching:run", args=[run.pk])).content.decode()
    return reverse("matching:swap", args=[proposal.pk]) in body


def test_it_lets_an_open_proposal_of_a_finished_run_be_swapped(mentoring, hr_user, client_for):
    run, proposal, other = mentoring
    assert proposal.can_be_swapped
    assert _swap_link_shown(client_for(hr_user), run, proposal)
    services.proposal_swap(proposal=proposal, new_mentor=other, by=hr_user)
    assert Proposal.objects.get(pk=proposal.pk).mentor_id == other.pk


def test_it_refuses_to_swap_a_rejected_proposal_and_hides_the_link(mentoring, hr_user, client_for):
    run, proposal, other = mentoring
    Proposal.objects.filter(pk=proposal.pk).update(status="rejected")
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert not proposal.can_be_swapped
    assert not _swap_link_shown(client_for(hr_user), run, proposal)
    with pytest.raises(ValidationError, match="still open can be swapped"):
        services.proposal_swap(proposal=proposal, new_mentor=other, by=hr_user)
    assert Proposal.objects.get(pk=proposal.pk).mentor_id != other.pk


def test_it_refuses_to_swap_once_the_run_is_published_and_hides_the_link(
    mentoring, hr_user, client_for
):
    run, proposal, other = mentoring
    MatchingRun.objects.filter(pk=run.pk).update(published_at=timezone.now())
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert not proposal.can_be_swapped
    assert not _swap_link_shown(client_for(hr_user), run, proposal)
    with pytest.raises(ValidationError, match="already published"):
        services.proposal_swap(proposal=proposal, new_mentor=other, by=hr_user)
    assert Proposal.objects.get(pk=proposal.pk).mentor_id != other.pk


def test_it_refuses_to_swap_peers_and_hides_the_link(
    hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    prog = program(format="peer", coordinators=[hr_user])
    peers = [mentee(prog, {skill: (2, 4)}, role="peer") for _ in range(3)]
    run = _run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = run.proposals.get()
    odd = next(p for p in peers if p.pk not in {proposal.mentee_id, proposal.mentor_id})
    assert not proposal.can_be_swapped
    assert not _swap_link_shown(client_for(hr_user), run, proposal)
    with pytest.raises(ValidationError, match="Peer pairs can't be swapped"):
        services.proposal_swap(proposal=proposal, new_mentor=odd, by=hr_user)
    assert Proposal.objects.get(pk=proposal.pk).mentor_id != odd.pk
