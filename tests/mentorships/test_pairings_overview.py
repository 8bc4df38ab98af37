"""The pairings page's figures (`pairings_overview`, one query) against the separate reads
that define them: `status_counts`, `mentor_load` (mentors at capacity, approved mentors) and
`unpaired_mentees`, on data that tests each definition's edges."""

import random

import pytest

from mentorships import selectors
from mentorships.models import MentorshipStatus
from tests import factories
from tests.mentorships.conftest import by_definition, enrol

pytestmark = pytest.mark.django_db


def test_it_reads_the_figures_as_their_definitions_on_the_edge_cases(program):
    elsewhere = factories.ProgramFactory(status="active")
    # A peer is a mentor of capacity one and a mentee: paired either way, full as a mentor.
    peer_mentoring = enrol(program, role="peer", capacity=4)
    peer_mentored = enrol(program, role="peer")
    enrol(program, role="peer")  # alone: waiting
    factories.MentorshipFactory(program=program, mentor=peer_mentoring, mentee=enrol(program))
    factories.MentorshipFactory(program=program, mentor=enrol(program), mentee=peer_mentored)
    # A mentor of capacity 0 (the database allows it) is full with no pairing.
    enrol(program, role="mentor", capacity=0)
    # A mentor's ended and other programs' pairings fill nothing.
    half = enrol(program, role="mentor", capacity=2)
    factories.MentorshipFactory(program=program, mentor=half, mentee=enrol(program))
    factories.MentorshipFactory(program=program, mentor=half, status="ended")
    factories.MentorshipFactory(program=elsewhere, mentor=half)
    # Mentees: paired only elsewhere, paired in an ended pairing, proposed, paused.
    waiting = enrol(program)
    factories.MentorshipFactory(program=elsewhere, mentee=waiting)
    ended = enrol(program)
    factories.MentorshipFactory(program=program, mentee=ended, status="ended")
    factories.MentorshipFactory(program=program, mentee=enrol(program), status="proposed")
    factories.MentorshipFactory(program=program, mentee=enrol(program), status="paused")
    # An approved mentee who is a live mentor here is paired; a mentor with no enrolment
    # still pairs its mentee.
    factories.MentorshipFactory(program=program, mentor=enrol(program), mentee=enrol(program))
    # Not approved: neither mentors nor waiting mentees.
    for status in ("pending", "declined", "withdrawn"):
        enrol(program, role="mentor", status=status, capacity=0)
        enrol(program, status=status)
    counts, full, total, unpaired = selectors.pairings_overview(program)
    assert (counts, full, total, unpaired) == by_definition(program)
    assert counts == {"active": 4, "ended": 2, "proposed": 1, "paused": 1}
    assert (full, total, unpaired) == (2, 5, 3)  # peer_alone, waiting, ended


@pytest.mark.parametrize("seed", range(4))
def test_it_reads_the_figures_as_their_definitions_on_random_programs(program, seed):
    rng = random.Random(seed)
    roles = ["mentor", "mentee", "peer"]
    statuses = ["approved", "approved", "approved", "pending", "withdrawn"]
    people = [factories.UserFactory() for _ in range(14)]
    for person in people[:11]:
        enrol(
            program,
            person,
            role=rng.choice(roles),
            capacity=rng.randint(0, 3),
            status=rng.choice(statuses),
        )
    live_mentees = set()
    for _ in range(12):
        mentor, mentee = rng.sample(people, 2)
        status = rng.choice(MentorshipStatus.values)
        if status in ("proposed", "active", "paused"):
            if mentee.pk in live_mentees:
                status = "ended"
            else:
                live_mentees.add(mentee.pk)
        factories.MentorshipFactory(program=program, mentor=mentor, mentee=mentee, status=status)
    assert selectors.pairings_overview(program) == by_definition(program)
