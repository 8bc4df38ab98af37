"""Invitations go through a real Celery worker, and two sends at once email each person once."""

import pytest
from django.utils import timezone

from people.models import User
from people.services import invitations_send
from tests.concurrency import run_at_once
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _invited(count: int) -> None:
    for _ in range(count):
        person = UserFactory(invited_at=timezone.now())
        person.set_unusable_password()
        person.save()


def _unsent() -> int:
    return User.objects.filter(invited_at__isnull=False, invitation_sent_at__isnull=True).count()


@pytest.mark.postgres
def test_it_emails_each_invitation_once_when_two_sends_run_at_once() -> None:
    _invited(20)
    sent = run_at_once(invitations_send, invitations_send)
    assert sum(sent) == 20, sent
    assert _unsent() == 0


@pytest.mark.worker
def test_it_sends_the_invitations_on_a_real_worker(celery_worker_process) -> None:
    _invited(3)
    handle = celery_worker_process
    result = handle.client.send_task("people.tasks.send_invitations", queue=handle.queue)
    assert result.get(timeout=60) == 3
    assert _unsent() == 0
