"""Private notes reach the two participants only; each side sees only their own pulse."""

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from checkins.models import CheckIn, Pulse
from tests import factories
from tests.checkins.conftest import SECRET
from tests.checkins.factories import CheckInFactory, PulseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkin(pairing):
    return CheckInFactory(mentorship=pairing, author=pairing.mentee)


def pages(pairing) -> list[str]:
    return [
        reverse("checkins:timeline", args=[pairing.pk]),
        reverse("mentorships:detail", args=[pairing.pk]),
    ]


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_it_shows_the_notes_to_both_participants(request, client_for, pairing, checkin, who):
    client = client_for(request.getfixturevalue(who))
    for url in pages(pairing):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET in response.content.decode(), url


def test_it_marks_pages_with_notes_no_store(client_for, pairing, checkin, mentee):
    response = client_for(mentee).get(reverse("checkins:timeline", args=[pairing.pk]))
    assert SECRET in response.content.decode()
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["hr_user", "boss", "stranger", "other_participant"])
def test_it_never_shows_the_notes_to_anyone_else(
    request, client_for, pairing, other_pairing, checkin, who
):
    user = other_pairing.mentee if who == "other_participant" else request.getfixturevalue(who)
    client = client_for(user)
    for url in [*pages(pairing), reverse("checkins:hr_summaries", args=[pairing.pk])]:
        response = client.get(url)
        assert SECRET not in response.content.decode(), (who, url)
    assert client.get(reverse("checkins:timeline", args=[pairing.pk])).status_code == 404


def test_it_never_shows_the_notes_to_a_superuser_browsing_the_site(client_for, pairing, checkin):
    admin_user = factories.UserFactory(is_staff=True, is_superuser=True, is_hr_coordinator=True)
    pairing.program.coordinators.add(admin_user)
    client = client_for(admin_user)
    for url in [
        *pages(pairing),
        reverse("checkins:hr_summaries", args=[pairing.pk]),
        reverse("admin:checkins_checkin_changelist"),
        reverse("admin:checkins_checkin_change", args=[checkin.pk]),
        reverse("admin:checkins_checkin_changelist") + "?q=SECRET",
    ]:
        response = client.get(url)
        assert SECRET not in response.content.decode(), url


def test_it_leaves_notes_out_of_the_admin_form():
    request = RequestFactory().get("/")
    request.user = factories.UserFactory.build(is_staff=True, is_superuser=True)
    # The registered admin: the site wraps every ModelAdmin it registers (admin_privacy).
    admin = site._registry[CheckIn]
    assert "private_notes" not in admin.get_form(request).base_fields
    assert "private_notes" not in admin.get_search_fields(request)
    assert "private_notes" not in admin.get_list_display(request)


def test_it_shows_hr_the_shared_summary_only(client_for, pairing, checkin, hr_user):
    PulseFactory(checkin=checkin, user=pairing.mentee, score=1)
    response = client_for(hr_user).get(reverse("checkins:hr_summaries", args=[pairing.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Worked through the deploy pipeline." in html
    assert SECRET not in html
    assert "data-own-pulse" not in html
    row = response.context["page"].object_list[0]
    assert set(row) == {"id", "date", "activity", "duration_minutes", "shared_summary"}


# HR of another program: 404 (the pairing is private); not HR at all: 403 (an HR page).
@pytest.mark.parametrize(
    ("who", "status"), [("other_hr", 404), ("boss", 403), ("stranger", 403), ("mentee", 403)]
)
def test_it_refuses_the_hr_summaries_to_others(request, client_for, pairing, checkin, who, status):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("checkins:hr_summaries", args=[pairing.pk])
    )
    assert response.status_code == status


def test_it_shows_each_side_only_their_own_pulse(client_for, pairing, checkin, mentor, mentee):
    PulseFactory(checkin=checkin, user=mentee, score=2)
    PulseFactory(checkin=checkin, user=mentor, score=5)
    url = reverse("checkins:timeline", args=[pairing.pk])
    assert client_for(mentee).get(url).context["own_pulses"] == {checkin.pk: 2}
    assert client_for(mentor).get(url).context["own_pulses"] == {checkin.pk: 5}
    html = client_for(mentee).get(url).content.decode()
    assert "data-own-pulse>2<" in html
    assert "data-own-pulse>5<" not in html


def test_it_lets_the_other_side_rate_a_check_in_later(client_for, pairing, checkin, mentor):
    response = client_for(mentor).post(reverse("checkins:pulse", args=[checkin.pk]), {"score": "3"})
    assert response.status_code == 302
    assert Pulse.objects.get(checkin=checkin, user=mentor).score == 3


def test_it_updates_rather_than_duplicates_a_pulse(client_for, checkin, mentee):
    client = client_for(mentee)
    client.post(reverse("checkins:pulse", args=[checkin.pk]), {"score": "3"})
    client.post(reverse("checkins:pulse", args=[checkin.pk]), {"score": "5"})
    assert list(Pulse.objects.values_list("score", flat=True)) == [5]


def test_it_refuses_a_pulse_out_of_range(client_for, checkin, mentee):
    client_for(mentee).post(reverse("checkins:pulse", args=[checkin.pk]), {"score": "9"})
    assert not Pulse.objects.exists()


@pytest.mark.parametrize("who", ["hr_user", "stranger", "boss"])
def test_it_refuses_a_pulse_from_outsiders(request, client_for, checkin, who):
    response = client_for(request.getfixturevalue(who)).post(
        reverse("checkins:pulse", args=[checkin.pk]), {"score": "3"}
    )
    assert response.status_code == 404
    assert not Pulse.objects.exists()


def test_it_keeps_the_hr_summaries_queries_constant(
    client_for, pairing, hr_user, django_assert_max_num_queries
):
    client = client_for(hr_user)
    url = reverse("checkins:hr_summaries", args=[pairing.pk])
    for _ in range(3):
        CheckInFactory(mentorship=pairing)
    with django_assert_max_num_queries(15) as three:
        client.get(url)
    for _ in range(17):
        CheckInFactory(mentorship=pairing)
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 20
