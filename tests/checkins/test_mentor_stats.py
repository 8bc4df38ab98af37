"""Mentor figures (hours, mentees, average pulse from mentees) and HR recognition notes."""

import pytest
from django.core import mail
from django.urls import reverse

from checkins.models import Recognition
from checkins.selectors import mentor_stats
from tests import factories
from tests.checkins.factories import CheckInFactory, PulseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_pairing(program, mentor):
    return factories.MentorshipFactory(program=program, mentor=mentor)


def url(user) -> str:
    return reverse("checkins:mentor_stats", args=[user.pk])


def test_it_sums_hours_mentees_and_the_mentees_average_pulse(
    pairing, second_pairing, mentor, program
):
    third = factories.MentorshipFactory(program=program, mentor=mentor)
    a = CheckInFactory(mentorship=pairing, duration_minutes=60)
    b = CheckInFactory(mentorship=second_pairing, duration_minutes=30)
    c = CheckInFactory(mentorship=third, duration_minutes=30)
    PulseFactory(checkin=a, user=pairing.mentee, score=5)
    PulseFactory(checkin=b, user=second_pairing.mentee, score=3)
    PulseFactory(checkin=c, user=third.mentee, score=4)
    PulseFactory(checkin=a, user=mentor, score=1)  # the mentor's own pulse doesn't count
    stats = mentor_stats(mentor.pk)
    assert (stats.hours, stats.mentees, stats.avg_pulse, stats.checkins) == (2.0, 3, 4.0, 3)


@pytest.mark.parametrize("who", ["mentor", "boss", "hr_user"])
def test_it_hides_the_average_pulse_of_fewer_than_three_mentees(
    request, client_for, pairing, second_pairing, mentor, who
):
    for m, score in ((pairing, 5), (second_pairing, 2)):
        for _ in range(2):  # four pulses, still two people
            PulseFactory(checkin=CheckInFactory(mentorship=m), user=m.mentee, score=score)
    assert mentor_stats(mentor.pk).avg_pulse is None
    html = client_for(request.getfixturevalue(who)).get(url(mentor)).content.decode()
    assert 'data-stat="pulse">—<' in html and "3.5/5" not in html


@pytest.mark.parametrize("who", ["mentor", "boss", "hr_user"])
def test_it_shows_the_figures_to_the_mentor_their_manager_and_hr(
    request, client_for, pairing, mentor, who
):
    CheckInFactory(mentorship=pairing, duration_minutes=90)
    response = client_for(request.getfixturevalue(who)).get(url(mentor))
    assert response.status_code == 200
    assert 'data-stat="hours">1.5<' in response.content.decode()


def test_it_shows_the_figures_to_a_manager_higher_up(client_for, pairing, mentor, boss):
    grand_boss = factories.UserFactory()
    boss.manager = grand_boss
    boss.save()
    assert client_for(grand_boss).get(url(mentor)).status_code == 200


@pytest.mark.parametrize("who", ["other_hr", "stranger", "mentee"])
def test_it_refuses_the_figures_to_others(request, client_for, pairing, mentor, who):
    assert client_for(request.getfixturevalue(who)).get(url(mentor)).status_code == 404


def test_it_sends_a_recognition_note_to_the_mentors_manager(
    client_for, pairing, mentor, boss, hr_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr_user).post(url(mentor), {"message": "Great onboarding work!"})
    assert response.status_code == 302
    note = Recognition.objects.get()
    assert (note.mentor, note.sent_by, note.sent_to) == (mentor, hr_user, boss)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [boss.email]
    assert "Great onboarding work!" in mail.outbox[0].body
    assert url(mentor) in mail.outbox[0].body


def test_it_asks_for_a_message(client_for, pairing, mentor, hr_user):
    response = client_for(hr_user).post(url(mentor), {"message": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["message"]
    assert not Recognition.objects.exists()


def test_it_explains_when_there_is_no_manager(client_for, pairing, mentor, hr_user):
    mentor.manager = None
    mentor.save()
    response = client_for(hr_user).post(url(mentor), {"message": "Thanks"})
    assert response.status_code == 200
    assert "no manager" in response.content.decode().lower()
    assert not Recognition.objects.exists()


@pytest.mark.parametrize("who", ["mentor", "boss"])
def test_it_refuses_recognition_from_non_hr(request, client_for, pairing, mentor, who):
    response = client_for(request.getfixturevalue(who)).post(url(mentor), {"message": "Me!"})
    assert response.status_code == 403
    assert not Recognition.objects.exists()
    assert mail.outbox == []


def test_it_refuses_recognition_from_hr_of_another_program(client_for, pairing, mentor, other_hr):
    response = client_for(other_hr).post(url(mentor), {"message": "Hi"})
    assert response.status_code == 404
    assert not Recognition.objects.exists()


def test_it_keeps_the_figures_queries_constant(
    client_for, program, mentor, hr_user, django_assert_max_num_queries
):
    client = client_for(hr_user)

    def add(n: int) -> None:
        for _ in range(n):
            m = factories.MentorshipFactory(program=program, mentor=mentor)
            PulseFactory(checkin=CheckInFactory(mentorship=m), user=m.mentee)

    add(3)
    with django_assert_max_num_queries(15) as three:
        client.get(url(mentor))
    add(17)
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(url(mentor))
    assert response.context["stats"].mentees == 20
