import pytest
from django.urls import reverse

from mentorships import services
from mentorships.models import Mentorship, ResetRequest
from tests import factories
from tests.mentorships.conftest import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(pairing, program, other_hr, stranger, hr_user):
    """Participant of the pairing, a manager outside the line, and HR of another program."""
    manager = factories.UserFactory()
    factories.UserFactory(manager=manager)
    factories.ProgramFactory(coordinators=[other_hr])
    return [pairing.mentee, manager, other_hr, stranger]


def test_it_lists_pairings_with_status_filter(client_for, hr_user, program, pairing):
    ended = services.mentorship_create(
        program=program, mentor=pairing.mentor, mentee=enrol(program), by=hr_user
    )
    services.mentorship_end(mentorship=ended, reason="other", by=hr_user)
    url = reverse("mentorships:program_pairings", args=[program.slug])
    body = client_for(hr_user).get(url, {"status": "ended"}).content.decode()
    assert str(ended.mentee) in body and str(pairing.mentee) not in body


def test_it_pages_the_pairings_by_the_status_counts(client_for, hr_user, program):
    factories.MentorshipFactory.create_batch(23, program=program)
    factories.MentorshipFactory.create_batch(3, program=program, status="paused")
    client = client_for(hr_user)
    url = reverse("mentorships:program_pairings", args=[program.slug])
    page = client.get(url, {"page": 2}).context["page"]
    assert (page.paginator.count, page.paginator.num_pages, len(page)) == (26, 2, 6)
    page = client.get(url, {"status": "paused"}).context["page"]
    assert (page.paginator.count, page.paginator.num_pages, len(page)) == (3, 1, 3)
    assert client.get(url, {"status": "ended"}).context["page"].paginator.count == 0


def test_it_keeps_the_pairings_list_queries_constant(
    client_for, hr_user, program, django_assert_max_num_queries
):
    client = client_for(hr_user)
    url = reverse("mentorships:program_pairings", args=[program.slug])

    def add(n: int) -> None:
        for _ in range(n):
            m = factories.MentorshipFactory(program=program)
            factories.MilestoneFactory(goal=factories.GoalFactory(mentorship=m))
            ResetRequest.objects.create(mentorship=m, raised_by=m.mentee, reason="x")

    add(3)
    # Session, user, program, status counts (also the pager's size) with capacity and
    # unpaired, the navigation's manager check, the page of rows; after a change, the figures
    # counted afresh and stored (two queries more), whatever the program's size.
    with django_assert_max_num_queries(8) as small:
        client.get(url)
    add(17)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    # Nothing changed: the stored figures, in one query.
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


def test_it_refuses_the_pairings_pages_to_others(client_for, program, refused):
    for user in refused:
        c = client_for(user)
        for name in ("program_pairings", "pairing_create"):
            assert c.get(reverse(f"mentorships:{name}", args=[program.slug])).status_code == 403


def test_it_pairs_two_people_by_hand(client_for, hr_user, program):
    mentor, mentee = enrol(program, role="mentor"), enrol(program)
    url = reverse("mentorships:pairing_create", args=[program.slug])
    response = client_for(hr_user).post(url, {"mentor": mentor.pk, "mentee": mentee.pk})
    assert response.status_code == 302
    m = Mentorship.objects.get()
    assert (m.mentor, m.mentee, m.source, m.created_by) == (mentor, mentee, "manual", hr_user)


def test_it_shows_the_services_refusal_on_the_form(client_for, hr_user, program):
    full = enrol(program, role="mentor", capacity=1)
    services.mentorship_create(program=program, mentor=full, mentee=enrol(program), by=hr_user)
    url = reverse("mentorships:pairing_create", args=[program.slug])
    assert "— 1/1 mentees" in client_for(hr_user).get(url).content.decode()
    response = client_for(hr_user).post(url, {"mentor": full.pk, "mentee": enrol(program).pk})
    assert response.status_code == 200
    assert "is at capacity: 1 of 1" in response.content.decode()
    assert Mentorship.objects.count() == 1


def test_it_offers_only_mentees_without_a_live_pairing(client_for, hr_user, program, pairing):
    url = reverse("mentorships:pairing_create", args=[program.slug])
    response = client_for(hr_user).post(
        url, {"mentor": enrol(program, role="mentor").pk, "mentee": pairing.mentee.pk}
    )
    assert "Select a valid choice" in response.content.decode()
    assert Mentorship.objects.count() == 1


def test_it_refuses_hand_pairing_by_others(client_for, program, refused):
    mentor, mentee = enrol(program, role="mentor"), enrol(program)
    url = reverse("mentorships:pairing_create", args=[program.slug])
    for user in refused:
        client_for(user).post(url, {"mentor": mentor.pk, "mentee": mentee.pk})
    assert not Mentorship.objects.filter(mentee=mentee).exists()


def test_it_shows_goal_titles_but_never_descriptions_to_hr(client_for, hr_user, pairing):
    goal = factories.GoalFactory(
        mentorship=pairing,
        title="Run the on-call rotation solo",
        description="SECRET-DESCRIPTION",
        success_measure="SECRET-MEASURE",
    )
    factories.MilestoneFactory(goal=goal, evidence="SECRET-EVIDENCE")
    body = client_for(hr_user).get(reverse("mentorships:hr_detail", args=[pairing.pk]))
    text = body.content.decode()
    assert body.status_code == 200 and "Run the on-call rotation solo" in text
    assert "SECRET" not in text


def test_it_refuses_the_hr_detail_to_others(client_for, pairing, refused):
    for user in refused:
        response = client_for(user).get(reverse("mentorships:hr_detail", args=[pairing.pk]))
        assert response.status_code in (403, 404)


@pytest.mark.parametrize(
    "action,data,status",
    [
        ("pause", {"reason": "Parental leave"}, "paused"),
        ("complete", {"reason": "Goals met"}, "completed"),
        ("end", {"end_reason": "left_company", "reason": "Left"}, "ended"),
    ],
)
def test_it_applies_hr_actions_with_a_reason(client_for, hr_user, pairing, action, data, status):
    url = reverse("mentorships:hr_action", args=[pairing.pk, action])
    assert "data-confirm" in client_for(hr_user).get(url).content.decode()
    assert client_for(hr_user).post(url, data).status_code == 302
    assert Mentorship.objects.get(pk=pairing.pk).status == status


def test_it_resumes_a_paused_pairing(client_for, hr_user, pairing):
    services.mentorship_pause(mentorship=pairing, reason="leave", by=hr_user)
    url = reverse("mentorships:hr_action", args=[pairing.pk, "resume"])
    client_for(hr_user).post(url, {"reason": "Back from leave"})
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"


def test_it_requires_a_reason_for_hr_actions(client_for, hr_user, pairing):
    for action in ("pause", "end", "reassign"):
        url = reverse("mentorships:hr_action", args=[pairing.pk, action])
        response = client_for(hr_user).post(url, {"reason": ""})
        assert response.status_code == 200
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"


def test_it_reassigns_from_the_hr_page(client_for, hr_user, program, pairing):
    new_mentor = enrol(program, role="mentor")
    url = reverse("mentorships:hr_action", args=[pairing.pk, "reassign"])
    response = client_for(hr_user).post(url, {"new_mentor": new_mentor.pk, "reason": "Time zones"})
    old = Mentorship.objects.get(pk=pairing.pk)
    assert response.status_code == 302 and old.replaced_by.mentor == new_mentor


def test_it_refuses_hr_actions_by_others(client_for, pairing, refused):
    for user in refused:
        for action in ("pause", "end"):
            url = reverse("mentorships:hr_action", args=[pairing.pk, action])
            response = client_for(user).post(url, {"reason": "x", "end_reason": "other"})
            assert response.status_code in (403, 404)
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"


def test_it_404s_an_unknown_action(client_for, hr_user, pairing):
    url = reverse("mentorships:hr_action", args=[pairing.pk, "explode"])
    assert client_for(hr_user).post(url).status_code == 404


def test_it_lists_open_reset_requests_only_for_my_programs(client_for, hr_user, other_hr, pairing):
    services.reset_request_create(
        mentorship=pairing, raised_by=pairing.mentee, reason="No chemistry"
    )
    assert (
        "No chemistry"
        in client_for(hr_user).get(reverse("mentorships:reset_queue")).content.decode()
    )
    assert (
        "No chemistry"
        not in client_for(other_hr).get(reverse("mentorships:reset_queue")).content.decode()
    )


def test_it_keeps_the_reset_queue_queries_constant(
    client_for, hr_user, program, django_assert_max_num_queries
):
    client = client_for(hr_user)

    def add(n: int) -> None:
        for _ in range(n):
            m = factories.MentorshipFactory(program=program)
            ResetRequest.objects.create(mentorship=m, raised_by=m.mentee, reason="x")

    add(2)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("mentorships:reset_queue"))
    add(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("mentorships:reset_queue"))


def test_it_resolves_a_reset_request_by_ending_the_pairing(client_for, hr_user, pairing):
    req = services.reset_request_create(
        mentorship=pairing, raised_by=pairing.mentor, reason="We never meet"
    )
    url = reverse("mentorships:reset_resolve", args=[req.pk])
    response = client_for(hr_user).post(url, {"action": "reset", "note": "Ended after a call"})
    assert response.status_code == 302
    assert Mentorship.objects.get(pk=pairing.pk).end_reason == "not_working"


def test_it_refuses_resolving_by_others(client_for, pairing, refused):
    req = services.reset_request_create(mentorship=pairing, raised_by=pairing.mentor, reason="x")
    url = reverse("mentorships:reset_resolve", args=[req.pk])
    for user in refused:
        response = client_for(user).post(url, {"action": "reset", "note": "x"})
        assert response.status_code in (403, 404)
    assert ResetRequest.objects.get(pk=req.pk).is_open
    assert Mentorship.objects.get(pk=pairing.pk).status == "active"


def test_it_shows_the_pairings_panel_on_the_manage_page(client_for, hr_user, program, pairing):
    services.reset_request_create(mentorship=pairing, raised_by=pairing.mentee, reason="x")
    body = client_for(hr_user).get(reverse("programs:manage", args=[program.slug]))
    text = body.content.decode()
    assert body.status_code == 200 and "Manage pairings" in text
    assert reverse("mentorships:reset_queue") in text


def test_it_reads_no_rows_for_a_status_without_pairings(
    client_for, hr_user, program, django_assert_max_num_queries
):
    factories.MentorshipFactory(program=program)
    client = client_for(hr_user)
    url = reverse("mentorships:program_pairings", args=[program.slug])
    client.get(url)
    with django_assert_max_num_queries(6) as listed:
        assert client.get(url, {"status": "active"}).context["page"].object_list
    with django_assert_max_num_queries(len(listed.captured_queries) - 1):
        response = client.get(url, {"status": "ended"})
    assert not response.context["page"].object_list
    assert "No pairings with this status." in response.content.decode()
