"""Check-ins and action items through the API: private notes to the pair only, own pulses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from checkins.models import ActionItem, CheckIn, Pulse
from tests.api.resources.helpers import ApiClient, ids, results
from tests.factories import MentorshipFactory
from tests.site.access_world import OTHER_PRIVATE_NOTE, PRIVATE_NOTE

CHECKINS = reverse("api:checkin-list")
ITEMS = reverse("api:action-item-list")
THIRD_PARTIES = ["other_mentee", "other_mentor", "hr", "other_hr", "line_manager"]


def checkin_url(checkin) -> str:
    return reverse("api:checkin-detail", args=[checkin.pk])


def new_checkin(world, **extra) -> dict:
    return {
        "mentorship": world.m.pk,
        "date": date.today().isoformat(),
        "duration_minutes": 30,
        "activity": "code_review",
        "private_notes": "Talked about the promotion case",
        "shared_summary": "Reviewed a pull request together.",
        **extra,
    }


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_it_shows_the_pair_their_check_ins_with_private_notes(world, api_as, who):
    client = api_as(getattr(world, who))
    [row] = results(client.get(CHECKINS))
    assert row["id"] == world.checkin.pk and row["private_notes"] == PRIVATE_NOTE
    assert [item["text"] for item in row["action_items"]] == ["Read the runbook"]
    detail = client.get(checkin_url(world.checkin))
    assert detail.status_code == 200 and detail.json()["private_notes"] == PRIVATE_NOTE


@pytest.mark.parametrize("who", THIRD_PARTIES)
def test_it_never_gives_a_third_user_a_check_in_or_its_private_notes(world, api_as, who):
    client = api_as(getattr(world, who))
    listed = client.get(CHECKINS)
    assert world.checkin.pk not in ids(listed)
    detail = client.get(checkin_url(world.checkin))
    items = client.get(ITEMS)
    item = client.get(reverse("api:action-item-detail", args=[world.action_item.pk]))
    assert detail.status_code == 404 and item.status_code == 404
    for response in (listed, detail, items, item):
        assert PRIVATE_NOTE not in response.content.decode()
    if who not in ("other_mentee", "other_mentor"):
        assert OTHER_PRIVATE_NOTE not in listed.content.decode()


def test_it_shows_each_side_only_their_own_pulse(world, api_as):
    # The mentee gave 4 when logging; the mentor gives 2.
    Pulse.objects.create(checkin=world.checkin, user=world.mentor, score=2)
    assert results(api_as(world.mentee).get(CHECKINS))[0]["my_pulse"] == 4
    assert results(api_as(world.mentor).get(CHECKINS))[0]["my_pulse"] == 2
    detail = api_as(world.mentee).get(checkin_url(world.checkin)).json()
    assert detail["my_pulse"] == 4 and "pulses" not in detail


def test_it_logs_a_check_in_with_action_items_and_a_pulse(world, api_as):
    body = new_checkin(
        world,
        goals=[world.goal.pk],
        milestones=[world.milestone.pk],
        action_items=[{"text": "Book the next review", "owner": world.mentor.pk}],
        pulse=5,
        next_meeting_date=(date.today() + timedelta(days=14)).isoformat(),
    )
    response = api_as(world.mentor).post(CHECKINS, body)
    assert response.status_code == 201, response.json()
    checkin = CheckIn.objects.get(pk=response.json()["id"])
    assert (checkin.author_id, checkin.private_notes, checkin.duration_minutes) == (
        world.mentor.pk,
        "Talked about the promotion case",
        30,
    )
    assert list(checkin.goals.values_list("pk", flat=True)) == [world.goal.pk]
    item = ActionItem.objects.get(checkin=checkin)
    assert (item.text, item.owner_id, item.mentorship_id) == (
        "Book the next review",
        world.mentor.pk,
        world.m.pk,
    )
    assert Pulse.objects.get(checkin=checkin, user=world.mentor).score == 5
    assert response.json()["my_pulse"] == 5


def test_it_answers_404_when_logging_a_check_in_for_another_pair(world, api_as):
    count = CheckIn.objects.count()
    assert api_as(world.other_mentee).post(CHECKINS, new_checkin(world)).status_code == 404
    assert api_as(world.hr).post(CHECKINS, new_checkin(world)).status_code == 404
    assert CheckIn.objects.count() == count


def test_it_refuses_another_pairs_goal_exactly_like_a_missing_one(world, api_as):
    client = api_as(world.mentee)
    foreign = client.post(CHECKINS, new_checkin(world, goals=[world.goal2.pk]))
    missing = client.post(CHECKINS, new_checkin(world, goals=[10**9]))
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json()
    assert "goals" in foreign.json()["errors"]


def test_it_refuses_an_action_item_owner_outside_the_pair(world, api_as):
    body = new_checkin(world, action_items=[{"text": "Do it", "owner": world.hr.pk}])
    response = api_as(world.mentee).post(CHECKINS, body)
    assert response.status_code == 400 and "action_items" in response.json()["errors"]


def test_it_refuses_a_check_in_in_the_future_with_the_services_message(world, api_as):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = api_as(world.mentee).post(CHECKINS, new_checkin(world, date=tomorrow))
    assert response.status_code == 400
    assert response.json()["errors"]["date"] == ["A check-in can't be in the future."]


def test_it_refuses_a_check_in_without_the_required_fields(world, api_as):
    response = api_as(world.mentee).post(CHECKINS, {"mentorship": world.m.pk})
    assert response.status_code == 400
    assert {"date", "duration_minutes", "activity"} <= set(response.json()["errors"])


def test_it_changes_ones_own_pulse_and_refuses_one_out_of_range(world, api_as):
    url = reverse("api:checkin-pulse", args=[world.checkin.pk])
    client = api_as(world.mentee)
    assert client.post(url, {"score": 6}).status_code == 400
    response = client.post(url, {"score": 2})
    assert response.status_code == 200 and response.json() == {
        "checkin": world.checkin.pk,
        "score": 2,
    }
    assert Pulse.objects.get(checkin=world.checkin, user=world.mentee).score == 2
    assert api_as(world.other_mentee).post(url, {"score": 1}).status_code == 404


def test_it_ticks_off_an_action_item_and_opens_it_again(world, api_as):
    url = reverse("api:action-item-done", args=[world.action_item.pk])
    client = api_as(world.mentor)
    assert client.post(url, {}).status_code == 400  # `done` is required
    assert client.post(url, {"done": True}).json()["done"] is True
    world.action_item.refresh_from_db()
    assert world.action_item.done_at is not None
    assert ids(client.get(ITEMS, {"done": "false"})) == []
    assert client.post(url, {"done": False}).json()["done"] is False
    world.action_item.refresh_from_db()
    assert world.action_item.done_at is None


def test_it_refuses_another_pair_ticking_off_an_action_item_with_404(world, api_as):
    url = reverse("api:action-item-done", args=[world.action_item.pk])
    assert api_as(world.other_mentee).post(url, {"done": True}).status_code == 404
    world.action_item.refresh_from_db()
    assert world.action_item.done_at is None


def test_it_filters_check_ins_by_date_and_mentorship(world, api_as):
    client = api_as(world.mentee)
    today = date.today().isoformat()
    assert ids(client.get(CHECKINS, {"date_after": today, "mentorship": world.m.pk})) == [
        world.checkin.pk
    ]
    assert ids(client.get(CHECKINS, {"date_before": "2000-01-01"})) == []
    bad = client.get(CHECKINS, {"date_after": "yesterday"})
    assert bad.status_code == 400 and "date_after" in bad.json()["errors"]


def test_it_needs_the_checkins_scope(world):
    reader = ApiClient(world.mentee, "token", scopes=("goals:write",))
    assert reader.get(CHECKINS).status_code == 403
    assert (
        ApiClient(world.mentee, "token", scopes=("checkins:read",))
        .post(CHECKINS, new_checkin(world))
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_it_lists_check_ins_in_a_constant_number_of_queries(django_assert_max_num_queries):
    mentorship = MentorshipFactory(started_on=date.today() - timedelta(days=60))
    for day in range(15):
        checkin = CheckIn.objects.create(
            mentorship=mentorship,
            author=mentorship.mentee,
            date=date.today() - timedelta(days=day),
            duration_minutes=30,
            activity="other",
            private_notes="Notes",
        )
        ActionItem.objects.create(
            checkin=checkin, mentorship=mentorship, text="Item", owner=mentorship.mentor
        )
        Pulse.objects.create(checkin=checkin, user=mentorship.mentee, score=3)
    client = ApiClient(mentorship.mentee, "session")
    client.get(CHECKINS)
    with django_assert_max_num_queries(10):
        rows = results(client.get(CHECKINS))
    assert len(rows) == 15 and all(r["my_pulse"] == 3 for r in rows)
    with django_assert_max_num_queries(6):
        assert len(results(client.get(ITEMS))) == 15
