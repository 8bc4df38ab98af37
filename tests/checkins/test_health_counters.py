"""The health board's stored counts (`HealthFigures`) against a fresh count: the change counter
per program (`HealthChanges`, kept by database triggers: migration 0006) must move on every
write of the stored health that can change a count, whatever the write path, so stored counts
are never read after their rows changed. Each step reads the board's counts as the board does
(`board_look`), then compares them with the plain ORM count (`_severity_counts`)."""

from datetime import date, timedelta

import pytest
from django.db import connection

from checkins import health, services
from checkins.models import HealthChanges, HealthFigures, MentorshipHealth
from checkins.selectors import _severity_counts, board_look
from mentorships.models import Mentorship
from programs.models import Program
from tests import factories
from tests.checkins.factories import CheckInFactory

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _by_definition(program) -> tuple[dict[str, int], bool]:
    state_of = {severity: state for state, severity in health.SEVERITY.items()}
    found = list(_severity_counts(program.pk, program.meeting_cadence))
    return (
        {health.LABELS[state_of[severity]]: n for severity, n, _off in found},
        any(off for _s, _n, off in found),
    )


def _assert_exact(program) -> None:
    program = Program.objects.get(pk=program.pk)
    _stale, *read = board_look(program, TODAY)
    assert tuple(read) == _by_definition(program)
    assert list(read[0]) == list(_by_definition(program)[0])  # board order
    # Read again: now from the stored counts, still the same.
    assert tuple(board_look(program, TODAY)[1:]) == tuple(read)
    changes = HealthChanges.objects.filter(program_id=program.pk).first()
    stored = HealthFigures.objects.get(program_id=program.pk)
    assert stored.changes == (changes.changes if changes else 0)


@pytest.fixture
def board(hr_user):
    program = factories.ProgramFactory(
        status="active", coordinators=[hr_user], meeting_cadence="weekly"
    )
    made = [
        factories.MentorshipFactory(program=program, started_on=TODAY - timedelta(days=d))
        for d in (1, 10, 30, 60)
    ]
    CheckInFactory(mentorship=made[0], date=TODAY - timedelta(days=1))
    services.health_sweep(today=TODAY)
    _assert_exact(program)
    return program, made


def test_it_keeps_the_counts_exact_through_the_health_refresh(board):
    program, made = board
    CheckInFactory(mentorship=made[3], date=TODAY)
    Mentorship.objects.filter(pk=made[3].pk).update(health_stale=True)
    services.program_health_refresh(program=program, today=TODAY)
    _assert_exact(program)
    Mentorship.objects.filter(pk=made[2].pk).update(status="ended", health_stale=True)
    services.program_health_refresh(program=program, today=TODAY)
    _assert_exact(program)


def test_it_sees_a_change_of_the_programs_cadence(board):
    program, _made = board
    Program.objects.filter(pk=program.pk).update(meeting_cadence="monthly")
    _assert_exact(program)  # every row off cadence now
    program.refresh_from_db()
    services.program_health_refresh(program=program, today=TODAY)
    _assert_exact(program)


def test_it_keeps_the_counts_exact_through_bulk_and_raw_writes(board):
    program, made = board
    MentorshipHealth.objects.filter(program=program).update(severity=0, state="on_track")
    _assert_exact(program)
    MentorshipHealth.objects.filter(pk=made[0].pk).update(cadence="monthly")
    _assert_exact(program)
    table = MentorshipHealth._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET severity = %s WHERE mentorship_id = %s", [3, made[1].pk]
        )
    _assert_exact(program)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE mentorship_id = %s", [made[2].pk])
    _assert_exact(program)
    MentorshipHealth.objects.filter(pk=made[3].pk).delete()
    _assert_exact(program)


def test_it_keeps_both_programs_exact_when_a_row_moves(board):
    program, made = board
    other = factories.ProgramFactory(status="active", meeting_cadence="weekly")
    _assert_exact(other)
    MentorshipHealth.objects.filter(pk=made[0].pk).update(program=other)
    _assert_exact(program)
    _assert_exact(other)


def test_it_counts_no_change_for_a_column_the_counts_do_not_read(board):
    program, _made = board
    before = HealthChanges.objects.get(program_id=program.pk).changes
    MentorshipHealth.objects.filter(program=program).update(
        next_change_on=TODAY + timedelta(days=3), avg_pulse=4.0
    )
    assert HealthChanges.objects.get(program_id=program.pk).changes == before


def test_it_reads_the_stored_counts_with_the_stale_ids_in_one_query(
    board, django_assert_num_queries
):
    program, _made = board
    with django_assert_num_queries(1):
        board_look(program, TODAY)
