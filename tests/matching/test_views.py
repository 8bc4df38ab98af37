import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchingRun, PairRule, ProgramWeights, Proposal
from mentorships.models import Mentorship
from outbox.models import OutgoingEmail
from tests import factories

from .helpers import mentee, mentor, program

pytestmark = pytest.mark.django_db


@pytest.fixture
def skill():
    return factories.SkillFactory(name="Kubernetes")


@pytest.fixture
def prog(hr_user):
    return program(coordinators=[hr_user])


def _people(prog, skill, mentors=2, mentees=3):
    ms = [mentor(prog, {skill: 5}) for _ in range(mentors)]
    es = [mentee(prog, {skill: (1, 4)}) for _ in range(mentees)]
    return ms, es


def _finished_run(prog, hr_user, capture) -> MatchingRun:
    with capture(execute=True):
        run = services.matching_run_start(program=prog, by=hr_user)
    run.refresh_from_db()
    return run


def test_it_starts_a_run_from_the_manage_page(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _people(prog, skill)
    client = client_for(hr_user)
    page = client.get(reverse("programs:manage", args=[prog.slug]))
    assert b"Start a matching run" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:start", args=[prog.slug]), {"mode": "max_matched"})
    run = MatchingRun.objects.get(program=prog)
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert run.status == "succeeded"


def test_it_shows_why_a_second_start_is_refused(prog, hr_user, client_for):
    services.matching_run_start(program=prog, by=hr_user)
    client = client_for(hr_user)
    response = client.post(reverse("matching:start", args=[prog.slug]), follow=True)
    assert "already in progress" in response.content.decode()
    assert MatchingRun.objects.filter(program=prog).count() == 1


def test_it_polls_while_the_run_is_queued(prog, hr_user, client_for):
    run = services.matching_run_start(program=prog, by=hr_user)
    client = client_for(hr_user)
    page = client.get(run.get_absolute_url()).content.decode()
    assert reverse("matching:run_status", args=[run.pk]) in page and "data-poll-reload" in page
    fragment = client.get(reverse("matching:run_status", args=[run.pk])).content.decode()
    assert "data-poll-done" not in fragment
    MatchingRun.objects.filter(pk=run.pk).update(status="succeeded")
    fragment = client.get(reverse("matching:run_status", args=[run.pk])).content.decode()
    assert "data-poll-done" in fragment


def test_it_shows_the_result_with_explanations(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _people(prog, skill)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    page = client_for(hr_user).get(run.get_absolute_url()).content.decode()
    assert "Kubernetes: offers 5, wants 4 from 1" in page
    assert "Fairness" in page and "Accept all" in page


@pytest.mark.parametrize("who", ["stranger", "other_hr"])
def test_it_refuses_everyone_but_coordinators(
    who, request, prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _people(prog, skill)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = run.proposals.first()
    rule = PairRule.objects.create(
        program=prog, mentee=proposal.mentee, mentor=proposal.mentor, kind="pin"
    )
    client = client_for(request.getfixturevalue(who))
    # Refusal policy (docs/security.md): program pages 403; a run, proposal or rule of another
    # program is 404 to HR (its existence is private) and 403 to someone without the HR role.
    other = 404 if who == "other_hr" else 403
    gets = [
        (reverse("matching:runs", args=[prog.slug]), 403),
        (run.get_absolute_url(), other),
        (reverse("matching:run_status", args=[run.pk]), other),
        (reverse("matching:weights", args=[prog.slug]), 403),
        (reverse("matching:rules", args=[prog.slug]), 403),
        (reverse("matching:swap", args=[proposal.pk]), other),
    ]
    for url, status in gets:
        assert client.get(url).status_code == status, url
    posts = [
        (reverse("matching:start", args=[prog.slug]), 403),
        (reverse("matching:accept", args=[run.pk]), other),
        (reverse("matching:publish", args=[run.pk]), other),
        (reverse("matching:rule_delete", args=[rule.pk]), other),
        (reverse("matching:weights", args=[prog.slug]), 403),
    ]
    for url, status in posts:
        assert client.post(url, {"all": "1", "skill_fit": 1}).status_code == status, url
    assert MatchingRun.objects.filter(program=prog).count() == 1
    assert not Mentorship.objects.exists()
    assert PairRule.objects.filter(pk=rule.pk).exists()
    assert not ProgramWeights.objects.exists()


def test_it_accepts_selected_proposals(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _people(prog, skill)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    chosen = run.proposals.first()
    response = client_for(hr_user).post(
        reverse("matching:accept", args=[run.pk]),
        {"proposal": [chosen.pk], "selected": "1"},
        follow=True,
    )
    assert "1 pair(s) accepted" in response.content.decode()
    assert Proposal.objects.get(pk=chosen.pk).status == "accepted"
    assert Mentorship.objects.filter(matching_run=run).count() == 1


def test_it_asks_to_tick_something_before_accepting_selected(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _people(prog, skill)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    response = client_for(hr_user).post(
        reverse("matching:accept", args=[run.pk]), {"selected": "1"}, follow=True
    )
    assert "Tick at least one proposal" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_it_swaps_through_the_form_and_shows_errors(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    ms, es = _people(prog, skill, mentors=2, mentees=1)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    proposal = run.proposals.get()
    other = next(m for m in ms if m.pk != proposal.mentor_id)
    client = client_for(hr_user)
    url = reverse("matching:swap", args=[proposal.pk])
    assert other.full_name in client.get(url).content.decode()
    bad = client.post(url, {"mentor": "999999"})
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert client.post(url, {"mentor": other.pk}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).mentor_id == other.pk


def test_it_publishes_from_the_run_page(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _people(prog, skill, mentors=1, mentees=1)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    services.proposals_accept(run=run, proposal_ids=None, by=hr_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_user).post(reverse("matching:publish", args=[run.pk]), follow=True)
    assert "Published: 1 mentorship(s)" in response.content.decode()
    assert Mentorship.objects.get(matching_run=run).status == "active"


def test_it_validates_the_weights_form(prog, hr_user, client_for):
    client = client_for(hr_user)
    url = reverse("matching:weights", args=[prog.slug])
    data = {
        "skill_fit": 50,
        "career_goal": 10,
        "communication": 10,
        "experience": 10,
        "availability": 10,
        "diversity": 10,
        "load_penalty": "5,3",
        "objective": "max_score",
    }
    response = client.post(url, data)
    assert "at least the one before it" in response.content.decode()
    assert not ProgramWeights.objects.exists()
    response = client.post(url, {**data, "load_penalty": "1,3"})
    assert response.status_code == 302
    saved = ProgramWeights.objects.get(program=prog)
    assert (saved.skill_fit, saved.penalty(), saved.objective) == (50, (1, 3), "max_score")


def test_it_refuses_all_zero_weights(prog, hr_user, client_for):
    names = ["skill_fit", "career_goal", "communication", "experience", "availability", "diversity"]
    response = client_for(hr_user).post(
        reverse("matching:weights", args=[prog.slug]),
        {**dict.fromkeys(names, 0), "load_penalty": "", "objective": "max_matched"},
    )
    assert response.context["form"].non_field_errors() == [
        "At least one weight must be above zero."
    ]
    assert not ProgramWeights.objects.exists()


def test_it_adds_and_removes_pair_rules(prog, hr_user, skill, client_for):
    ms, es = _people(prog, skill, mentors=1, mentees=1)
    client = client_for(hr_user)
    url = reverse("matching:rules", args=[prog.slug])
    assert (
        client.post(url, {"mentee": es[0].pk, "mentor": ms[0].pk, "kind": "forbid"}).status_code
        == 302
    )
    again = client.post(url, {"mentee": es[0].pk, "mentor": ms[0].pk, "kind": "pin"})
    assert "already a rule" in again.content.decode()
    rule = PairRule.objects.get()
    client.post(reverse("matching:rule_delete", args=[rule.pk]))
    assert not PairRule.objects.exists()


def test_it_refuses_a_pair_rule_between_one_person_and_themselves(hr_user, skill, client_for):
    prog = program(format="peer", coordinators=[hr_user])
    peer = mentee(prog, {skill: (2, 4)}, role="peer")
    response = client_for(hr_user).post(
        reverse("matching:rules", args=[prog.slug]),
        {"mentee": peer.pk, "mentor": peer.pk, "kind": "forbid"},
    )
    assert response.status_code == 200
    # The service's rule, shown on the form.
    assert response.context["form"].non_field_errors() == ["Choose two different people."]
    assert not PairRule.objects.exists()


def _runs(prog, hr_user, count):
    for _ in range(count):
        MatchingRun.objects.create(program=prog, started_by=hr_user, status="succeeded")


def test_it_lists_runs_in_constant_queries(
    prog, hr_user, client_for, django_assert_max_num_queries
):
    client = client_for(hr_user)
    url = reverse("matching:runs", args=[prog.slug])
    _runs(prog, hr_user, 3)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200
    _runs(prog, hr_user, 20)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_it_shows_a_run_in_constant_queries(
    hr_user, skill, client_for, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    small, big = program(coordinators=[hr_user]), program(coordinators=[hr_user])
    _people(small, skill, mentors=2, mentees=3)
    _people(big, skill, mentors=8, mentees=20)
    client = client_for(hr_user)
    for prog in (small, big):
        run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
        services.proposals_accept(run=run, proposal_ids=[run.proposals.first().pk], by=hr_user)
        # 20: the page also checks the alternatives' places now and counts those left.
        with django_assert_max_num_queries(20):
            assert client.get(run.get_absolute_url()).status_code == 200


def test_it_rejects_selected_proposals_and_frees_their_place(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    ms, es = _people(prog, skill, mentors=1, mentees=2)
    ms[0].enrolments.filter(program=prog).update(capacity=1)
    extra = mentor(prog, {skill: 5}, capacity=1)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    first, second = run.proposals.order_by("id")
    client = client_for(hr_user)
    response = client.post(
        reverse("matching:accept", args=[run.pk]),
        {"proposal": [second.pk], "reject": "1"},
        follow=True,
    )
    assert "1 proposal(s) rejected" in response.content.decode()
    assert Proposal.objects.get(pk=second.pk).status == "rejected"
    candidates = services.swap_candidates(proposal=first)
    assert [c["mentor_id"] for c in candidates] == [second.mentor_id]
    assert not Mentorship.objects.exists()
    assert extra.pk in (first.mentor_id, second.mentor_id)


def _published(prog, hr_user, capture, client) -> MatchingRun:
    run = _finished_run(prog, hr_user, capture)
    services.proposals_accept(run=run, proposal_ids=None, by=hr_user)
    with capture(execute=True):
        response = client.post(reverse("matching:publish", args=[run.pk]))
    assert response.status_code == 302
    return run


def test_it_publishes_at_once_while_the_mail_server_is_down(
    prog, hr_user, skill, client_for, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.FailingBackend"
    client = client_for(hr_user)
    _people(prog, skill, mentors=1, mentees=1)
    run = _published(prog, hr_user, django_capture_on_commit_callbacks, client)
    assert Mentorship.objects.get(matching_run=run).status == "active"
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"pending"}
    page = client.get(run.get_absolute_url()).content.decode()
    assert "0 of 2 emails sent, 2 waiting" in page
    assert "not taking emails" in page and "nothing is lost" in page
    assert reverse("matching:run_emails", args=[run.pk]) in page  # polled while waiting


def test_it_shows_a_refused_email_and_sends_it_again_on_request(
    prog, hr_user, skill, client_for, settings, django_capture_on_commit_callbacks
):
    from tests.reminders.failing_backend import RefusingBackend

    client = client_for(hr_user)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.RefusingBackend"
    (the_mentor,), _ = _people(prog, skill, mentors=1, mentees=1)
    RefusingBackend.refused = {the_mentor.email}
    try:
        run = _published(prog, hr_user, django_capture_on_commit_callbacks, client)
    finally:
        RefusingBackend.refused = set()
    fragment = client.get(reverse("matching:run_emails", args=[run.pk])).content.decode()
    assert "1 of 2 emails sent, <strong>1 refused</strong>" in fragment
    assert "data-poll-done" in fragment and "Send the 1 refused email again" in fragment
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:emails_retry", args=[run.pk]), follow=True)
    assert "1 refused email(s) will be sent again" in response.content.decode()
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert "2 of 2 emails sent." in client.get(run.get_absolute_url()).content.decode()


def test_it_accepts_all_on_the_worker_and_shows_how_far_it_got(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _people(prog, skill, mentors=2, mentees=3)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    client = client_for(hr_user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("matching:accept", args=[run.pk]), {"all": "1"}, follow=True)
    page = response.content.decode()
    assert "Accepting 3 proposal(s)" in page and "3 still to check" in page
    assert reverse("matching:run_accepting", args=[run.pk]) in page
    assert "Publish 0" not in page and not Mentorship.objects.exists()
    refused = client.post(reverse("matching:publish", args=[run.pk]), follow=True)
    assert "still being accepted" in refused.content.decode()
    for callback in queued:  # the worker's turn
        callback()
    assert set(run.proposals.values_list("status", flat=True)) == {"accepted"}
    assert Mentorship.objects.filter(matching_run=run, status="proposed").count() == 3
    fragment = client.get(reverse("matching:run_accepting", args=[run.pk])).content.decode()
    assert "data-poll-done" in fragment
    assert "Publish 3 accepted pair(s)" in client.get(run.get_absolute_url()).content.decode()


def test_it_shows_why_accept_all_left_a_proposal_open(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _, es = _people(prog, skill, mentors=1, mentees=1)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    factories.MentorshipFactory(
        program=prog, mentor=factories.UserFactory(), mentee=es[0], status="active"
    )
    client = client_for(hr_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:accept", args=[run.pk]), {"all": "1"})
    proposal = run.proposals.get()
    assert proposal.status == "proposed" and "already has a live mentorship" in proposal.refusal
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Not accepted:" in page and "already has a live mentorship" in page


def test_it_answers_a_publish_before_the_worker_activates_the_pairs(
    prog, hr_user, skill, client_for, django_capture_on_commit_callbacks
):
    _people(prog, skill, mentors=1, mentees=1)
    run = _finished_run(prog, hr_user, django_capture_on_commit_callbacks)
    services.proposals_accept(run=run, proposal_ids=None, by=hr_user)
    client = client_for(hr_user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("matching:publish", args=[run.pk]), follow=True)
    page = response.content.decode()
    assert "Published: 1 mentorship(s)" in page and "Activating 1 pair" in page
    assert reverse("matching:run_emails", args=[run.pk]) in page
    assert Mentorship.objects.get(matching_run=run).status == "proposed"
    for callback in queued:  # the worker's turn
        callback()
    assert Mentorship.objects.get(matching_run=run).status == "active"
    assert services.run_publish_activate(run_id=run.pk, by_id=hr_user.pk) == 0  # run again
    assert OutgoingEmail.objects.filter(batch=f"run:{run.pk}").count() == 2
