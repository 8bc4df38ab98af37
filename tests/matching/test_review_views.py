"""The run page: rejected mentees in the unmatched list, honest alternatives, "Match those left"."""

import csv
import io

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchingRun, ProgramWeights, Proposal
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
    return run


def _reject(client, run, proposal):
    return client.post(
        reverse("matching:accept", args=[run.pk]),
        {"proposal": [proposal.pk], "reject": "1"},
        follow=True,
    )


def test_it_shows_a_rejected_mentee_as_unmatched_with_new_counts(prog, hr_user, skill, client_for):
    mentor(prog, {skill: 5}, capacity=3)
    for _ in range(2):
        mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    proposal = run.proposals.order_by("id").first()
    page = _reject(client_for(hr_user), run, proposal).content.decode()
    assert "back in the unmatched list" in page
    assert "Unmatched (1)" in page
    assert f"<strong>{proposal.mentee.full_name}</strong>: proposal rejected by HR" in page
    assert 'data-testid="matched">1<' in page
    run = MatchingRun.objects.get(pk=run.pk)
    assert (run.matched_count, run.unmatched_count) == (1, 1)


def test_it_offers_to_match_those_left_and_starts_that_run(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    mentors = {mentor(prog, {skill: 5}, capacity=1).pk, mentor(prog, {skill: 4}, capacity=1).pk}
    e = mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    client = client_for(hr_user)
    rejected = run.proposals.get()
    (second,) = mentors - {rejected.mentor_id}
    page = _reject(client, run, rejected).content.decode()
    assert "Match those left (1)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:start", args=[prog.slug]),
            {"mode": run.mode, "remaining_only": "1", "run": run.pk},
        )
    again = MatchingRun.objects.exclude(pk=run.pk).get(program=prog)
    assert response.status_code == 302 and response.url == again.get_absolute_url()
    assert again.remaining_only and again.status == "succeeded"
    assert list(again.proposals.values_list("mentee_id", "mentor_id")) == [(e.pk, second)]
    page = client.get(again.get_absolute_url()).content.decode()
    assert "for those left after" in page
    assert "Nobody is left to match" in page
    # The earlier run no longer offers it: a newer run exists.
    assert "Match those left" not in client.get(run.get_absolute_url()).content.decode()


def test_it_says_why_it_cannot_match_those_left_now(prog, hr_user, skill, client_for):
    mentor(prog, {skill: 5}, capacity=1)
    for _ in range(2):
        mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    run.proposals.update(status="accepting")
    client = client_for(hr_user)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Match those left (1)" not in page
    assert "Proposals are still being accepted" in page
    response = client.post(
        reverse("matching:start", args=[prog.slug]),
        {"mode": run.mode, "remaining_only": "1", "run": run.pk},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == run.get_absolute_url()
    assert "still being accepted" in response.content.decode()
    assert MatchingRun.objects.filter(program=prog).count() == 1


def test_it_never_shows_a_full_mentor_as_an_alternative(prog, hr_user, skill, client_for):
    full = mentor(prog, {skill: 5}, capacity=1, user=factories.UserFactory(full_name="Lena Full"))
    mentor(prog, {skill: 4}, capacity=1)
    for _ in range(2):
        mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    page = client_for(hr_user).get(run.get_absolute_url()).content.decode()
    cells = page.split('data-testid="alternatives">')[1:]
    assert len(cells) == 2
    assert all("nobody else could take them now" in cell.split("</td>")[0] for cell in cells)
    assert "0 left" not in page and full.full_name in page


def test_it_swaps_through_a_chain_from_the_form(hr_user, client_for):
    prog = program(coordinators=[hr_user])
    # Levels below the target steer the pairs here; the default skill rule would forbid them.
    ProgramWeights.objects.create(program=prog, rule_skill_at_target=False)
    go, rust = factories.SkillFactory(name="Go"), factories.SkillFactory(name="Rust")
    star = mentor(prog, {go: 5, rust: 5}, capacity=1)
    backup = mentor(prog, {rust: 5, go: 3}, capacity=2)
    go_learner = mentee(prog, {go: (1, 5)})
    rust_learner = mentee(prog, {rust: (1, 5)})
    run = _run(prog, hr_user)
    target = run.proposals.get(mentee=rust_learner)
    mover = run.proposals.get(mentee=go_learner)
    client = client_for(hr_user)
    url = reverse("matching:swap", args=[target.pk])
    form = client.get(url).content.decode()
    assert f"frees a place if {go_learner.full_name} moves to {backup.full_name}" in form
    response = client.post(url, {"mentor": f"{star.pk}:{mover.pk}:{backup.pk}"}, follow=True)
    assert f"{go_learner.full_name} moved to {backup.full_name}" in response.content.decode()
    pairs = dict(run.proposals.values_list("mentee_id", "mentor_id"))
    assert pairs == {go_learner.pk: backup.pk, rust_learner.pk: star.pk}


def test_it_refuses_a_made_up_chain_from_the_form(prog, hr_user, skill, client_for):
    a = mentor(prog, {skill: 5}, capacity=1)
    mentor(prog, {skill: 4}, capacity=1)
    first, second = mentee(prog, {skill: (1, 4)}), mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    target = run.proposals.exclude(mentor=a).get()
    response = client_for(hr_user).post(
        reverse("matching:swap", args=[target.pk]), {"mentor": f"{a.pk}:{target.pk}:{a.pk}"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    before = {first.pk, second.pk}
    assert set(Proposal.objects.filter(run=run).values_list("mentee_id", flat=True)) == before
    assert not Proposal.objects.filter(run=run, swapped=True).exists()


def test_it_lists_a_rejected_mentee_as_unmatched_in_the_run_csv(prog, hr_user, skill, client_for):
    mentor(prog, {skill: 5}, capacity=3)
    for _ in range(2):
        mentee(prog, {skill: (1, 4)})
    run = _run(prog, hr_user)
    proposal = run.proposals.order_by("id").first()
    client = client_for(hr_user)
    _reject(client, run, proposal)
    text = client.get(reverse("matching:run_csv", args=[run.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    unmatched = [r for r in rows if r[0] == "Unmatched"]
    assert len(unmatched) == 1
    assert unmatched[0][1:3] == [proposal.mentee.full_name, proposal.mentee.email]
    assert unmatched[0][8] == "proposal rejected by HR"
    assert unmatched[0][9] == proposal.mentor.full_name
    statuses = [r[6] for r in rows if r[0] == "Proposal"]
    assert sorted(statuses) == ["Proposed", "Rejected"]
