"""A directory provisions 1,000 people with their managers over real HTTP, then one leaves."""

import time

import pytest
from django.contrib.auth import get_user_model
from httpx2 import Client

from mentorships.models import EndReason, Mentorship
from people.models import Department
from scim.services import LEFT_NOTE, token_create
from tests import factories
from tests.scim.conftest import PATCH, user_payload

User = get_user_model()
# Slow (a thousand requests; a conformance run): left out of `make test-fast`.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
PEOPLE = 1000
BOUND_SECONDS = 600  # on a shared two-core machine; the figure is printed and reported


def test_it_provisions_a_thousand_people_with_managers_then_deactivates_one(
    live_server, capsys, settings
):
    # A company provisioning over SCIM signs in through its identity provider: no password
    # invitations (with them on and no broker, each request also sends its email inline).
    settings.SCIM_INVITE_NEW_PEOPLE = False
    _, raw = token_create(name="Directory", by=None)
    http = Client(
        base_url=f"{live_server.url}/scim/v2",
        timeout=60,
        headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/scim+json"},
    )
    ids: list[str] = []
    started = time.monotonic()
    with http:
        for i in range(PEOPLE):
            # A tree: person i reports to person (i - 1) // 10, created before them.
            manager = ids[(i - 1) // 10] if i else None
            payload = user_payload(
                f"person{i}@corp.example",
                display=f"Person {i}",
                department=f"Unit {i % 20}",
                manager=manager,
                externalId=f"ext-{i}",
            )
            response = http.post("/Users", json=payload)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        elapsed = time.monotonic() - started
        listed = http.get("/Users", params={"filter": 'userName sw "person"', "count": 0})
        assert listed.json()["totalResults"] == PEOPLE

        leaver = User.objects.get(pk=int(ids[1]))
        live = [
            factories.MentorshipFactory(mentor=leaver),
            factories.MentorshipFactory(mentee=leaver),
        ]
        started_deactivation = time.monotonic()
        response = http.patch(
            f"/Users/{leaver.pk}",
            json={
                "schemas": [PATCH],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            },
        )
        deactivation = time.monotonic() - started_deactivation
    assert response.status_code == 200, response.text
    with capsys.disabled():
        print(
            f"\nSCIM: provisioned {PEOPLE} people with managers over HTTP in {elapsed:.1f} s "
            f"({PEOPLE / elapsed:.0f}/s); deactivating one with 2 live mentorships took "
            f"{deactivation * 1000:.0f} ms"
        )
    assert elapsed < BOUND_SECONDS
    assert User.objects.filter(email__endswith="@corp.example").count() == PEOPLE
    assert Department.objects.filter(name__startswith="Unit ").count() == 20
    last = User.objects.get(pk=int(ids[-1]))
    assert last.manager_id == int(ids[(PEOPLE - 2) // 10])
    leaver.refresh_from_db()
    assert leaver.is_active is False
    for mentorship in Mentorship.objects.filter(pk__in=[m.pk for m in live]):
        assert mentorship.status == "ended" and mentorship.end_reason == EndReason.LEFT_COMPANY
        assert mentorship.end_note == LEFT_NOTE
    # Their reports keep them as manager: the reporting line is history, not deleted.
    assert User.objects.filter(manager=leaver).count() == 10
