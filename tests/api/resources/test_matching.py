"""Matching runs and proposals through the API: HR coordinators of the run's program only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from matching import services
from matching.models import MatchingRun, Proposal, RunStatus
from mentorships.models import Mentorship
from tests import factories
from tests.api.resources.helpers import ApiClient, ids, results
from tests.matching.helpers import mentee, mentor, program

RUNS = reverse("api:matching-run-list")
PROPOSALS = reverse("api:proposal-list")
NOT_HR = ["mentee", "mentor", "other_mentee", "line_manager", "former_hr", "privacy_officer"]


def run_url(run, name: str = "detail") -> str:
    return reverse(f"api:matching-run-{name}", args=[run.pk])


def test_it_shows_hr_the_runs_of_their_programs_with_counts(world, api_as):
    client = api_as(world.hr)
    [row] = results(client.get(RUNS))
    assert (row["id"], row["program"], row["status"]) == (world.run.pk, "prog-p", "succeeded")
    detail = client.get(run_url(world.run)).json()
    assert detail["proposal_counts"] == {
        "proposed": 1,
        "accepting": 0,
        "accepted": 0,
        "rejected": 0,
        "superseded": 0,
    }
    [proposal] = results(client.get(PROPOSALS, {"run": world.run.pk}))
    assert (proposal["id"], proposal["score"]) == (world.proposal.pk, 80)
    assert proposal["mentee"] == {"id": world.mentee.pk, "full_name": world.mentee.full_name}


def test_it_shows_another_coordinator_none_of_the_programs_runs(world, api_as):
    client = api_as(world.other_hr)
    assert ids(client.get(RUNS)) == [] and ids(client.get(PROPOSALS)) == []
    assert client.get(run_url(world.run)).status_code == 404
    assert client.get(reverse("api:proposal-detail", args=[world.proposal.pk])).status_code == 404
    # Another program's run and a run that doesn't exist look the same.
    missing = client.get(reverse("api:matching-run-detail", args=[10**9]))
    assert missing.json() == client.get(run_url(world.run)).json()


@pytest.mark.parametrize("who", NOT_HR)
def test_it_refuses_matching_to_anyone_without_the_hr_role_with_403(world, api_as, who):
    client = api_as(getattr(world, who))
    for response in (
        client.get(RUNS),
        client.get(run_url(world.run)),
        client.get(reverse("api:matching-run-detail", args=[10**9])),
        client.get(PROPOSALS),
        client.post(run_url(world.run, "reject"), {"proposals": [world.proposal.pk]}),
    ):
        assert response.status_code == 403, response.status_code
    world.proposal.refresh_from_db()
    assert world.proposal.status == "proposed"


def test_it_starts_a_run_of_a_program_one_coordinates(world, api_as):
    MatchingRun.objects.filter(pk=world.run.pk).update(status=RunStatus.FAILED)
    response = api_as(world.hr).post(RUNS, {"program": "prog-p", "mode": "max_score"})
    assert response.status_code == 201, response.json()
    run = MatchingRun.objects.get(pk=response.json()["id"])
    assert (run.program_id, run.mode, run.started_by_id) == (world.p.pk, "max_score", world.hr.pk)
    assert AuditEvent.objects.filter(action="matching.run_started", actor=world.hr).exists()


def test_it_refuses_starting_a_run_of_another_program_with_403(world, api_as):
    count = MatchingRun.objects.count()
    response = api_as(world.other_hr).post(RUNS, {"program": "prog-p"})
    assert response.status_code == 403
    assert api_as(world.hr).post(RUNS, {"program": "no-such-program"}).status_code == 400
    assert MatchingRun.objects.count() == count


def test_it_refuses_a_second_run_while_one_is_open(world, api_as):
    MatchingRun.objects.create(program=world.p, started_by=world.hr)  # queued
    response = api_as(world.hr).post(RUNS, {"program": "prog-p"})
    assert response.status_code == 400 and "already in progress" in response.json()["detail"]


def test_it_reports_a_proposal_the_rules_refuse(world, api_as):
    # The world's mentee already has a live mentorship in program P.
    response = api_as(world.hr).post(
        run_url(world.run, "accept"), {"proposals": [world.proposal.pk]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [] and body["refused"][0]["proposal"] == world.proposal.pk
    assert "live mentorship" in body["refused"][0]["reason"]


def test_it_refuses_accepting_without_proposals_or_all(world, api_as):
    response = api_as(world.hr).post(run_url(world.run, "accept"), {})
    assert response.status_code == 400


def test_it_rejects_proposals(world, api_as):
    response = api_as(world.hr).post(
        run_url(world.run, "reject"), {"proposals": [world.proposal.pk]}
    )
    assert response.json() == {"rejected": 1}
    world.proposal.refresh_from_db()
    assert world.proposal.status == "rejected"


def test_it_refuses_another_coordinator_rejecting_with_404(world, api_as):
    url = run_url(world.run, "reject")
    assert api_as(world.other_hr).post(url, {"proposals": [world.proposal.pk]}).status_code == 404
    world.proposal.refresh_from_db()
    assert world.proposal.status == "proposed"


@pytest.mark.django_db
@pytest.mark.parametrize("lane", ["session", "token"])
def test_it_runs_accepts_and_publishes_through_the_services(
    hr_user, lane, django_capture_on_commit_callbacks
):
    skill = factories.SkillFactory(name="Kubernetes")
    prog = program(coordinators=[hr_user])
    mentor(prog, {skill: 5})
    mentee(prog, {skill: (1, 4)})
    mentee(prog, {skill: (2, 4)})
    client = ApiClient(hr_user, lane)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(RUNS, {"program": prog.slug})
    assert started.status_code == 201
    run = MatchingRun.objects.get(pk=started.json()["id"])
    if run.status != RunStatus.SUCCEEDED:  # no eager worker in this lane: run it here
        services.matching_run_execute(run_id=run.pk)
    detail = client.get(run_url(run)).json()
    assert detail["status"] == "succeeded" and detail["proposal_counts"]["proposed"] == 2
    proposals = results(client.get(PROPOSALS, {"run": run.pk, "ordering": "-score"}))
    assert all(p["explanation"] for p in proposals)
    accepted = client.post(run_url(run, "accept"), {"proposals": [p["id"] for p in proposals]})
    assert sorted(accepted.json()["accepted"]) == sorted(p["id"] for p in proposals)
    assert Mentorship.objects.filter(matching_run=run, status="proposed").count() == 2
    published = client.post(run_url(run, "publish"))
    assert published.json() == {"pairs": 2}
    run.refresh_from_db()
    assert run.published_at is not None
    assert client.post(run_url(run, "publish")).status_code == 400  # once


@pytest.mark.django_db
def test_it_lists_runs_and_proposals_in_a_constant_number_of_queries(
    hr_user, django_assert_max_num_queries
):
    prog = program(coordinators=[hr_user])
    for _ in range(5):
        run = MatchingRun.objects.create(
            program=prog, started_by=hr_user, status=RunStatus.SUCCEEDED
        )
    for _ in range(20):
        Proposal.objects.create(
            run=run,
            mentee=factories.UserFactory(),
            mentor=factories.UserFactory(),
            score=50,
            explanation=[["Skill fit", 50]],
        )
    client = ApiClient(hr_user, "session")
    client.get(RUNS)
    with django_assert_max_num_queries(6):
        assert len(results(client.get(RUNS))) == 5
    with django_assert_max_num_queries(6):
        assert len(results(client.get(PROPOSALS))) == 20
