"""The pairings page's stored figures (`PairingFigures`) against a fresh count: the change
counter per program (`PairingChanges`, kept by database triggers: migration 0006) must move on
every write that can change a figure, whatever the write path, so a stored figure is never
read after its data changed. Each test reads the figures once (stored), writes, then compares
what the page reads with the figures computed afresh and with their plain ORM definitions."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from mentorships import selectors, services
from mentorships.models import Mentorship, PairingChanges, PairingFigures
from programs.models import Enrolment
from tests import factories
from tests.mentorships.conftest import by_definition, enrol

pytestmark = pytest.mark.django_db


def _changes(program) -> int:
    found = PairingChanges.objects.filter(program_id=program.pk).first()
    return found.changes if found else 0


def _assert_exact(program) -> None:
    read = selectors.pairings_overview(program)
    assert read == selectors.computed_pairings_overview(program.pk)[0]
    assert read == by_definition(program)
    # Read again: now from the stored row, still the same.
    assert selectors.pairings_overview(program) == read
    assert PairingFigures.objects.get(program_id=program.pk).changes == _changes(program)


@pytest.fixture
def filled(program, hr_user):
    mentors = [enrol(program, role="mentor", capacity=2) for _ in range(2)]
    mentees = [enrol(program) for _ in range(4)]
    pairings = [
        services.mentorship_create(program=program, mentor=mentors[i % 2], mentee=m, by=hr_user)
        for i, m in enumerate(mentees[:3])
    ]
    _assert_exact(program)
    return mentors, mentees, pairings


def test_it_keeps_the_figures_exact_through_the_services(program, hr_user, filled):
    mentors, mentees, pairings = filled
    services.mentorship_pause(mentorship=pairings[0], reason="Leave", by=hr_user)
    _assert_exact(program)
    services.mentorship_create(program=program, mentor=mentors[1], mentee=mentees[3], by=hr_user)
    _assert_exact(program)
    services.mentorship_end(mentorship=pairings[1], by=hr_user, reason="not_working", note="")
    _assert_exact(program)


def test_it_keeps_the_figures_exact_through_saves_and_deletes(program, filled):
    mentors, mentees, pairings = filled
    pairing = Mentorship.objects.get(pk=pairings[2].pk)
    pairing.status = "ended"
    pairing.save()
    _assert_exact(program)
    pairing.mentor = mentors[0]
    pairing.save()
    _assert_exact(program)
    pairing.delete()
    _assert_exact(program)
    Enrolment.objects.get(program=program, user=mentees[3]).delete()
    _assert_exact(program)


def test_it_keeps_the_figures_exact_through_bulk_writes(program, filled):
    mentors, mentees, pairings = filled
    extra = [enrol(program) for _ in range(3)]
    Mentorship.objects.bulk_create(
        [Mentorship(program=program, mentor=mentors[0], mentee=m, status="active") for m in extra]
    )
    _assert_exact(program)
    Mentorship.objects.filter(program=program, mentee__in=extra).update(status="paused")
    _assert_exact(program)
    rows = list(Mentorship.objects.filter(program=program, mentee__in=extra[:2]))
    for row in rows:
        row.status = "completed"
    Mentorship.objects.bulk_update(rows, ["status"])
    _assert_exact(program)
    Enrolment.objects.filter(program=program, user__in=mentors).update(capacity=1)
    _assert_exact(program)
    Enrolment.objects.filter(program=program, user=extra[2]).update(status="withdrawn")
    _assert_exact(program)
    Enrolment.objects.filter(program=program, user=mentees[3]).update(role="peer")
    _assert_exact(program)
    Mentorship.objects.filter(program=program, status="completed").delete()
    _assert_exact(program)


def test_it_keeps_the_figures_exact_through_raw_sql(program, filled):
    _mentors, _mentees, pairings = filled
    table = Mentorship._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET status = %s WHERE id = %s", ["paused", pairings[0].pk])
    _assert_exact(program)
    # One with no agreement or events, which a raw DELETE would leave behind.
    (bare,) = Mentorship.objects.bulk_create(
        [Mentorship(program=program, mentor=_mentors[0], mentee=_mentees[3], status="active")]
    )
    _assert_exact(program)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [bare.pk])
    _assert_exact(program)


def test_it_keeps_both_programs_exact_when_a_pairing_moves(program, filled):
    _mentors, _mentees, pairings = filled
    other = factories.ProgramFactory(status="active")
    _assert_exact(other)
    Mentorship.objects.filter(pk=pairings[0].pk).update(program=other)
    _assert_exact(program)
    _assert_exact(other)


def test_it_counts_no_change_for_a_column_the_figures_do_not_read(program, filled):
    _mentors, _mentees, pairings = filled
    before = _changes(program)
    Mentorship.objects.filter(program=program).update(health_stale=True, score=0.5)
    Enrolment.objects.filter(program=program).update(career_goal="Learn Kubernetes")
    assert _changes(program) == before


def test_it_reads_the_stored_figures_in_one_query(program, filled, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.pairings_overview(program)


def test_it_recomputes_and_checks_the_stored_figures(program, filled):
    PairingFigures.objects.filter(program_id=program.pk).update(mentors=99)  # corrupted
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("pairing_figures", "--check", stdout=out, stderr=out)
    assert str(program.pk) in str(failed.value)
    call_command("pairing_figures", stdout=StringIO())
    call_command("pairing_figures", "--check", stdout=StringIO())
    assert selectors.pairings_overview(program) == by_definition(program)
