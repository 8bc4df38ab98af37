"""The health board's stored counts (`HealthFigures`) against a fresh count: the change counter
per program (`HealthChanges`, kept by database triggers: migration 0006) must move on every
write of the stored health that can change a count, whatever the write path, so stored counts
are never read after their rows changed. Each step reads the board's counts as the board does
(`board_look`), then compares them with the plain ORM count (`_severity_counts`). The last
tests are about `manage.py health_figures`, which checks or forgets the stored counts."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from checkins import health, services
from checkins.models import HealthChanges, HealthFigures, MentorshipHealth
from checkins.selectors import (
    _severity_counts,
    board_look,
    computed_board_counts,
    health_figures_mismatches,
)
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


def _tamper(program) -> None:
    """One more pairing in the stored counts' first row, written by raw SQL: no trigger sees it,
    so the counter does not move and the wrong counts still read as current."""
    stored = HealthFigures.objects.get(program_id=program.pk)
    counts = json.loads(stored.counts)
    counts[0][2] += 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {HealthFigures._meta.db_table} SET counts = %s WHERE program_id = %s",
            [json.dumps(counts), program.pk],
        )


def _check() -> str:
    out = StringIO()
    call_command("health_figures", "--check", stdout=out)
    return out.getvalue()


@pytest.fixture
def other_board(board):
    """A second program whose counts are stored too: the check names only the wrong one."""
    other = factories.ProgramFactory(status="active", meeting_cadence="weekly")
    factories.MentorshipFactory(program=other, started_on=TODAY - timedelta(days=5))
    services.health_sweep(today=TODAY)
    _assert_exact(other)
    return other


def test_it_passes_the_check_when_the_stored_counts_match(board, other_board):
    program, _made = board
    assert HealthFigures.objects.filter(program_id__in=[program.pk, other_board.pk]).count() == 2
    assert "match a fresh count" in _check()
    assert health_figures_mismatches() == []


def test_it_fails_the_check_naming_the_program_whose_stored_counts_were_tampered_with(
    board, other_board
):
    program, _made = board
    _tamper(program)
    with pytest.raises(CommandError) as failed:
        _check()
    assert f"program(s) {program.pk}:" in str(failed.value)
    assert "manage.py health_figures" in str(failed.value)
    assert health_figures_mismatches() == [program.pk]


def test_it_forgets_the_stored_counts_and_the_next_board_read_stores_them_again(board, other_board):
    program, _made = board
    _tamper(program)
    out = StringIO()
    call_command("health_figures", stdout=out)
    assert out.getvalue().startswith("2 stored health figures forgotten")
    assert not HealthFigures.objects.filter(program_id__in=[program.pk, other_board.pk]).exists()
    assert "match a fresh count" in _check()  # nothing stored, nothing to differ
    _assert_exact(program)  # the board's read stores them again
    stored = HealthFigures.objects.get(program_id=program.pk)
    found, changes = computed_board_counts(program.pk)
    assert stored.changes == changes
    assert sorted(map(tuple, json.loads(stored.counts))) == sorted(map(tuple, found))
    assert "match a fresh count" in _check()
