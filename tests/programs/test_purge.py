"""Retention: programs closed longer than the retention period are purged, audited once."""

from datetime import date, timedelta

import pytest

from audit.models import AuditEvent
from programs.models import Program
from programs.services import programs_purge_expired
from tests.factories import MentorshipFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_it_purges_programs_closed_longer_than_the_retention_period(settings):
    settings.RETENTION_DAYS_AFTER_CLOSE = 30
    old = ProgramFactory(
        status="closed",
        start_date=date.today() - timedelta(days=400),
        end_date=date.today() - timedelta(days=31),
    )
    MentorshipFactory(program=old)
    recent = ProgramFactory(
        status="closed",
        start_date=date.today() - timedelta(days=400),
        end_date=date.today() - timedelta(days=5),
    )
    assert programs_purge_expired() == [old.name]
    assert not Program.objects.filter(pk=old.pk).exists()
    assert Program.objects.filter(pk=recent.pk).exists()
    assert AuditEvent.objects.filter(action="program.purged").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_purges_and_audits_each_program_once_when_two_purges_run_at_once(settings):
    from tests.concurrency import run_at_once

    settings.RETENTION_DAYS_AFTER_CLOSE = 30
    for _ in range(3):
        old = ProgramFactory(
            status="closed",
            start_date=date.today() - timedelta(days=400),
            end_date=date.today() - timedelta(days=31),
        )
        MentorshipFactory.create_batch(20, program=old)
    purged = run_at_once(programs_purge_expired, programs_purge_expired)
    assert sum(len(names) for names in purged) == 3  # each program by one purge only
    assert not Program.objects.filter(status="closed").exists()
    assert AuditEvent.objects.filter(action="program.purged").count() == 3
