"""The timeline: newest first, open action items, next check-in due, ticking items."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from checkins.models import ActionItem
from tests.checkins.factories import ActionItemFactory, CheckInFactory

pytestmark = pytest.mark.django_db


def test_it_lists_check_ins_newest_first(client_for, pairing, mentee):
    old = CheckInFactory(mentorship=pairing, date=date.today() - timedelta(days=20))
    new = CheckInFactory(mentorship=pairing, date=date.today() - timedelta(days=1))
    response = client_for(mentee).get(reverse("checkins:timeline", args=[pairing.pk]))
    assert [c.pk for c in response.context["checkins"]] == [new.pk, old.pk]


def test_it_shows_when_the_next_check_in_is_due(client_for, pairing, mentee):
    CheckInFactory(mentorship=pairing, date=date.today() - timedelta(days=4))
    response = client_for(mentee).get(reverse("checkins:timeline", args=[pairing.pk]))
    due = date.today() + timedelta(days=10)
    assert response.context["health"].next_due_on == due
    assert "Next check-in due" in response.content.decode()


def test_it_shows_open_action_items_on_the_mentorship_page(client_for, pairing, mentor):
    ActionItemFactory(checkin=CheckInFactory(mentorship=pairing), text="Rotate the keys")
    response = client_for(mentor).get(reverse("mentorships:detail", args=[pairing.pk]))
    html = response.content.decode()
    assert "Open action items" in html
    assert "Rotate the keys" in html


def test_it_shows_an_empty_state_that_says_what_to_do(client_for, pairing, mentee):
    html = client_for(mentee).get(reverse("checkins:timeline", args=[pairing.pk])).content.decode()
    assert "No check-ins yet" in html
    assert reverse("checkins:create", args=[pairing.pk]) in html


def test_it_paginates_long_timelines(client_for, pairing, mentee):
    for n in range(12):
        CheckInFactory(mentorship=pairing, date=date.today() - timedelta(days=n + 1))
    client = client_for(mentee)
    url = reverse("checkins:timeline", args=[pairing.pk])
    assert len(client.get(url).context["checkins"]) == 10
    assert len(client.get(url, {"page": 2}).context["checkins"]) == 2


def test_it_keeps_the_timeline_queries_constant(
    client_for, pairing, mentee, django_assert_max_num_queries
):
    client = client_for(mentee)
    url = reverse("checkins:timeline", args=[pairing.pk])

    def add(n: int) -> None:
        for _ in range(n):
            ActionItemFactory(checkin=CheckInFactory(mentorship=pairing))

    add(3)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    add(17)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_it_ticks_and_unticks_an_action_item(client_for, pairing, mentor):
    item = ActionItemFactory(checkin=CheckInFactory(mentorship=pairing))
    url = reverse("checkins:action_toggle", args=[item.pk])
    client = client_for(mentor)
    assert client.post(url, {"done": "on"}).status_code == 302
    item.refresh_from_db()
    assert item.done_at is not None
    client.post(url, {})
    item.refresh_from_db()
    assert item.done_at is None


def test_it_keeps_the_first_completion_time_on_a_double_click(client_for, pairing, mentee):
    item = ActionItemFactory(checkin=CheckInFactory(mentorship=pairing))
    url = reverse("checkins:action_toggle", args=[item.pk])
    client = client_for(mentee)
    client.post(url, {"done": "on"})
    first = ActionItem.objects.get(pk=item.pk).done_at
    client.post(url, {"done": "on"})
    assert ActionItem.objects.get(pk=item.pk).done_at == first


def test_it_returns_to_the_page_the_item_was_ticked_on(client_for, pairing, mentee):
    item = ActionItemFactory(checkin=CheckInFactory(mentorship=pairing))
    back = reverse("mentorships:detail", args=[pairing.pk])
    response = client_for(mentee).post(
        reverse("checkins:action_toggle", args=[item.pk]), {"done": "on", "next": back}
    )
    assert response["Location"] == back


def test_it_does_not_redirect_off_site(client_for, pairing, mentee):
    item = ActionItemFactory(checkin=CheckInFactory(mentorship=pairing))
    response = client_for(mentee).post(
        reverse("checkins:action_toggle", args=[item.pk]),
        {"done": "on", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("checkins:timeline", args=[pairing.pk])


@pytest.mark.parametrize("who", ["hr_user", "boss", "stranger"])
def test_it_refuses_ticking_to_outsiders(request, client_for, pairing, who):
    item = ActionItemFactory(checkin=CheckInFactory(mentorship=pairing))
    response = client_for(request.getfixturevalue(who)).post(
        reverse("checkins:action_toggle", args=[item.pk]), {"done": "on"}
    )
    assert response.status_code == 404
    assert ActionItem.objects.get(pk=item.pk).done_at is None


def test_it_refuses_get_on_the_toggle(client_for, pairing, mentee):
    item = ActionItemFactory(checkin=CheckInFactory(mentorship=pairing))
    response = client_for(mentee).get(reverse("checkins:action_toggle", args=[item.pk]))
    assert response.status_code == 405
