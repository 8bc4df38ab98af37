"""The health board's SQL (ordering, counts, paging) agrees with the pure health function, which
stays the one definition of the rules (checkins.health)."""

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from checkins import health
from checkins.selectors import (
    STATE_OF_SEVERITY,
    board_counts,
    board_queryset,
    health_for_mentorships,
    with_health_severity,
)
from mentorships.models import Mentorship
from programs.models import CADENCE_DAYS
from tests import factories
from tests.checkins.factories import CheckInFactory, PulseFactory

pytestmark = pytest.mark.django_db
TODAY = date.today()


def boundary_days(cadence: int) -> list[int]:
    """Days around every threshold of the rules, and a few others."""
    grace = health.grace_days(cadence)
    marks = [0, cadence, cadence + grace, 2 * cadence, 3 * cadence]
    return sorted({d + step for d in marks for step in (-1, 0, 1)} | {-3, 95})


def random_pairing(rng: random.Random, programs: list) -> Mentorship:
    program = rng.choice(programs)
    days = boundary_days(program.cadence_days)
    started = rng.choice([None, *days])
    m = factories.MentorshipFactory(
        program=program,
        status=rng.choice(["active", "active", "active", "paused", "proposed", "completed"]),
        started_on=None if started is None else TODAY - timedelta(days=started),
    )
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        checkin = CheckInFactory(mentorship=m, date=TODAY - timedelta(days=rng.choice(days)))
        if rng.random() < 0.6:
            PulseFactory(checkin=checkin, user=m.mentee, score=rng.randint(1, 5))
        if rng.random() < 0.4:
            PulseFactory(checkin=checkin, user=m.mentor, score=rng.randint(1, 5))
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        goal = factories.GoalFactory(mentorship=m)
        factories.MilestoneFactory(
            goal=goal,
            due_date=TODAY + timedelta(days=rng.choice([-10, -1, 0, 1, 10])),
            done_at=timezone.now() if rng.random() < 0.4 else None,
        )
    return m


@pytest.fixture
def sample(request):
    rng = random.Random(request.param)
    programs = [
        factories.ProgramFactory(status="active", meeting_cadence=name) for name in CADENCE_DAYS
    ]
    for _ in range(45):
        random_pairing(rng, programs)
    return Mentorship.objects.all()


@pytest.mark.parametrize("sample", [1, 2, 3], indirect=True)
def test_it_computes_the_same_health_in_sql_as_the_pure_function(sample):
    expected = {pk: info.state for pk, info in health_for_mentorships(sample, TODAY).items()}
    in_sql = {
        m.pk: STATE_OF_SEVERITY[m.health_severity] for m in with_health_severity(sample, TODAY)
    }
    assert in_sql == expected
    assert len(set(expected.values())) >= 4  # the sample reaches most rules


@pytest.mark.parametrize("sample", [1, 2], indirect=True)
def test_it_orders_the_board_as_severity_then_longest_silent(sample):
    info = health_for_mentorships(sample, TODAY)
    expected = sorted(
        info, key=lambda pk: (info[pk].severity, -(info[pk].days_since_checkin or 0), pk)
    )
    assert [m.pk for m in board_queryset(sample, TODAY)] == expected


@pytest.mark.parametrize("sample", [1], indirect=True)
def test_it_counts_each_state_in_one_query(sample, django_assert_num_queries):
    expected: dict[str, int] = {}
    for info in sorted(health_for_mentorships(sample, TODAY).values(), key=lambda i: i.severity):
        expected[info.label] = expected.get(info.label, 0) + 1
    with django_assert_num_queries(1):
        counts = board_counts(sample, TODAY)
    assert counts == expected
    assert list(counts) == list(expected)  # board order
