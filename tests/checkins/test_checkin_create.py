"""Logging a check-in: the one short form, its validation and who may use it."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from checkins.models import ActionItem, CheckIn, CheckInTemplate, Pulse
from tests import factories

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "date": date.today().isoformat(),
        "duration_minutes": "45",
        "activity": "troubleshooting",
        "private_notes": "We traced the DNS issue.",
        "next_steps": "Read the runbook",
        "next_meeting_date": (date.today() + timedelta(days=14)).isoformat(),
        "shared_summary": "DNS troubleshooting practice.",
        "pulse": "4",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "10",
    }
    data.update(overrides)
    return data


def url(pairing) -> str:
    return reverse("checkins:create", args=[pairing.pk])


def test_it_logs_a_check_in_with_action_items_and_the_authors_pulse(client_for, pairing, mentee):
    goal = factories.GoalFactory(mentorship=pairing)
    milestone = factories.MilestoneFactory(goal=goal)
    skill = factories.SkillFactory(name="DNS")
    response = client_for(mentee).post(
        url(pairing),
        form_data(
            **{
                "goals": [goal.pk],
                "milestones": [milestone.pk],
                "skills": [skill.pk],
                "items-0-text": "Write the postmortem",
                "items-0-owner": str(mentee.pk),
                "items-0-due_date": (date.today() + timedelta(days=7)).isoformat(),
            }
        ),
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get(mentorship=pairing)
    assert checkin.author == mentee
    assert checkin.private_notes == "We traced the DNS issue."
    assert list(checkin.goals.all()) == [goal]
    assert list(checkin.milestones.all()) == [milestone]
    assert list(checkin.skills.all()) == [skill]
    item = ActionItem.objects.get(checkin=checkin)
    assert (item.text, item.owner, item.mentorship) == ("Write the postmortem", mentee, pairing)
    assert Pulse.objects.get(checkin=checkin).user == mentee


def test_it_lets_the_mentor_log_too(client_for, pairing, mentor):
    response = client_for(mentor).post(url(pairing), form_data())
    assert response.status_code == 302
    assert CheckIn.objects.get().author == mentor


def test_it_shows_the_form_with_today_as_default(client_for, pairing, mentee):
    response = client_for(mentee).get(url(pairing))
    assert response.status_code == 200
    assert date.today().isoformat() in response.content.decode()


def test_it_refuses_a_future_date(client_for, pairing, mentee):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client_for(mentee).post(url(pairing), form_data(date=tomorrow))
    assert response.status_code == 200
    assert "can&#x27;t be in the future" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_refuses_a_next_meeting_before_the_check_in(client_for, pairing, mentee):
    before = (date.today() - timedelta(days=1)).isoformat()
    response = client_for(mentee).post(url(pairing), form_data(next_meeting_date=before))
    assert "The next meeting must be on or after" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_refuses_an_unreasonable_duration(client_for, pairing, mentee):
    response = client_for(mentee).post(url(pairing), form_data(duration_minutes="0"))
    assert response.status_code == 200
    assert response.context["form"].errors["duration_minutes"]
    assert not CheckIn.objects.exists()


def test_it_refuses_goals_of_another_mentorship(client_for, pairing, other_pairing, mentee):
    foreign = factories.GoalFactory(mentorship=other_pairing)
    response = client_for(mentee).post(url(pairing), form_data(goals=[foreign.pk]))
    assert response.context["form"].errors["goals"]
    assert not CheckIn.objects.exists()


def test_it_refuses_an_action_item_owned_by_an_outsider(client_for, pairing, mentee, stranger):
    response = client_for(mentee).post(
        url(pairing),
        form_data(
            **{
                "items-0-text": "Sneaky",
                "items-0-owner": str(stranger.pk),
            }
        ),
    )
    assert response.status_code == 200
    assert not CheckIn.objects.exists()


def test_it_asks_for_an_owner_next_to_the_action_item(client_for, pairing, mentee):
    response = client_for(mentee).post(url(pairing), form_data(**{"items-0-text": "Do a thing"}))
    assert "Choose who owns this item." in response.content.decode()
    assert not CheckIn.objects.exists()


def test_it_refuses_a_paused_mentorship(client_for, pairing, mentee):
    pairing.status = "paused"
    pairing.save()
    response = client_for(mentee).post(url(pairing), form_data())
    assert "only be logged while the mentorship is active" in response.content.decode()
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "hr_user", "boss"])
def test_it_refuses_anyone_but_the_two_participants(request, client_for, pairing, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(url(pairing)).status_code == 404
    assert client.post(url(pairing), form_data()).status_code == 404
    assert not CheckIn.objects.exists()


def test_it_redirects_anonymous_visitors_to_sign_in(client, pairing):
    response = client.get(url(pairing))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_prefills_the_agenda_from_a_template(client_for, pairing, mentee):
    template = CheckInTemplate.objects.get(program=None, name="Troubleshooting debrief")
    response = client_for(mentee).get(url(pairing), {"template": template.pk})
    form = response.context["form"]
    assert "First point of failure" in form["private_notes"].value()
    assert str(form["template"].value()) == str(template.pk)


def test_it_records_the_template_used(client_for, pairing, mentee):
    template = CheckInTemplate.objects.get(program=None, name="Career conversation")
    client_for(mentee).post(url(pairing), form_data(template=str(template.pk)))
    assert CheckIn.objects.get().template == template


def test_it_ignores_a_template_of_another_program(client_for, pairing, mentee):
    foreign = CheckInTemplate.objects.create(
        program=factories.ProgramFactory(), name="Other", agenda="OTHER-AGENDA"
    )
    response = client_for(mentee).get(url(pairing), {"template": foreign.pk})
    assert response.status_code == 200
    assert "OTHER-AGENDA" not in response.content.decode()


def test_it_ignores_a_garbage_template_parameter(client_for, pairing, mentee):
    response = client_for(mentee).get(url(pairing), {"template": "abc"})
    assert response.status_code == 200


def test_it_still_saves_when_the_template_was_retired_meanwhile(
    client_for, program, pairing, mentee
):
    template = CheckInTemplate.objects.create(
        program=program, name="Gone", agenda="x", is_retired=True
    )
    response = client_for(mentee).post(url(pairing), form_data(template=str(template.pk)))
    assert response.status_code == 302
    assert CheckIn.objects.get().template is None


def test_it_refuses_an_outsider_in_the_service_too(pairing, stranger):
    from django.core.exceptions import PermissionDenied

    from checkins.services import checkin_create

    with pytest.raises(PermissionDenied):
        checkin_create(
            mentorship=pairing,
            author=stranger,
            when=date.today(),
            duration_minutes=30,
            activity="other",
            skills=[],
            goals=[],
            milestones=[],
        )
    assert not CheckIn.objects.exists()


def test_it_offers_goals_and_milestones_by_their_titles(client_for, pairing, mentee):
    # Their __str__ is neutral ("Goal 3") for the admin; the participants still read titles.
    goal = factories.GoalFactory(mentorship=pairing, title="Own the deploy pipeline")
    factories.MilestoneFactory(goal=goal, title="First solo deploy")
    html = client_for(mentee).get(url(pairing)).content.decode()
    assert "Own the deploy pipeline" in html
    assert "First solo deploy" in html
    assert f"Goal {goal.pk}" not in html
