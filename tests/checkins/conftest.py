"""A program coordinated by `hr_user` with one live pairing whose mentor has a manager."""

import pytest

from checkins.default_templates import DEFAULT_TEMPLATES
from checkins.models import CheckInTemplate
from tests import factories

SECRET = "SECRET-NOTE"


def ensure_default_templates() -> None:
    """Transactional tests (ours or other apps') flush the rows the data migration seeded."""
    for name, agenda in DEFAULT_TEMPLATES:
        CheckInTemplate.objects.get_or_create(program=None, name=name, defaults={"agenda": agenda})


@pytest.fixture
def default_templates(db) -> None:
    ensure_default_templates()


@pytest.fixture
def program(hr_user, default_templates):
    return factories.ProgramFactory(
        status="active", coordinators=[hr_user], meeting_cadence="fortnightly"
    )


@pytest.fixture
def boss(db):
    return factories.UserFactory(email="boss@example.com")


@pytest.fixture
def mentor(program, boss):
    user = factories.UserFactory(email="mentor@example.com", manager=boss)
    factories.EnrolmentFactory(program=program, user=user, role="mentor")
    return user


@pytest.fixture
def mentee(program):
    user = factories.UserFactory(email="mentee@example.com")
    factories.EnrolmentFactory(program=program, user=user, role="mentee")
    return user


@pytest.fixture
def pairing(program, mentor, mentee):
    return factories.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)


@pytest.fixture
def other_pairing(program):
    """A participant of this pairing must not see `pairing`'s notes."""
    return factories.MentorshipFactory(program=program)
