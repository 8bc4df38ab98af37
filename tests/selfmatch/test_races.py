"""Self-match steps at the same moment, each on its own PostgreSQL connection: capacity, one
live mentor per mentee and every hand-off hold, and each hand-off happens exactly once."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import validation_text
from matching.models import MatchingRun
from mentorships.models import Mentorship
from outbox.models import OutgoingEmail
from selfmatch import services
from selfmatch.models import Choice, ChoiceStatus, MatchRequest, RequestStatus
from tests.concurrency import run_at_once

from .helpers import mentee, mentor, selfmatch_program

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _outcomes(*calls) -> list[str]:
    out = []
    for result in run_at_once(*calls, timeout=30):
        if isinstance(result, ValidationError):
            out.append(validation_text(result))
        elif isinstance(result, Exception):
            out.append(type(result).__name__)
        else:
            out.append("ok")
    return out


def _ask(prog, who, mentors):
    return services.match_request_create(
        program=prog, mentee=who, mentor_ids=[m.pk for m in mentors]
    )


def _first(request) -> Choice:
    return Choice.objects.get(request=request, rank=1)


@pytest.fixture
def setup(skill):
    prog, hr = selfmatch_program()
    last_place = mentor(prog, {skill: 5}, capacity=1)
    backup = mentor(prog, {skill: 4}, capacity=3)
    mentees = [mentee(prog, {skill: (1, 4)}) for _ in range(2)]
    return prog, hr, last_place, backup, mentees


def test_it_gives_the_last_place_to_one_of_two_mentees_the_mentor_accepts_at_once(setup):
    prog, _, last_place, backup, mentees = setup
    requests = [_ask(prog, m, [last_place, backup]) for m in mentees]
    results = _outcomes(
        *[lambda r=r: services.choice_accept(choice=_first(r), by=last_place) for r in requests]
    )
    assert results.count("ok") == 1
    assert any("capacity" in r for r in results)
    assert Mentorship.objects.filter(mentor=last_place).count() == 1
    # The one who lost the race is passed on to their next choice (after the winner's commit).
    services.selfmatch_sweep()
    loser = next(r for r in requests if MatchRequest.objects.get(pk=r.pk).status == "open")
    assert _first(loser).status == ChoiceStatus.FULL
    assert Choice.objects.get(request=loser, rank=2).status == ChoiceStatus.PENDING


def test_it_gives_a_mentee_one_mentor_when_the_mentor_accepts_as_hr_pairs_by_hand(setup):
    prog, hr, last_place, backup, mentees = setup
    request = _ask(prog, mentees[0], [last_place])
    results = _outcomes(
        lambda: services.choice_accept(choice=_first(request), by=last_place),
        lambda: services.match_request_pair(request=request, mentor=backup, by=hr),
    )
    assert results.count("ok") == 1
    assert Mentorship.objects.filter(mentee=mentees[0]).count() == 1
    assert MatchRequest.objects.get(pk=request.pk).status == RequestStatus.MATCHED


def test_it_either_withdraws_or_pairs_when_both_happen_at_once(setup):
    prog, _, last_place, _, mentees = setup
    request = _ask(prog, mentees[0], [last_place])
    results = _outcomes(
        lambda: services.choice_accept(choice=_first(request), by=last_place),
        lambda: services.match_request_withdraw(request=request, by=mentees[0]),
    )
    assert results.count("ok") == 1
    status = MatchRequest.objects.get(pk=request.pk).status
    paired = Mentorship.objects.filter(mentee=mentees[0]).exists()
    assert (status, paired) in ((RequestStatus.MATCHED, True), (RequestStatus.WITHDRAWN, False))


def test_it_either_accepts_or_passes_on_when_the_deadline_sweep_runs_at_once(setup):
    prog, _, last_place, backup, mentees = setup
    request = _ask(prog, mentees[0], [last_place, backup])
    later = timezone.now() + timedelta(days=6)
    results = run_at_once(
        lambda: services.choice_accept(choice=_first(request), by=last_place),
        lambda: services.choice_lapse(choice_id=_first(request).pk, now=later),
    )
    accepted = not isinstance(results[0], Exception)
    lapsed = results[1] is True
    assert accepted != lapsed
    second = Choice.objects.get(request=request, rank=2).status
    assert second == (ChoiceStatus.PENDING if lapsed else ChoiceStatus.WITHDRAWN)


def test_it_passes_a_lapsed_request_on_once_when_two_sweeps_run_at_once(setup):
    prog, _, last_place, backup, mentees = setup
    request = _ask(prog, mentees[0], [last_place, backup])
    later = timezone.now() + timedelta(days=6)
    results = run_at_once(
        lambda: services.selfmatch_sweep(now=later), lambda: services.selfmatch_sweep(now=later)
    )
    assert sorted(r.lapsed for r in results) == [0, 1]
    assert Choice.objects.get(request=request, rank=2).status == ChoiceStatus.PENDING
    assert OutgoingEmail.objects.filter(to=backup.email).count() == 1


def test_it_keeps_one_open_request_when_a_mentee_sends_twice_at_once(setup):
    prog, _, last_place, backup, mentees = setup
    results = _outcomes(
        lambda: _ask(prog, mentees[0], [last_place]), lambda: _ask(prog, mentees[0], [backup])
    )
    assert results.count("ok") == 1
    assert any("already have a request" in r for r in results)
    assert MatchRequest.objects.filter(mentee=mentees[0], status="open").count() == 1


def test_it_closes_self_match_once_when_beat_and_hr_close_at_once(skill):
    prog, hr = selfmatch_program(mode="hybrid", closes_on=timezone.localdate())
    prog.status = "matching"
    prog.save()
    mentor(prog, {skill: 5})
    mentee(prog, {skill: (1, 4)})
    results = run_at_once(
        lambda: services.selfmatch_close_due(today=timezone.localdate()),
        lambda: services.selfmatch_close(program=prog, by=hr),
    )
    closed = (results[0] == 1) + (results[1] is not None)
    assert closed == 1
    assert MatchingRun.objects.filter(program=prog).count() == 1
