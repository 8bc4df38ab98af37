"""Fixtures for mentorship tests (a program coordinated by `hr_user` with enrolled people) and
the helpers they share: `enrol`, and `by_definition`, the pairings page's figures read plainly."""

import pytest

from mentorships import selectors
from tests import factories


def enrol(program, user=None, *, role: str = "mentee", capacity: int = 1, status="approved"):
    user = user or factories.UserFactory()
    factories.EnrolmentFactory(
        program=program, user=user, role=role, capacity=capacity, status=status
    )
    return user


def by_definition(program) -> tuple[dict[str, int], int, int, int]:
    """The pairings page's figures (`selectors.pairings_overview`) by their plain separate
    reads: pairings per status, mentors at capacity, approved mentors, unpaired mentees."""
    load = selectors.mentor_load(program)
    return (
        selectors.status_counts(program),
        sum(1 for used, cap in load.values() if used >= cap),
        len(load),
        selectors.unpaired_mentees(program).count(),
    )


@pytest.fixture
def program(hr_user):
    return factories.ProgramFactory(
        status="active", coordinators=[hr_user], meeting_expectations="Every two weeks, 45 minutes."
    )


@pytest.fixture
def mentor(program):
    return enrol(program, role="mentor", capacity=2)


@pytest.fixture
def mentee(program):
    return enrol(program, role="mentee")


@pytest.fixture
def pairing(program, mentor, mentee, hr_user):
    from mentorships.services import mentorship_create

    return mentorship_create(program=program, mentor=mentor, mentee=mentee, by=hr_user)
