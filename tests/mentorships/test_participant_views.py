from datetime import date, timedelta

import pytest
from django.urls import reverse

from mentorships import services
from mentorships.models import Agreement, Goal, Milestone, ResetRequest
from tests import factories
from tests.mentorships.conftest import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_pairing(program, hr_user):
    """A participant of another mentorship in the same program: must be refused."""
    return services.mentorship_create(
        program=program, mentor=enrol(program, role="mentor"), mentee=enrol(program), by=hr_user
    )


@pytest.fixture
def outsiders(other_pairing, other_hr, stranger, program):
    manager = factories.UserFactory()  # a manager, but not of either participant
    factories.UserFactory(manager=manager)
    other_program = factories.ProgramFactory(coordinators=[other_hr])
    del other_program
    return [stranger, other_pairing.mentee, manager, other_hr]


def test_it_lists_my_mentorships_with_next_milestone_and_progress(client_for, pairing):
    goal = factories.GoalFactory(mentorship=pairing, title="Run the on-call rotation solo")
    factories.MilestoneFactory(
        goal=goal, title="Shadow two shifts", due_date=date.today() + timedelta(days=5)
    )
    factories.MilestoneFactory(goal=goal, done_at="2026-01-01T00:00Z")
    response = client_for(pairing.mentee).get(reverse("mentorships:mine"))
    body = response.content.decode()
    assert response.status_code == 200
    assert str(pairing.mentor) in body and "Shadow two shifts" in body and "1/2" in body


def test_it_shows_an_empty_state_without_mentorships(client_for, stranger):
    response = client_for(stranger).get(reverse("mentorships:mine"))
    assert "Join a program" in response.content.decode()


def test_it_keeps_my_mentorships_queries_constant(
    client_for, hr_user, django_assert_max_num_queries
):
    me = factories.UserFactory()
    client = client_for(me)

    def add_pairings(n: int) -> None:
        for _ in range(n):
            m = factories.MentorshipFactory(mentor=me)
            goal = factories.GoalFactory(mentorship=m)
            factories.MilestoneFactory.create_batch(2, goal=goal)

    add_pairings(3)
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("mentorships:mine"))
    add_pairings(15)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(reverse("mentorships:mine")).status_code == 200


def test_the_mentorship_page_queries_dont_change_with_goals_and_milestones(
    client_for, pairing, django_assert_max_num_queries
):
    client = client_for(pairing.mentee)

    def add_goals(n: int) -> None:
        for _ in range(n):
            goal = factories.GoalFactory(mentorship=pairing)
            factories.MilestoneFactory.create_batch(3, goal=goal)

    add_goals(1)
    with django_assert_max_num_queries(22) as small:
        assert client.get(pairing.get_absolute_url()).status_code == 200
    add_goals(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(pairing.get_absolute_url())
    assert response.content.decode().count('role="progressbar"') == 1 + 9


def test_it_shows_the_mentorship_page_to_both_participants(client_for, pairing):
    for user in (pairing.mentor, pairing.mentee):
        response = client_for(user).get(pairing.get_absolute_url())
        assert response.status_code == 200
        assert "{# checkins-timeline #}" not in response.content.decode()
        assert "Our agreement" in response.content.decode()


def test_it_hides_the_mentorship_page_from_everyone_else(client_for, pairing, outsiders, hr_user):
    for user in [*outsiders, hr_user]:
        assert client_for(user).get(pairing.get_absolute_url()).status_code == 404


def test_it_creates_the_missing_agreement_on_first_view(client_for):
    m = factories.MentorshipFactory()
    assert client_for(m.mentor).get(m.get_absolute_url()).status_code == 200
    assert Agreement.objects.filter(mentorship=m).exists()


def test_it_lets_both_sides_edit_and_confirm_the_agreement(client_for, pairing):
    url = reverse("mentorships:agreement_edit", args=[pairing.pk])
    data = {
        "meeting_frequency": "Weekly",
        "channel": "Teams",
        "confidentiality": "Private",
        "mentor_owns": "Reviews",
        "mentee_owns": "Agenda",
    }
    assert client_for(pairing.mentor).post(url, data).status_code == 302
    confirm = reverse("mentorships:agreement_confirm", args=[pairing.pk])
    client_for(pairing.mentor).post(confirm)
    client_for(pairing.mentee).post(confirm)
    agreement = Agreement.objects.get(mentorship=pairing)
    assert agreement.channel == "Teams" and agreement.is_confirmed


def test_it_refuses_agreement_changes_from_outsiders(client_for, pairing, outsiders):
    before = Agreement.objects.get(mentorship=pairing).channel
    for user in outsiders:
        c = client_for(user)
        assert (
            c.post(
                reverse("mentorships:agreement_edit", args=[pairing.pk]), {"channel": "hacked"}
            ).status_code
            == 404
        )
        assert (
            c.post(reverse("mentorships:agreement_confirm", args=[pairing.pk])).status_code == 404
        )
    agreement = Agreement.objects.get(mentorship=pairing)
    assert agreement.channel == before and agreement.mentor_confirmed_at is None


def test_it_sends_a_private_reset_request(client_for, pairing):
    url = reverse("mentorships:reset_request", args=[pairing.pk])
    response = client_for(pairing.mentee).post(url, {"reason": "We never find a slot"})
    assert response.status_code == 302
    assert ResetRequest.objects.get().reason == "We never find a slot"


def test_it_asks_for_a_reason_on_a_reset_request(client_for, pairing):
    url = reverse("mentorships:reset_request", args=[pairing.pk])
    response = client_for(pairing.mentee).post(url, {"reason": ""})
    assert response.status_code == 200 and "required" in response.content.decode()
    assert not ResetRequest.objects.exists()


def test_it_refuses_reset_requests_from_outsiders(client_for, pairing, outsiders):
    for user in outsiders:
        url = reverse("mentorships:reset_request", args=[pairing.pk])
        assert client_for(user).post(url, {"reason": "x"}).status_code == 404
    assert not ResetRequest.objects.exists()


def _goal_data(skill) -> dict:
    return {
        "title": "Pass AWS Solutions Architect Associate",
        "description": "Study plan",
        "success_measure": "Certificate",
        "target_date": "2027-03-01",
        "status": "in_progress",
        "skills": [skill.pk],
    }


def test_it_lets_the_mentee_add_a_goal_then_suggests_milestones(client_for, pairing):
    skill = factories.SkillFactory(name="AWS")
    response = client_for(pairing.mentee).post(
        reverse("mentorships:goal_create", args=[pairing.pk]), _goal_data(skill)
    )
    goal = Goal.objects.get()
    assert response.url == reverse("mentorships:milestones_add", args=[goal.pk])
    page = client_for(pairing.mentee).get(response.url).content.decode()
    assert "Checkpoint" in page and "monthly" in page


def test_it_refuses_goal_creation_by_the_mentor_and_outsiders(client_for, pairing, outsiders):
    skill = factories.SkillFactory()
    for user in [pairing.mentor, *outsiders]:
        url = reverse("mentorships:goal_create", args=[pairing.pk])
        assert client_for(user).post(url, _goal_data(skill)).status_code == 404
    assert not Goal.objects.exists()


def test_it_lets_the_mentor_edit_a_goal(client_for, pairing):
    goal = factories.GoalFactory(mentorship=pairing)
    skill = factories.SkillFactory()
    response = client_for(pairing.mentor).post(
        reverse("mentorships:goal_edit", args=[goal.pk]), _goal_data(skill)
    )
    assert response.status_code == 302
    assert Goal.objects.get(pk=goal.pk).title == "Pass AWS Solutions Architect Associate"


def test_it_refuses_goal_edits_from_outsiders(client_for, pairing, outsiders, hr_user):
    goal = factories.GoalFactory(mentorship=pairing, title="Original")
    skill = factories.SkillFactory()
    for user in [*outsiders, hr_user]:
        url = reverse("mentorships:goal_edit", args=[goal.pk])
        assert client_for(user).post(url, _goal_data(skill)).status_code == 404
    assert Goal.objects.get(pk=goal.pk).title == "Original"


def test_it_adds_milestones_from_the_rows(client_for, pairing):
    goal = factories.GoalFactory(mentorship=pairing)
    data = {
        "ms-TOTAL_FORMS": "3",
        "ms-INITIAL_FORMS": "0",
        "ms-0-title": "Shadow a shift",
        "ms-0-due_date": "2027-01-10",
        "ms-1-title": "Lead a shift",
        "ms-1-due_date": "2027-02-10",
        "ms-2-title": "",
        "ms-2-due_date": "",
    }
    url = reverse("mentorships:milestones_add", args=[goal.pk])
    assert client_for(pairing.mentee).post(url, data).status_code == 302
    assert list(goal.milestones.values_list("title", flat=True)) == [
        "Shadow a shift",
        "Lead a shift",
    ]


def test_it_shows_a_field_error_for_a_milestone_without_date(client_for, pairing):
    goal = factories.GoalFactory(mentorship=pairing)
    data = {
        "ms-TOTAL_FORMS": "1",
        "ms-INITIAL_FORMS": "0",
        "ms-0-title": "Shadow a shift",
        "ms-0-due_date": "",
    }
    url = reverse("mentorships:milestones_add", args=[goal.pk])
    response = client_for(pairing.mentee).post(url, data)
    assert "Give this milestone a due date." in response.content.decode()
    assert not Milestone.objects.exists()


def test_it_marks_a_milestone_done_and_undoes_it(client_for, pairing):
    ms = factories.MilestoneFactory(goal=factories.GoalFactory(mentorship=pairing))
    client_for(pairing.mentee).post(
        reverse("mentorships:milestone_done", args=[ms.pk]), {"evidence": "https://wiki/runbook"}
    )
    ms.refresh_from_db()
    assert ms.is_done and ms.evidence == "https://wiki/runbook"
    client_for(pairing.mentor).post(reverse("mentorships:milestone_undo", args=[ms.pk]))
    ms.refresh_from_db()
    assert not ms.is_done


def test_it_refuses_milestone_changes_from_outsiders(client_for, pairing, outsiders, hr_user):
    ms = factories.MilestoneFactory(goal=factories.GoalFactory(mentorship=pairing))
    for user in [*outsiders, hr_user]:
        c = client_for(user)
        assert c.post(reverse("mentorships:milestone_done", args=[ms.pk])).status_code == 404
        assert (
            c.post(
                reverse("mentorships:milestones_add", args=[ms.goal_id]),
                {"ms-TOTAL_FORMS": "0", "ms-INITIAL_FORMS": "0"},
            ).status_code
            == 404
        )
    ms.refresh_from_db()
    assert not ms.is_done and Milestone.objects.count() == 1


def test_it_sends_anonymous_visitors_to_login(client, pairing):
    response = client.get(pairing.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_it_tells_only_the_one_who_asked_about_their_open_reset_request(client_for, pairing):
    ResetRequest.objects.create(mentorship=pairing, raised_by=pairing.mentee, reason="No time")
    asked = client_for(pairing.mentee).get(pairing.get_absolute_url()).content.decode()
    other = client_for(pairing.mentor).get(pairing.get_absolute_url()).content.decode()
    assert "You told HR on" in asked and "Tell HR this isn't working" not in asked
    assert "You told HR on" not in other and "Tell HR this isn't working" in other


def test_it_offers_a_new_reset_request_once_the_last_is_resolved(client_for, pairing):
    from django.utils import timezone

    ResetRequest.objects.create(
        mentorship=pairing, raised_by=pairing.mentee, reason="x", resolved_at=timezone.now()
    )
    body = client_for(pairing.mentee).get(pairing.get_absolute_url()).content.decode()
    assert "You told HR on" not in body and "Tell HR this isn't working" in body


def test_the_mentorship_page_reads_a_fixed_number_of_queries_with_checkins(
    client_for, pairing, django_assert_num_queries
):
    """Session, user; the pairing; its goals, their milestones, their skills; the health
    with the next meeting; five check-ins (the viewer's pulse on the same query; here naming
    no skill, goal or milestone, so no query for those); the action items (open ones and the
    shown check-ins'); the learning panel's certification goals and resources for the goals'
    skills (levels, completions, resources: the skills are the goals'). The navigation's
    manager check is kept in the session."""
    from checkins import services as checkin_services
    from checkins.models import ActionItem, CheckIn, Pulse

    goal = factories.GoalFactory(mentorship=pairing)
    goal.skills.set([factories.SkillFactory()])
    factories.MilestoneFactory.create_batch(2, goal=goal)
    for n in range(7):
        c = CheckIn.objects.create(
            mentorship=pairing,
            author=pairing.mentee,
            date=date.today() - timedelta(days=3 * n),
            duration_minutes=30,
            activity="other",
        )
        Pulse.objects.create(checkin=c, user=pairing.mentee, score=4)
        ActionItem.objects.create(checkin=c, mentorship=pairing, text="Do", owner=pairing.mentor)
    checkin_services.health_sweep(today=date.today())
    client = client_for(pairing.mentee)
    client.get(pairing.get_absolute_url())
    with django_assert_num_queries(13):
        response = client.get(pairing.get_absolute_url())
    assert response.content.decode().count("data-checkin=") == 5
