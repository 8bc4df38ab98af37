"""Outcome events through the API: HR coordinators only, recorded with the page's rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from metrics.models import OutcomeEvent
from tests.api.resources.helpers import ApiClient, ids, results
from tests.factories import HRFactory, UserFactory
from tests.site.access_world import OUTCOME_NOTE

EVENTS = reverse("api:outcome-event-list")


def promotion(world, **extra) -> dict:
    return {
        "employee_email": world.mentor.email,
        "kind": "promotion",
        "occurred_on": date.today().isoformat(),
        "from_role": "Engineer",
        "to_role": "Staff engineer",
        **extra,
    }


@pytest.mark.parametrize("who", ["hr", "other_hr"])
def test_it_lists_outcome_events_to_every_hr_coordinator(world, api_as, who):
    [row] = results(api_as(getattr(world, who)).get(EVENTS))
    assert row["id"] == world.outcome.pk and row["note"] == OUTCOME_NOTE
    assert row["employee"] == {
        "id": world.mentee.pk,
        "email": world.mentee.email,
        "full_name": world.mentee.full_name,
    }


@pytest.mark.parametrize(
    "who", ["mentee", "mentor", "other_mentee", "line_manager", "former_hr", "privacy_officer"]
)
def test_it_refuses_outcome_events_to_anyone_without_the_hr_role_with_403(world, api_as, who):
    client = api_as(getattr(world, who))
    count = OutcomeEvent.objects.count()
    for response in (
        client.get(EVENTS),
        client.get(reverse("api:outcome-event-detail", args=[world.outcome.pk])),
        client.get(reverse("api:outcome-event-detail", args=[10**9])),
        client.post(EVENTS, promotion(world)),
    ):
        assert response.status_code == 403
        assert OUTCOME_NOTE not in response.content.decode()
    assert OutcomeEvent.objects.count() == count


def test_it_records_an_event_through_the_service(world, api_as):
    response = api_as(world.hr).post(EVENTS, promotion(world, note="Well deserved"))
    assert response.status_code == 201, response.json()
    event = OutcomeEvent.objects.get(pk=response.json()["id"])
    assert (event.employee_id, event.kind, event.to_role, event.recorded_by_id) == (
        world.mentor.pk,
        "promotion",
        "Staff engineer",
        world.hr.pk,
    )


def test_it_refuses_the_same_event_twice(world, api_as):
    client = api_as(world.hr)
    assert client.post(EVENTS, promotion(world)).status_code == 201
    again = client.post(EVENTS, promotion(world))
    assert again.status_code == 400 and "already recorded" in again.json()["detail"]


def test_it_applies_the_pages_rules_for_each_kind(world, api_as):
    client = api_as(world.hr)
    certification = promotion(world, kind="certification")
    response = client.post(EVENTS, certification)
    assert response.status_code == 400
    assert {"certification_name", "certification_issuer"} <= set(response.json()["errors"])
    departure = client.post(EVENTS, promotion(world, kind="departure", voluntary=False))
    assert departure.status_code == 201, departure.json()
    assert OutcomeEvent.objects.get(pk=departure.json()["id"]).voluntary is False


def test_it_refuses_an_unknown_employee(world, api_as):
    response = api_as(world.hr).post(EVENTS, promotion(world, employee_email="nobody@example.com"))
    assert response.status_code == 400 and "employee_email" in response.json()["errors"]


def test_it_filters_events_by_kind_employee_and_dates(world, api_as):
    client = api_as(world.hr)
    today = date.today()
    assert ids(client.get(EVENTS, {"kind": "promotion"})) == [world.outcome.pk]
    assert ids(client.get(EVENTS, {"kind": "departure"})) == []
    assert ids(client.get(EVENTS, {"q": "mentee@access"})) == [world.outcome.pk]
    assert ids(client.get(EVENTS, {"employee": world.mentor.pk})) == []
    later = (today + timedelta(days=1)).isoformat()
    assert ids(client.get(EVENTS, {"occurred_after": later})) == []
    assert client.get(EVENTS, {"occurred_after": "soon"}).status_code == 400


@pytest.mark.django_db
def test_it_lists_events_in_a_constant_number_of_queries(django_assert_max_num_queries):
    hr = HRFactory()
    for n in range(20):
        OutcomeEvent.objects.create(
            employee=UserFactory(), kind="promotion", occurred_on=date.today() - timedelta(days=n)
        )
    client = ApiClient(hr, "session")
    client.get(EVENTS)
    with django_assert_max_num_queries(6):
        assert len(results(client.get(EVENTS))) == OutcomeEvent.objects.count() >= 20
