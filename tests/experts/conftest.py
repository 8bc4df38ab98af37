"""People for Ask an expert: an expert listed for one skill, someone asking, and helpers for
times in a month that is certainly ahead (next month), whatever day the tests run."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from core.dates import add_months
from experts.services import expert_profile_save
from tests import factories


def next_month(day: int, hour: int = 10, months: int = 1) -> datetime:
    """A time on `day` of the month `months` ahead, in the site's time zone."""
    first = add_months(timezone.localdate().replace(day=1), months)
    return timezone.make_aware(datetime(first.year, first.month, day, hour))


def soon(hours: int = 48) -> datetime:
    return timezone.now() + timedelta(hours=hours)


@pytest.fixture
def skill(db):
    return factories.SkillFactory(name="SD-WAN", category="networking")


@pytest.fixture
def expert(db, skill):
    person = factories.UserFactory(full_name="Esme Expert", email="esme@example.com")
    expert_profile_save(
        user=person, listed=True, monthly_sessions=2, share_program_skills=True, skills=[skill]
    )
    return person


@pytest.fixture
def asker(db):
    return factories.UserFactory(full_name="Asha Asker", email="asha@example.com")
