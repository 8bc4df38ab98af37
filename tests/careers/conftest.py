from datetime import date, timedelta

import pytest

from careers.models import WorkRole
from careers.services import starter_roles_load
from tests import factories


@pytest.fixture
def hr(db):
    return factories.HRFactory(email="hr.careers@example.com")


@pytest.fixture
def starter(hr):
    result = starter_roles_load(by=hr)
    assert result.ok, result.errors
    return result


@pytest.fixture
def cloud_ops(starter):
    return WorkRole.objects.get(title="Cloud operations engineer")


@pytest.fixture
def pair(hr):
    """A live mentorship, started today, in a program on a monthly milestone cadence."""
    program = factories.ProgramFactory(
        status="active",
        coordinators=[hr],
        start_date=date.today() - timedelta(days=10),
        end_date=date.today() + timedelta(days=200),
        milestone_cadence="monthly",
    )
    mentor = factories.UserFactory(email="mentor.careers@example.com", full_name="Mo Mentor")
    mentee = factories.UserFactory(email="mentee.careers@example.com", full_name="Mia Mentee")
    factories.EnrolmentFactory(program=program, user=mentor, role="mentor")
    factories.EnrolmentFactory(program=program, user=mentee, role="mentee")
    return factories.MentorshipFactory(
        program=program, mentor=mentor, mentee=mentee, started_on=date.today()
    )
