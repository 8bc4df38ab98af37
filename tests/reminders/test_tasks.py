from datetime import date

import pytest
from django.conf import settings
from django.core import mail

from reminders import tasks
from reminders.models import ReminderSent
from reminders.services import reminders_sweep

from .factories import pairing, prefer

pytestmark = pytest.mark.django_db


def test_it_schedules_the_sweep_hourly_and_the_digest_on_monday_morning() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["reminders-sweep"]["task"] == tasks.sweep.name
    assert schedule["reminders-digests"]["task"] == tasks.send_digests.name
    monday = schedule["reminders-digests"]["schedule"]
    assert monday.day_of_week == {1} and monday.hour == {7} and monday.minute == {0}


def test_it_plans_and_sends_in_one_sweep_task() -> None:
    pairing(days_since=8)
    outcome = tasks.sweep.delay().get()
    assert (outcome["due"], outcome["sent"]) == (1, 2)
    assert len(mail.outbox) == 2


def test_it_sends_digests_from_the_weekly_task() -> None:
    m = pairing(days_since=8)
    prefer(m.mentor, weekly_digest=True)
    prefer(m.mentee, weekly_digest=True)
    tasks.sweep.delay().get()
    assert mail.outbox == []
    assert tasks.send_digests.delay().get() == 2
    assert len(mail.outbox) == 2
    assert not ReminderSent.objects.filter(status="pending").exists()


def test_it_sends_pending_reminders_from_the_send_task() -> None:
    pairing(days_since=8)
    reminders_sweep(today=date.today())
    assert tasks.send_pending.delay().get() == 2


def test_it_continues_a_backlog_in_a_follow_up_task(monkeypatch) -> None:
    for _ in range(3):
        pairing(days_since=8)
    # A zero budget stops each task after its first email; the follow-ups finish the job.
    monkeypatch.setattr(tasks, "SEND_TIME_BUDGET", 0.0)
    tasks.sweep.delay().get()
    assert len(mail.outbox) == 6
    assert not ReminderSent.objects.filter(status="pending").exists()
