"""Deliveries to a real HTTP receiver on loopback that checks every signature."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import Event, OutgoingEmail
from outbox.services import event_record
from tests.factories import ProgramFactory
from webhooks.models import Delivery, DeliveryStatus, Endpoint
from webhooks.services import (
    deliveries_send_due,
    endpoint_send_test,
    events_fan_out,
)

pytestmark = pytest.mark.django_db


def _event(program, kind="mentorship.created", **data):
    return event_record(kind=kind, program_id=program.pk if program else None, data=data)


def test_it_sends_a_signed_event_with_a_stable_id(program, receiver, endpoint_for) -> None:
    endpoint_for(receiver, program)
    event = _event(program, mentorship={"id": 7})
    assert events_fan_out() == 1
    result = deliveries_send_due()
    assert result.delivered == 1
    [got] = receiver.received
    assert got.valid_signature
    assert got.headers["Tandem-Event-Id"] == str(event.id)
    assert got.headers["Tandem-Event"] == "mentorship.created"
    assert got.json == {
        "id": str(event.id),
        "type": "mentorship.created",
        "created_at": event.occurred_at.isoformat(),
        "program_id": program.pk,
        "data": {"mentorship": {"id": 7}},
    }
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert '"answer": 200' in delivery.last_response


def test_it_sends_only_the_chosen_events_of_its_program_and_global_ones(
    program, receiver, endpoint_for
) -> None:
    mine = endpoint_for(receiver, program, events=["checkin.logged"])
    everything = endpoint_for(receiver, None, events=["checkin.logged", "mentorship.created"])
    other = ProgramFactory()
    _event(program, "checkin.logged")
    _event(program, "mentorship.created")
    _event(other, "checkin.logged")
    events_fan_out()
    assert mine.deliveries.count() == 1
    assert sorted(everything.deliveries.values_list("kind", flat=True)) == [
        "checkin.logged",
        "checkin.logged",
        "mentorship.created",
    ]


def test_it_makes_one_delivery_per_endpoint_and_event_when_fanned_out_twice(
    program, receiver, endpoint_for
) -> None:
    endpoint_for(receiver, program)
    event = _event(program)
    events_fan_out()
    Event.objects.filter(pk=event.pk).update(fanned_out_at=None)  # as if a worker died
    events_fan_out()
    assert Delivery.objects.count() == 1


def test_it_retries_a_500_with_exponential_backoff_and_the_same_event_id(
    program, receiver, endpoint_for, settings
) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 30
    endpoint_for(receiver, program)
    receiver.answers = [500, 503]
    _event(program)
    events_fan_out()

    before = timezone.now()
    assert deliveries_send_due().failed == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code == 500
    assert timedelta(seconds=29) < delivery.next_attempt_at - before < timedelta(seconds=32)
    assert deliveries_send_due().failed == 0, "not due yet"

    Delivery.objects.update(next_attempt_at=timezone.now())
    before = timezone.now()
    deliveries_send_due()
    delivery.refresh_from_db()
    assert delivery.last_status_code == 503
    assert timedelta(seconds=59) < delivery.next_attempt_at - before < timedelta(seconds=62)

    Delivery.objects.update(next_attempt_at=timezone.now())
    assert deliveries_send_due().delivered == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert len(set(receiver.event_ids())) == 1, "every retry carries the same event id"
    assert all(r.valid_signature for r in receiver.received)


def test_it_retries_after_a_receiver_that_does_not_answer_in_time(
    program, receiver, endpoint_for, settings
) -> None:
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    settings.WEBHOOK_RETRY_SECONDS = 0
    receiver.answers = ["timeout"]
    receiver.timeout_sleep = 2.0
    endpoint_for(receiver, program)
    _event(program)
    events_fan_out()
    assert deliveries_send_due().failed == 1
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and "timeout" in delivery.last_error
    assert deliveries_send_due().delivered == 1


def test_it_retries_a_receiver_that_is_down(program, receiver, endpoint_for, settings) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 0
    endpoint_for(receiver, program)
    receiver.stop()
    _event(program)
    events_fan_out()
    assert deliveries_send_due().failed == 1
    assert "Could not connect" in Delivery.objects.get().last_error


def test_it_gives_up_after_the_last_attempt(program, receiver, endpoint_for, settings) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 0
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 100
    receiver.answers = [500] * 10
    endpoint_for(receiver, program)
    _event(program)
    events_fan_out()
    for _ in range(5):
        deliveries_send_due()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert len(receiver.received) == 3


def test_it_pauses_an_endpoint_failing_in_a_row_and_tells_its_hr_once(
    program, receiver, endpoint_for, settings
) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 0
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 3
    receiver.answers = [500] * 10
    endpoint = endpoint_for(receiver, program)
    for _ in range(5):
        _event(program)
    events_fan_out()
    deliveries_send_due()
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert "3 failed deliveries in a row" in endpoint.paused_reason
    assert len(receiver.received) == 3, "nothing is sent once paused"
    [email] = OutgoingEmail.objects.filter(kind="webhooks.paused")
    assert email.to == "webhooks.hr@example.com"
    assert endpoint.url in email.body
    assert deliveries_send_due().failed == 0
    assert Delivery.objects.filter(status="pending").count() == 5, "they wait for the resume"


def test_a_success_resets_the_failure_count(program, receiver, endpoint_for, settings) -> None:
    settings.WEBHOOK_RETRY_SECONDS = 0
    settings.WEBHOOK_PAUSE_AFTER_FAILURES = 3
    receiver.answers = [500, 500, 200, 500]
    endpoint = endpoint_for(receiver, program)
    for _ in range(4):
        _event(program)
    events_fan_out()
    deliveries_send_due()
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert endpoint.consecutive_failures == 1, "two failures, a success, one failure"


def test_it_does_not_send_a_delivery_another_worker_holds(program, receiver, endpoint_for) -> None:
    endpoint_for(receiver, program)
    _event(program)
    events_fan_out()
    Delivery.objects.update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert deliveries_send_due().delivered == 0
    # The claim of a worker that died expires, and the delivery goes (at least once).
    Delivery.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert deliveries_send_due().delivered == 1
    assert len(receiver.received) == 1


def test_it_refuses_a_private_address_unless_allowed(
    program, receiver, endpoint_for, settings
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    endpoint_for(receiver, program)
    _event(program)
    events_fan_out()
    assert deliveries_send_due().failed == 1
    assert "private or reserved address" in Delivery.objects.get().last_error
    assert receiver.received == []


def test_it_sends_a_test_event_to_one_endpoint(program, receiver, endpoint_for) -> None:
    endpoint = endpoint_for(receiver, program, events=["checkin.logged"])
    endpoint_send_test(endpoint=endpoint, by=program.coordinators.get())
    deliveries_send_due()
    [got] = receiver.received
    assert got.valid_signature and got.json["type"] == "ping"


def test_a_paused_endpoint_gets_no_deliveries_until_resumed(
    program, receiver, endpoint_for
) -> None:
    endpoint = endpoint_for(receiver, program, is_active=False)
    _event(program)
    events_fan_out()
    assert deliveries_send_due().delivered == 0
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=True)
    assert deliveries_send_due().delivered == 1
