"""Beat's sweep on a real Celery worker on Redis: a lapsed request goes on exactly once, and the
email asking the next mentor leaves through the outbox."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import OutgoingEmail
from selfmatch import services
from selfmatch.models import Choice, ChoiceStatus

from .helpers import mentee, mentor, selfmatch_program

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError("the worker did not get there in time")


def test_the_worker_passes_a_lapsed_request_on_once(celery_worker_process, skill):
    prog, _ = selfmatch_program()
    first, second = mentor(prog, {skill: 5}), mentor(prog, {skill: 4})
    who = mentee(prog, {skill: (1, 4)})
    request = services.match_request_create(
        program=prog, mentee=who, mentor_ids=[first.pk, second.pk]
    )
    Choice.objects.filter(request=request, rank=1).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )
    handle = celery_worker_process
    for _ in range(2):
        handle.client.send_task("selfmatch.tasks.sweep", queue=handle.queue)
    _wait(lambda: Choice.objects.get(request=request, rank=2).status == ChoiceStatus.PENDING)
    handle.client.send_task("outbox.tasks.send_emails", queue=handle.queue)
    _wait(lambda: OutgoingEmail.objects.filter(to=second.email, status="sent").exists())
    time.sleep(1)
    assert Choice.objects.get(request=request, rank=1).status == ChoiceStatus.LAPSED
    assert OutgoingEmail.objects.filter(to=second.email).count() == 1
