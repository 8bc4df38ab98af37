"""Bad input to the goals, check-ins, outcomes, matching and metrics resources: a clear 400 (or
an empty answer), never a 500, on PostgreSQL and SQLite alike (SQLite can't bind an integer
above 2**63 - 1, so ids are checked before they reach the database)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.resources.helpers import ApiClient

ODD_NUMBERS = ["99999999999999999999999", "1e400", "NaN", "-1", "1.5", "Infinity", "0x10", "١"]
FILTERS = [
    ("api:goal-list", "mentorship", "mentee"),
    ("api:milestone-list", "goal", "mentee"),
    ("api:milestone-list", "mentorship", "mentee"),
    ("api:checkin-list", "mentorship", "mentee"),
    ("api:action-item-list", "checkin", "mentee"),
    ("api:outcome-event-list", "employee", "hr"),
    ("api:proposal-list", "run", "hr"),
    ("api:proposal-list", "min_score", "hr"),
    ("api:metrics-programs", "program", "hr"),
    ("api:metrics-programs", "department", "hr"),
]
HUGE = 10**30


@pytest.mark.parametrize(("name", "param", "who"), FILTERS)
def test_it_answers_an_odd_number_in_a_filter_without_an_error(world, name, param, who):
    client = ApiClient(getattr(world, who), "session")
    for value in ODD_NUMBERS:
        response = client.get(reverse(name), {param: value})
        assert response.status_code in (200, 400), (value, response.status_code)


def test_it_refuses_ids_too_large_for_the_database_in_a_goal(world):
    client = ApiClient(world.mentee, "token")
    skill = world.goal.skills.get().pk
    for body in (
        {"mentorship": HUGE, "title": "x", "skills": [skill]},
        {"mentorship": world.m.pk, "title": "x", "skills": [HUGE]},
    ):
        response = client.post(reverse("api:goal-list"), body)
        assert response.status_code == 400, response.content


def test_it_refuses_ids_too_large_for_the_database_in_a_check_in(world):
    client = ApiClient(world.mentee, "session")
    base = {"mentorship": world.m.pk, "date": "2026-01-01", "duration_minutes": 30}
    for extra in (
        {"goals": [HUGE]},
        {"milestones": [HUGE]},
        {"template": HUGE},
        {"skills": [HUGE]},
        {"action_items": [{"text": "a", "owner": HUGE, "due_date": "9999-12-31"}]},
    ):
        response = client.post(reverse("api:checkin-list"), {**base, "activity": "other", **extra})
        assert response.status_code == 400, (extra, response.content)


def test_it_refuses_huge_or_mixed_proposal_lists(world):
    client = ApiClient(world.hr, "session")
    accept = reverse("api:matching-run-accept", args=[world.run.pk])
    reject = reverse("api:matching-run-reject", args=[world.run.pk])
    for body in ({"proposals": [HUGE]}, {"proposals": [1], "all": True}, {"proposals": "1"}):
        assert client.post(accept, body).status_code == 400, body
    for body in ({"proposals": [HUGE]}, {"proposals": []}, {"proposals": "1"}):
        assert client.post(reject, body).status_code == 400, body


def test_it_refuses_a_rating_out_of_range_in_an_outcome_event(world):
    body = {
        "employee_email": world.mentee.email,
        "kind": "project_outcome",
        "occurred_on": "2026-01-01",
        "project_name": "Migration",
        "rating": HUGE,
    }
    response = ApiClient(world.hr, "session").post(reverse("api:outcome-event-list"), body)
    assert response.status_code == 400 and "rating" in response.json()["errors"]


def test_it_refuses_a_body_that_is_not_json(world):
    response = ApiClient(world.mentee, "session").client.post(
        reverse("api:goal-list"), data="title=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
