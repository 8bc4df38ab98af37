"""Real Celery workers on Redis and PostgreSQL deliver to a real receiver: each event once."""

import uuid

import pytest
from kombu.exceptions import OperationalError

from outbox import services as outbox_services
from outbox.services import EventData, events_record
from tests.conftest import WorkerHandle
from tests.factories import HRFactory, ProgramFactory
from webhooks.models import Delivery

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SWEEP = "webhooks.tasks.sweep"


@pytest.fixture(autouse=True)
def _wake_ups_lost(monkeypatch) -> None:
    """This process runs tasks eagerly: its wake-ups are lost, as when the broker is down, so
    the workers' sweep (what beat runs) does the work."""

    def broker_down(message) -> None:
        raise OperationalError("Error 111 connecting to the broker. Connection refused.")

    monkeypatch.setattr(outbox_services, "_publish", broker_down)


def test_two_workers_sweeping_at_once_deliver_each_event_once(
    celery_worker_process, receiver, endpoint_for
) -> None:
    program = ProgramFactory(coordinators=[HRFactory()])
    endpoint_for(receiver, program, events=["checkin.logged"])
    events_record(
        events=[EventData("checkin.logged", program.pk, {"checkin": {"id": n}}) for n in range(30)]
    )
    first = celery_worker_process
    second = WorkerHandle(first.broker, queue=f"test-{uuid.uuid4().hex[:8]}")
    second.start()
    try:
        results = [h.client.send_task(SWEEP, queue=h.queue) for h in (first, second)]
        outcomes = [r.get(timeout=120) for r in results]
    finally:
        second.stop()
    assert sum(o["delivered"] for o in outcomes) == 30
    ids = receiver.event_ids()
    assert len(ids) == 30 and set(ids.values()) == {1}, "each event once"
    assert all(r.valid_signature for r in receiver.received)
    assert Delivery.objects.filter(status="delivered").count() == 30


def test_a_worker_retries_a_failed_delivery_on_the_next_sweep(
    celery_worker_process, receiver, endpoint_for
) -> None:
    program = ProgramFactory(coordinators=[HRFactory()])
    endpoint_for(receiver, program, events=["checkin.logged"])
    receiver.answers = [500]
    [event] = events_record(events=[EventData("checkin.logged", program.pk, {})])
    worker = celery_worker_process
    assert worker.client.send_task(SWEEP, queue=worker.queue).get(timeout=60)["failed"] == 1
    Delivery.objects.update(next_attempt_at=Delivery.objects.get().created_at)  # now due
    assert worker.client.send_task(SWEEP, queue=worker.queue).get(timeout=60)["delivered"] == 1
    assert receiver.event_ids() == {str(event.id): 2}, "the same event id both times"
