"""Self-match services: requests, answers, hand-offs, HR's steps, closing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentorships.models import Mentorship
from outbox.models import OutgoingEmail
from selfmatch import services
from selfmatch.models import Choice, ChoiceStatus, Mode, RequestStatus
from tests import factories

from .helpers import mentee, mentor, selfmatch_program

pytestmark = pytest.mark.django_db


def _ask(prog, who, mentors, note=""):
    return services.match_request_create(
        program=prog, mentee=who, mentor_ids=[m.pk for m in mentors], note=note
    )


def _choice(request, rank):
    return Choice.objects.get(request=request, rank=rank)


def test_it_asks_the_first_choice_and_queues_the_others(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors, note="I want to learn modules")
    first, second = _choice(request, 1), _choice(request, 2)
    assert (first.status, second.status) == (ChoiceStatus.PENDING, ChoiceStatus.QUEUED)
    assert first.due_at - first.sent_at == timedelta(days=5)
    sent = OutgoingEmail.objects.get(to=mentors[0].email)
    assert "I want to learn modules" in sent.body
    assert "offers 0" not in sent.body


def test_it_creates_the_mentorship_when_the_mentor_accepts(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    mentorship = services.choice_accept(choice=_choice(request, 1), by=mentors[0])
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED and request.mentorship == mentorship
    assert (mentorship.mentor, mentorship.mentee, mentorship.status) == (
        mentors[0],
        mentees[0],
        "active",
    )
    assert mentorship.source == "self"
    assert _choice(request, 2).status == ChoiceStatus.WITHDRAWN
    assert OutgoingEmail.objects.filter(to=mentees[0].email, subject__contains="is your mentor")


def test_it_passes_a_declined_request_to_the_next_choice(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    services.choice_decline(choice=_choice(request, 1), by=mentors[0])
    assert _choice(request, 1).status == ChoiceStatus.DECLINED
    assert _choice(request, 2).status == ChoiceStatus.PENDING
    assert OutgoingEmail.objects.filter(to=mentors[1].email).count() == 1


def test_it_ends_the_request_when_nobody_is_left(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors[:1])
    services.choice_decline(choice=_choice(request, 1), by=mentors[0])
    request.refresh_from_db()
    assert request.status == RequestStatus.EXHAUSTED
    assert OutgoingEmail.objects.filter(to=mentees[0].email, subject__contains="No mentor")


def test_it_passes_a_lapsed_request_on_exactly_once(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    later = timezone.now() + timedelta(days=6)
    first = _choice(request, 1)
    assert services.choice_lapse(choice_id=first.pk, now=later) is True
    assert services.choice_lapse(choice_id=first.pk, now=later) is False
    assert services.selfmatch_sweep(now=later).lapsed == 0
    assert _choice(request, 1).status == ChoiceStatus.LAPSED
    assert _choice(request, 2).status == ChoiceStatus.PENDING
    assert OutgoingEmail.objects.filter(to=mentors[1].email).count() == 1


def test_it_leaves_a_request_alone_before_its_deadline(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    assert services.selfmatch_sweep().lapsed == 0
    assert _choice(request, 1).status == ChoiceStatus.PENDING


def test_it_refuses_a_second_open_request(world):
    prog, _, mentors, mentees = world
    _ask(prog, mentees[0], mentors[:1])
    with pytest.raises(ValidationError, match="already have a request"):
        _ask(prog, mentees[0], mentors[1:])


def test_it_refuses_more_choices_than_the_program_allows(skill):
    prog, _ = selfmatch_program(max_choices=1)
    ms = [mentor(prog, {skill: 5}), mentor(prog, {skill: 5})]
    with pytest.raises(ValidationError, match="at most 1"):
        _ask(prog, mentee(prog, {skill: (1, 4)}), ms)


def test_it_refuses_a_mentor_in_the_mentees_reporting_line(skill):
    prog, _ = selfmatch_program()
    boss = mentor(prog, {skill: 5})
    report = mentee(prog, {skill: (1, 4)}, user=factories.UserFactory(manager=boss))
    with pytest.raises(ValidationError, match="can't be asked"):
        _ask(prog, report, [boss])


def test_it_refuses_a_mentor_with_no_place_left(world):
    prog, _, mentors, mentees = world
    factories.MentorshipFactory(program=prog, mentor=mentors[0], mentee=mentees[1])
    with pytest.raises(ValidationError, match="no place left"):
        _ask(prog, mentees[0], mentors[:1])


def test_it_refuses_a_mentee_who_has_a_mentor(world):
    prog, _, mentors, mentees = world
    factories.MentorshipFactory(program=prog, mentor=mentors[1], mentee=mentees[0])
    with pytest.raises(ValidationError, match="no mentor yet"):
        _ask(prog, mentees[0], mentors[:1])


def test_it_refuses_requests_when_hr_runs_matching(world):
    prog, _, mentors, mentees = world
    prog.selfmatch_settings.mode = Mode.HR
    prog.selfmatch_settings.save()
    with pytest.raises(ValidationError, match="HR matches"):
        _ask(prog, mentees[0], mentors)


def test_it_refuses_an_answer_from_another_mentor(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    with pytest.raises(ValidationError, match="Only the mentor asked"):
        services.choice_accept(choice=_choice(request, 1), by=mentors[1])
    assert not Mentorship.objects.exists()


def test_it_withdraws_and_tells_the_mentor(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    services.match_request_withdraw(request=request, by=mentees[0])
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert set(request.choices.values_list("status", flat=True)) == {ChoiceStatus.WITHDRAWN}
    with pytest.raises(ValidationError, match="no longer waiting"):
        services.choice_accept(choice=_choice(request, 1), by=mentors[0])


def test_it_passes_on_requests_waiting_for_a_mentor_who_became_full(
    world, django_capture_on_commit_callbacks
):
    prog, _, mentors, mentees = world
    first = _ask(prog, mentees[0], mentors[:1])
    second = _ask(prog, mentees[1], mentors)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox runs the task eagerly
        services.choice_accept(choice=_choice(first, 1), by=mentors[0])
    assert _choice(second, 1).status == ChoiceStatus.FULL
    assert _choice(second, 2).status == ChoiceStatus.PENDING


def test_it_closes_a_request_when_hr_pairs_the_mentee_elsewhere(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors[:1])
    factories.MentorshipFactory(program=prog, mentor=mentors[1], mentee=mentees[0])
    assert services.selfmatch_sweep().closed_paired == 1
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED


def test_it_reminds_the_mentor_once_a_day_before_the_deadline(world):
    prog, _, mentors, mentees = world
    _ask(prog, mentees[0], mentors)
    soon = timezone.now() + timedelta(days=4, hours=1)
    assert services.selfmatch_sweep(now=soon).reminded == 1
    assert services.selfmatch_sweep(now=soon).reminded == 0
    assert OutgoingEmail.objects.filter(subject__startswith="Reminder").count() == 1


def test_it_lets_hr_cancel(world):
    prog, hr, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    services.match_request_cancel(request=request, by=hr)
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED and request.closed_by == hr


def test_it_lets_hr_send_the_request_to_another_mentor(world):
    prog, hr, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors[:1])
    choice = services.match_request_reassign(request=request, mentor=mentors[1], by=hr)
    assert choice.status == ChoiceStatus.PENDING and choice.rank == 2
    assert _choice(request, 1).status == ChoiceStatus.SKIPPED


def test_it_lets_hr_pair_by_hand(world):
    prog, hr, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors[:1])
    mentorship = services.match_request_pair(request=request, mentor=mentors[1], by=hr)
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHED
    assert mentorship.mentor == mentors[1] and mentorship.source == "manual"


def test_it_closes_self_match_once_and_ends_open_requests(world):
    prog, hr, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    result = services.selfmatch_close(program=prog, by=hr)
    assert result.closed_requests == 1 and result.run is None
    assert services.selfmatch_close(program=prog, by=hr) is None
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED
    with pytest.raises(ValidationError, match="closed"):
        _ask(prog, mentees[1], mentors)


def test_it_keeps_the_note_out_of_emails_to_the_mentee(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors, note="PRIVATE-NOTE-TEXT")
    services.choice_decline(choice=_choice(request, 1), by=mentors[0])
    for email in OutgoingEmail.objects.exclude(to__in=[m.email for m in mentors]):
        assert "PRIVATE-NOTE-TEXT" not in email.body


def test_it_passes_on_a_request_waiting_for_a_mentor_hr_filled(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors)
    factories.MentorshipFactory(program=prog, mentor=mentors[0], mentee=mentees[1])
    assert services.selfmatch_sweep().passed_on_full == 1
    assert _choice(request, 1).status == ChoiceStatus.FULL
    assert _choice(request, 2).status == ChoiceStatus.PENDING


def test_it_refuses_to_accept_when_the_mentor_is_full(world):
    prog, _, mentors, mentees = world
    request = _ask(prog, mentees[0], mentors[:1])
    factories.MentorshipFactory(program=prog, mentor=mentors[0], mentee=mentees[1])
    with pytest.raises(ValidationError, match="at capacity"):
        services.choice_accept(choice=_choice(request, 1), by=mentors[0])
    assert _choice(request, 1).status == ChoiceStatus.PENDING


def test_it_refuses_a_mentor_the_must_have_rules_forbid(world, skill):
    prog, _, _, mentees = world
    below_target = mentor(prog, {skill: 3})  # the mentee wants level 4: the default rule
    with pytest.raises(ValidationError, match="can't be asked"):
        _ask(prog, mentees[0], [below_target])
