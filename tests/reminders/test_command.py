"""`manage.py run_reminders`: the hourly sweep, run once by hand."""

import pytest
from django.core import mail
from django.core.management import call_command

from reminders.models import DeliveryStatus, ReminderSent

from .factories import pairing

pytestmark = pytest.mark.django_db


def test_it_plans_and_sends_due_reminders_and_says_what_it_did(capsys) -> None:
    m = pairing(days_since=8)  # weekly cadence: a check-in is due
    call_command("run_reminders")
    out = capsys.readouterr().out
    assert "1 check-in(s) due" in out and "Emailed 2 reminder(s)." in out
    assert sorted(msg.to[0] for msg in mail.outbox) == sorted([m.mentor.email, m.mentee.email])
    assert set(ReminderSent.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_it_sends_nothing_twice_when_run_again(capsys) -> None:
    pairing(days_since=8)
    call_command("run_reminders")
    call_command("run_reminders")
    assert "Emailed 0 reminder(s)." in capsys.readouterr().out
    assert len(mail.outbox) == 2
