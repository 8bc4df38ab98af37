"""Two requests at once, each on its own database connection: the invariants still hold."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import validation_text
from mentorships import services
from mentorships.models import Mentorship
from tests import factories
from tests.concurrency import run_at_once
from tests.mentorships.conftest import enrol

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(calls: list) -> list[str]:
    """Runs each call at the same moment; returns "ok", the refusal's message, or the name of
    any other exception (which no assertion expects)."""
    return [_outcome(r) for r in run_at_once(*calls, timeout=30)]


def _outcome(result) -> str:
    if isinstance(result, ValidationError):
        return validation_text(result)
    return type(result).__name__ if isinstance(result, Exception) else "ok"


def _create(program, mentor, mentee):
    return lambda: services.mentorship_create(
        program=program, mentor=mentor, mentee=mentee, by=None
    )


def test_it_never_exceeds_mentor_capacity_under_concurrent_creates():
    program = factories.ProgramFactory(status="active")
    mentor = enrol(program, role="mentor", capacity=1)
    mentees = [enrol(program) for _ in range(2)]
    results = _race([_create(program, mentor, m) for m in mentees])
    assert results.count("ok") == 1
    assert any("capacity" in r for r in results)
    assert Mentorship.objects.filter(mentor=mentor).count() == 1


def test_it_gives_a_mentee_one_mentorship_under_concurrent_creates():
    program = factories.ProgramFactory(status="active")
    mentors = [enrol(program, role="mentor", capacity=3) for _ in range(2)]
    mentee = enrol(program)
    results = _race([_create(program, m, mentee) for m in mentors])
    assert results.count("ok") == 1
    assert Mentorship.objects.filter(mentee=mentee).count() == 1


def test_it_keeps_a_peer_in_one_pairing_under_concurrent_creates():
    program = factories.ProgramFactory(status="active", format="peer")
    a, b, c = (enrol(program, role="peer") for _ in range(3))
    results = _race([_create(program, a, b), _create(program, c, a)])
    assert results.count("ok") == 1
    assert Mentorship.objects.count() == 1


def test_it_applies_a_double_clicked_pause_once():
    program = factories.ProgramFactory(status="active")
    hr = factories.HRFactory()
    m = services.mentorship_create(
        program=program, mentor=enrol(program, role="mentor"), mentee=enrol(program), by=hr
    )
    copies = [Mentorship.objects.get(pk=m.pk) for _ in range(2)]
    results = _race(
        [lambda c=c: services.mentorship_pause(mentorship=c, reason="leave", by=hr) for c in copies]
    )
    assert results.count("ok") == 1
    assert m.events.filter(kind="paused").count() == 1
