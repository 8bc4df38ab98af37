from datetime import date, timedelta

import pytest

from tests.factories import (
    EnrolmentFactory,
    EnrolmentSkillFactory,
    MentorshipFactory,
    ProgramFactory,
    SkillFactory,
    UserFactory,
)


@pytest.fixture
def program(hr_user):
    return ProgramFactory(
        status="active",
        coordinators=[hr_user],
        milestone_cadence="monthly",
        start_date=date.today() - timedelta(days=60),
        end_date=date.today() + timedelta(days=120),
    )


@pytest.fixture
def pair(program):
    """An active mentorship whose mentee has a manager and seeks two skills."""
    manager = UserFactory(email="boss@example.com")
    mentee = UserFactory(email="mentee@example.com", manager=manager)
    mentor = UserFactory(email="mentor@example.com")
    enrolment = EnrolmentFactory(program=program, user=mentee, role="mentee")
    EnrolmentFactory(program=program, user=mentor, role="mentor")
    for name in ("Kubernetes", "Terraform"):
        EnrolmentSkillFactory(enrolment=enrolment, skill=SkillFactory(name=name))
    return MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
