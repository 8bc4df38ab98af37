"""The endpoint pages: who may manage what, plain errors for bad input, confirmation."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import HRFactory, ProgramFactory, UserFactory
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

EVENTS = ["mentorship.created", "checkin.logged"]  # in the order of the choices


def _hr(program):
    return program.coordinators.get()


def _create(client, program, **data):
    return client.post(
        reverse("webhooks:create"),
        {
            "program": str(program.pk) if program else "",
            "url": "https://hooks.example.com/in",
            "description": "BI",
            "events": EVENTS,
            **data,
        },
    )


def test_it_registers_an_endpoint_with_a_generated_secret(program, client_for) -> None:
    response = _create(client_for(_hr(program)), program)
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("webhooks:detail", args=[endpoint.pk])
    assert (endpoint.program, endpoint.events, endpoint.created_by) == (
        program,
        EVENTS,
        _hr(program),
    )
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = client_for(_hr(program)).get(response.url)
    assert endpoint.secret in page.content.decode()
    assert AuditEvent.objects.filter(action="webhooks.endpoint_created").exists()


@pytest.mark.parametrize(
    "url",
    ["ftp://hooks.example.com/in", "javascript:alert(1)", "file:///etc/passwd", "http://", "x"],
)
def test_it_refuses_an_address_that_is_not_http_or_https(program, client_for, url) -> None:
    response = _create(client_for(_hr(program)), program, url=url)
    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert not Endpoint.objects.exists()


def test_it_refuses_credentials_in_the_url(program, client_for) -> None:
    response = _create(client_for(_hr(program)), program, url="https://u:p@hooks.example.com/")
    assert "user name and password" in str(response.context["form"].errors)


def test_it_needs_at_least_one_event(program, client_for) -> None:
    response = _create(client_for(_hr(program)), program, events=[])
    assert response.status_code == 200 and "events" in response.context["form"].errors


def test_it_offers_only_the_programs_the_coordinator_coordinates(program, client_for) -> None:
    other = ProgramFactory()
    response = _create(client_for(_hr(program)), other)
    assert response.status_code == 200
    assert "program" in response.context["form"].errors
    assert not Endpoint.objects.exists()


def test_only_staff_register_an_endpoint_for_every_program(program, client_for) -> None:
    response = _create(client_for(_hr(program)), None)
    assert "program" in response.context["form"].errors
    staff = UserFactory(is_staff=True)
    assert _create(client_for(staff), None).status_code == 302
    assert Endpoint.objects.get().program is None


def test_another_coordinator_gets_a_404_and_an_employee_a_403(
    program, receiver, endpoint_for, client_for
) -> None:
    endpoint = endpoint_for(receiver, program)
    other_hr = HRFactory()
    for name in ("detail", "edit", "delete"):
        url = reverse(f"webhooks:{name}", args=[endpoint.pk])
        assert client_for(other_hr).get(url).status_code == 404
        assert client_for(UserFactory()).get(url).status_code == 403
    assert (
        client_for(other_hr).post(reverse("webhooks:delete", args=[endpoint.pk])).status_code == 404
    )
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()
    assert client_for(UserFactory()).get(reverse("webhooks:index")).status_code == 403


def test_the_list_shows_only_the_endpoints_one_manages(
    program, receiver, endpoint_for, client_for
) -> None:
    mine = endpoint_for(receiver, program, description="MINE")
    endpoint_for(receiver, ProgramFactory(), description="THEIRS")
    endpoint_for(receiver, None, description="GLOBAL")
    page = client_for(_hr(program)).get(reverse("webhooks:index")).content.decode()
    assert "MINE" in page and "THEIRS" not in page and "GLOBAL" not in page
    assert reverse("webhooks:detail", args=[mine.pk]) in page


def test_it_asks_before_deleting(program, receiver, endpoint_for, client_for) -> None:
    endpoint = endpoint_for(receiver, program)
    client = client_for(_hr(program))
    url = reverse("webhooks:delete", args=[endpoint.pk])
    assert "Delete the endpoint" in client.get(url).content.decode()
    assert Endpoint.objects.filter(pk=endpoint.pk).exists()
    assert client.post(url).status_code == 302
    assert not Endpoint.objects.filter(pk=endpoint.pk).exists()


def test_resuming_a_paused_endpoint_resets_its_failures(
    program, receiver, endpoint_for, client_for
) -> None:
    endpoint = endpoint_for(
        receiver, program, is_active=False, consecutive_failures=10, paused_reason="Paused"
    )
    old_secret = endpoint.secret
    response = client_for(_hr(program)).post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"url": endpoint.url, "events": EVENTS, "active": "on", "rotate_secret": "on"},
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.paused_reason) == (
        True,
        0,
        "",
    )
    assert endpoint.secret != old_secret
    assert endpoint.events == EVENTS


def test_send_test_event_queues_a_ping(program, receiver, endpoint_for, client_for) -> None:
    endpoint = endpoint_for(receiver, program)
    response = client_for(_hr(program)).post(reverse("webhooks:test", args=[endpoint.pk]))
    assert response.status_code == 302
    assert Delivery.objects.get(endpoint=endpoint).kind == "ping"


def test_the_delivery_log_shows_the_last_answer(
    program, receiver, endpoint_for, client_for
) -> None:
    from webhooks.services import deliveries_send_due, endpoint_send_test

    endpoint = endpoint_for(receiver, program)
    receiver.answers = [502]
    endpoint_send_test(endpoint=endpoint, by=_hr(program))
    deliveries_send_due()
    page = client_for(_hr(program)).get(reverse("webhooks:detail", args=[endpoint.pk]))
    text = page.content.decode()
    assert "502" in text and "Answered 502." in text and "&quot;answer&quot;: 502" in text


def test_the_list_and_the_log_take_a_fixed_number_of_queries(
    program, receiver, endpoint_for, client_for, django_assert_max_num_queries
) -> None:
    from webhooks.services import endpoint_send_test

    endpoints = [endpoint_for(receiver, program) for _ in range(30)]
    for _ in range(30):
        endpoint_send_test(endpoint=endpoints[0], by=_hr(program))
    client = client_for(_hr(program))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("webhooks:index")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("webhooks:detail", args=[endpoints[0].pk])).status_code == 200
