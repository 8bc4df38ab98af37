"""Writes for self-match: the program's mode, mentees' requests, mentors' answers, HR's steps,
the deadline sweep and closing self-match (hybrid: then a matching run).

Concurrency: every step on a request first locks the request's row (`select_for_update`),
then changes a choice with a conditional UPDATE (`filter(status=pending)`), so a mentor's
answer, the mentee's withdrawal, HR's step and the beat sweep apply one at a time and each
hand-off happens exactly once. Pairing rules (capacity, one live mentor per mentee, the manager
chain) are checked by `mentorships.services.mentorship_create` under row locks on both
enrolments; the one-mentee rule is also a partial unique index. Lock order is always the
request row, then enrolments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from audit.services import audit_record
from core.errors import validation_text
from core.mail import absolute_url
from matching.services import matching_run_start
from mentorships.models import LIVE_STATUSES, Mentorship, MentorshipStatus, Source
from mentorships.services import mentorship_create
from outbox.services import Email, emails_enqueue, outbox_enqueue
from people.models import User
from programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, Format, Program
from programs.models import Status as ProgramStatus

from .models import (
    NOTE_MAX_LENGTH,
    Choice,
    ChoiceStatus,
    MatchRequest,
    Mode,
    ProgramMatching,
    RequestStatus,
)
from .ranking import rank_mentors

OPEN_PROGRAM_STATUSES = (ProgramStatus.MATCHING, ProgramStatus.ACTIVE)
# Statuses of a choice that is still part of an open request.
LIVE_CHOICE = (ChoiceStatus.QUEUED, ChoiceStatus.PENDING)
EMAIL_KIND = "selfmatch"
PASS_ON_TASK = "selfmatch.tasks.pass_on_full"


# --- the program's mode -----------------------------------------------------------------------


def program_matching(program: Program) -> ProgramMatching:
    """The program's saved matching mode, or the unsaved default (HR runs matching)."""
    found = ProgramMatching.objects.filter(program=program).first()
    return found or ProgramMatching(program=program)


@transaction.atomic
def program_matching_update(*, program: Program, by: User, data: dict) -> ProgramMatching:
    settings = program_matching(program)
    for name in ("mode", "response_days", "max_choices", "closes_on"):
        if name in data:
            setattr(settings, name, data[name])
    if settings.mode != Mode.HR and program.format == Format.PEER:
        raise ValidationError(
            "Peer programs pair peers with each other: self-match is for mentors."
        )
    if settings.mode == Mode.HYBRID and settings.closes_on is None:
        raise ValidationError("Choose the day self-match closes and the matching run starts.")
    settings.updated_by = by
    settings.full_clean()
    settings.save()
    audit_record(
        actor=by,
        action="selfmatch.settings_updated",
        obj=settings,
        program=program,
        payload={
            "mode": settings.mode,
            "response_days": settings.response_days,
            "max_choices": settings.max_choices,
            "closes_on": settings.closes_on.isoformat() if settings.closes_on else None,
        },
    )
    return settings


def is_open(settings: ProgramMatching) -> bool:
    """Mentees may send requests: a self-match or hybrid program, matching or active, not
    closed."""
    return bool(
        settings.uses_self_match
        and settings.closed_at is None
        and settings.program.status in OPEN_PROGRAM_STATUSES
    )


def open_reason(settings: ProgramMatching) -> str:
    """Why mentees can't send requests now, in words ("" when they can)."""
    if not settings.uses_self_match:
        return "In this program HR matches mentors and mentees: you will hear when you are paired."
    if settings.closed_at is not None:
        return "Self-match has closed in this program: HR's matching run pairs everyone left."
    if settings.program.status not in OPEN_PROGRAM_STATUSES:
        return "Self-match opens when the program moves to matching."
    return ""


# --- places -----------------------------------------------------------------------------------


def _mentor_enrolment(program: Program, mentor_id: int) -> Enrolment | None:
    return Enrolment.objects.filter(
        program=program,
        user_id=mentor_id,
        role=EnrolmentRole.MENTOR,
        status=EnrolmentStatus.APPROVED,
    ).first()


def places_left(program: Program, mentor_id: int) -> int:
    """The mentor's capacity (and the group limit) minus their live mentorships."""
    enrolment = _mentor_enrolment(program, mentor_id)
    if enrolment is None:
        return 0
    limit = enrolment.capacity
    if program.format == Format.GROUP:
        limit = min(limit, program.max_group_size)
    live = Mentorship.objects.filter(
        program=program, mentor_id=mentor_id, status__in=LIVE_STATUSES
    ).count()
    return max(limit - live, 0)


def waiting_counts(program: Program) -> dict[int, int]:
    """Requests waiting for each mentor's answer."""
    rows = (
        Choice.objects.filter(request__program=program, status=ChoiceStatus.PENDING)
        .values("mentor_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["mentor_id"]: r["n"] for r in rows}


# --- emails -----------------------------------------------------------------------------------


def _name(user: User) -> str:
    return user.full_name or user.email


def _reasons(explanation: list) -> str:
    # Never quote a part that scored nothing ("offers 0"): only what the pair has going for it.
    lines = [f"- {text}" for text, points in explanation or [] if points > 0]
    return "\n".join(lines) or "- (no strong points listed)"


def _mail(to: User, subject: str, body: str) -> None:
    emails_enqueue(
        kind=EMAIL_KIND,
        emails=[Email(to.email, subject, f"Hello {_name(to)},\n\n{body}\n")],
    )


def _mail_mentor_asked(choice: Choice, request: MatchRequest) -> None:
    note = request.note.strip()
    quoted = f"\nTheir note to you:\n“{note}”\n" if note else ""
    _mail(
        choice.mentor,
        f"{_name(request.mentee)} asks you to be their mentor in {request.program}",
        f"{_name(request.mentee)} chose you as a mentor in “{request.program}”.\n{quoted}\n"
        f"Why you may be a good fit (score {choice.score}):\n{_reasons(choice.explanation)}\n\n"
        f"Please accept or decline by {timezone.localtime(choice.due_at):%-d %B %Y, %H:%M}; "
        "after that the request goes to their next choice.\n"
        f"{absolute_url(f'/selfmatch/requests/{choice.pk}/')}",
    )


def _mail_mentee(request: MatchRequest, subject: str, body: str) -> None:
    link = absolute_url(f"/selfmatch/programs/{request.program.slug}/")
    _mail(request.mentee, subject, f"{body}\n\n{link}")


# --- requests ---------------------------------------------------------------------------------


@dataclass
class _Allowed:
    score: int
    explanation: list


def _check_choices(program: Program, mentee: User, mentor_ids: list[int], limit: int) -> dict:
    if not mentor_ids:
        raise ValidationError("Choose at least one mentor.")
    if len(mentor_ids) > limit:
        raise ValidationError(f"Choose at most {limit} mentors.")
    if len(set(mentor_ids)) != len(mentor_ids):
        raise ValidationError("Choose each mentor only once.")
    ranking = rank_mentors(program, mentee)
    if not ranking.found:
        raise ValidationError(
            "You can't ask for a mentor here: you need an approved mentee enrolment and no "
            "mentor yet in this program."
        )
    by_id = {o.user_id: o for o in ranking.options}
    allowed: dict[int, _Allowed] = {}
    for mentor_id in mentor_ids:
        option = by_id.get(mentor_id)
        if option is None or not option.allowed:
            raise ValidationError("One of the mentors you chose can't be asked. Choose again.")
        if option.places_left <= 0:
            raise ValidationError(f"{option.name} has no place left. Choose someone else.")
        allowed[mentor_id] = _Allowed(option.score, option.explanation)
    return allowed


@transaction.atomic
def match_request_create(
    *, program: Program, mentee: User, mentor_ids: list[int], note: str = ""
) -> MatchRequest:
    """The mentee's ranked choices (first = most wanted); the first choice is asked now."""
    settings = program_matching(program)
    reason = open_reason(settings)
    if reason:
        raise ValidationError(reason)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(f"Keep the note to {NOTE_MAX_LENGTH} characters.")
    allowed = _check_choices(program, mentee, mentor_ids, settings.max_choices)
    try:
        with transaction.atomic():
            request = MatchRequest.objects.create(program=program, mentee=mentee, note=note)
    except IntegrityError:
        raise ValidationError(
            "You already have a request waiting in this program: withdraw it first."
        ) from None
    Choice.objects.bulk_create(
        [
            Choice(
                request=request,
                rank=rank,
                mentor_id=mentor_id,
                score=allowed[mentor_id].score,
                explanation=allowed[mentor_id].explanation,
            )
            for rank, mentor_id in enumerate(mentor_ids, start=1)
        ]
    )
    _advance(request, settings, timezone.now())
    return request


def _lock(request_id: int) -> MatchRequest:
    return (
        MatchRequest.objects.select_for_update(of=("self",))
        .select_related("program", "mentee")
        .get(pk=request_id)
    )


def _advance(request: MatchRequest, settings: ProgramMatching, now: datetime) -> Choice | None:
    """Ask the best queued choice who can still take the mentee; none left: the request ends.

    The caller holds the request's lock and has ended the previous pending choice.
    """
    queued = request.choices.filter(status=ChoiceStatus.QUEUED).select_related("mentor")
    for choice in queued.order_by("rank"):
        if places_left(request.program, choice.mentor_id) <= 0:
            Choice.objects.filter(pk=choice.pk, status=ChoiceStatus.QUEUED).update(
                status=ChoiceStatus.FULL
            )
            continue
        due = now + timedelta(days=settings.response_days)
        Choice.objects.filter(pk=choice.pk, status=ChoiceStatus.QUEUED).update(
            status=ChoiceStatus.PENDING, sent_at=now, due_at=due
        )
        choice.status, choice.sent_at, choice.due_at = ChoiceStatus.PENDING, now, due
        _mail_mentor_asked(choice, request)
        return choice
    MatchRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=RequestStatus.EXHAUSTED, closed_at=now
    )
    after = (
        "Choose again: other mentors may still have places."
        if is_open(settings)
        else "HR will pair you."
    )
    _mail_mentee(
        request,
        f"No mentor from your list in {request.program} yet",
        f"None of the mentors you chose in “{request.program}” could take you. {after}",
    )
    return None


def _end_pending(request: MatchRequest, status: str, now: datetime) -> Choice | None:
    """Ends the request's pending choice with `status` (exactly once); None if none pending."""
    choice = request.choices.filter(status=ChoiceStatus.PENDING).select_related("mentor").first()
    if choice is None:
        return None
    updated = Choice.objects.filter(pk=choice.pk, status=ChoiceStatus.PENDING).update(
        status=status, answered_at=now
    )
    return choice if updated else None


def _close(request: MatchRequest, status: str, by: User | None, now: datetime) -> Choice | None:
    """Ends an open request: every choice still live is withdrawn. Returns the one that was
    waiting for a mentor, if any."""
    pending = request.choices.filter(status=ChoiceStatus.PENDING).select_related("mentor").first()
    request.choices.filter(status__in=LIVE_CHOICE).update(status=ChoiceStatus.WITHDRAWN)
    MatchRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=status, closed_at=now, closed_by=by
    )
    request.refresh_from_db()
    return pending


def _require_open(request: MatchRequest) -> None:
    if request.status != RequestStatus.OPEN:
        raise ValidationError(
            f"This request is no longer waiting: {request.get_status_display().lower()}."
        )


@transaction.atomic
def match_request_withdraw(*, request: MatchRequest, by: User) -> MatchRequest:
    request = _lock(request.pk)
    if by.pk != request.mentee_id:
        raise ValidationError("Only the mentee can withdraw their request.")
    _require_open(request)
    pending = _close(request, RequestStatus.WITHDRAWN, by, timezone.now())
    if pending is not None:
        _mail(
            pending.mentor,
            f"{_name(request.mentee)} withdrew their request",
            f"{_name(request.mentee)} withdrew their request in “{request.program}”: "
            "nothing to answer any more.",
        )
    return request


# --- the mentor's answer ----------------------------------------------------------------------


def _lock_choice(choice: Choice, mentor: User) -> tuple[MatchRequest, Choice]:
    request = _lock(choice.request_id)
    choice = Choice.objects.select_related("mentor").get(pk=choice.pk)
    if choice.mentor_id != mentor.pk:
        raise ValidationError("Only the mentor asked can answer this request.")
    if request.status != RequestStatus.OPEN or choice.status != ChoiceStatus.PENDING:
        raise ValidationError(
            f"This request is no longer waiting for you: {choice.get_status_display().lower()}."
        )
    return request, choice


def _option(request: MatchRequest, mentor: User):
    options = rank_mentors(request.program, request.mentee).options
    return next((o for o in options if o.user_id == mentor.pk), None)


def _pair(request: MatchRequest, mentor: User, by: User, source: str) -> Mentorship:
    """The mentorship, through `mentorship_create`, which enforces every pairing rule."""
    choice = request.choices.filter(mentor=mentor).first()
    score, explanation = (choice.score, choice.explanation) if choice else (None, [])
    if choice is None:
        option = _option(request, mentor)
        if option is not None:
            score, explanation = option.score, option.explanation
    return mentorship_create(
        program=request.program,
        mentor=mentor,
        mentee=request.mentee,
        by=by,
        source=source,
        status=MentorshipStatus.ACTIVE,
        score=score,
        explanation=explanation,
    )


def _matched(request: MatchRequest, mentorship: Mentorship, by: User, now: datetime) -> None:
    request.choices.filter(status__in=LIVE_CHOICE).update(status=ChoiceStatus.WITHDRAWN)
    MatchRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=RequestStatus.MATCHED, mentorship=mentorship, closed_at=now, closed_by=by
    )
    if places_left(request.program, mentorship.mentor_id) <= 0:
        # Others waiting for this mentor go on to their next choice, after this commit.
        outbox_enqueue(task=PASS_ON_TASK, args=[request.program_id, mentorship.mentor_id])


@transaction.atomic
def choice_accept(*, choice: Choice, by: User) -> Mentorship:
    """The mentor takes the mentee: the mentorship starts, the mentee's other choices end."""
    request, choice = _lock_choice(choice, by)
    now = timezone.now()
    Choice.objects.filter(pk=choice.pk, status=ChoiceStatus.PENDING).update(
        status=ChoiceStatus.ACCEPTED, answered_at=now
    )
    mentorship = _pair(request, by, by, Source.SELF_MATCH)
    _matched(request, mentorship, by, now)
    _mail_mentee(
        request,
        f"{_name(by)} is your mentor in {request.program}",
        f"{_name(by)} accepted your request in “{request.program}”. Your mentorship has "
        f"started: {absolute_url(mentorship.get_absolute_url())}",
    )
    return mentorship


@transaction.atomic
def choice_decline(*, choice: Choice, by: User) -> MatchRequest:
    request, choice = _lock_choice(choice, by)
    now = timezone.now()
    _end_pending(request, ChoiceStatus.DECLINED, now)
    _pass_on(request, choice, "can't take you on", now)
    return request


def _pass_on(request: MatchRequest, ended: Choice, why: str, now: datetime) -> None:
    settings = program_matching(request.program)
    following = _advance(request, settings, now)
    if following is not None:
        _mail_mentee(
            request,
            f"Your request went to your next choice in {request.program}",
            f"{_name(ended.mentor)} {why}, so your request went to your next choice, "
            f"{_name(following.mentor)}.",
        )


# --- the sweep (beat): lapsed deadlines, full mentors, mentees paired elsewhere ---------------


def choice_lapse(*, choice_id: int, now: datetime | None = None) -> bool:
    """Passes a request whose mentor did not answer in time to the next choice; exactly once."""
    now = now or timezone.now()
    with transaction.atomic():
        request_id = Choice.objects.filter(pk=choice_id).values_list("request_id", flat=True)
        if not request_id:
            return False
        request = _lock(request_id[0])
        choice = Choice.objects.select_related("mentor").get(pk=choice_id)
        ended = Choice.objects.filter(
            pk=choice_id, status=ChoiceStatus.PENDING, due_at__lte=now
        ).update(status=ChoiceStatus.LAPSED, answered_at=now)
        if not ended or request.status != RequestStatus.OPEN:
            return False
        _mail(
            choice.mentor,
            f"{_name(request.mentee)}'s request went to someone else",
            f"You did not answer {_name(request.mentee)}'s request in “{request.program}” in "
            "time, so it went to their next choice.",
        )
        _pass_on(request, choice, "did not answer in time", now)
        return True


def choice_pass_on_full(*, choice_id: int) -> bool:
    """A mentor with no place left can't take a waiting request: pass it on; exactly once."""
    now = timezone.now()
    with transaction.atomic():
        request_id = Choice.objects.filter(pk=choice_id).values_list("request_id", flat=True)
        if not request_id:
            return False
        request = _lock(request_id[0])
        choice = Choice.objects.select_related("mentor").get(pk=choice_id)
        if choice.status != ChoiceStatus.PENDING or request.status != RequestStatus.OPEN:
            return False
        if places_left(request.program, choice.mentor_id) > 0:
            return False
        Choice.objects.filter(pk=choice_id, status=ChoiceStatus.PENDING).update(
            status=ChoiceStatus.FULL, answered_at=now
        )
        _pass_on(request, choice, "has no place left", now)
        return True


def mentor_full_pass_on(*, program_id: int, mentor_id: int) -> int:
    ids = Choice.objects.filter(
        request__program_id=program_id, mentor_id=mentor_id, status=ChoiceStatus.PENDING
    ).values_list("pk", flat=True)
    return sum(choice_pass_on_full(choice_id=pk) for pk in list(ids))


def request_close_if_paired(*, request_id: int) -> bool:
    """The mentee got a mentor another way (HR, a matching run): their request ends."""
    with transaction.atomic():
        request = _lock(request_id)
        if request.status != RequestStatus.OPEN:
            return False
        live = Mentorship.objects.filter(
            program=request.program, mentee=request.mentee, status__in=LIVE_STATUSES
        ).first()
        if live is None:
            return False
        pending = _close(request, RequestStatus.MATCHED, None, timezone.now())
        MatchRequest.objects.filter(pk=request.pk).update(mentorship=live)
        if pending is not None:
            _mail(
                pending.mentor,
                f"{_name(request.mentee)} has a mentor now",
                f"{_name(request.mentee)} was paired in “{request.program}”: nothing to answer.",
            )
        return True


@dataclass
class SweepResult:
    lapsed: int = 0
    passed_on_full: int = 0
    closed_paired: int = 0
    reminded: int = 0
    programs_closed: int = 0


def selfmatch_sweep(*, now: datetime | None = None) -> SweepResult:
    """What beat runs every few minutes; each step is safe to run twice or at once."""
    now = now or timezone.now()
    result = SweepResult()
    due = Choice.objects.filter(status=ChoiceStatus.PENDING, due_at__lte=now)
    for pk in list(due.values_list("pk", flat=True)[:500]):
        result.lapsed += choice_lapse(choice_id=pk, now=now)
    for pk in _pending_at_full_mentors():
        result.passed_on_full += choice_pass_on_full(choice_id=pk)
    live = Mentorship.objects.filter(
        program=OuterRef("program"), mentee=OuterRef("mentee"), status__in=LIVE_STATUSES
    )
    paired = MatchRequest.objects.filter(Exists(live), status=RequestStatus.OPEN)
    for pk in list(paired.values_list("pk", flat=True)[:500]):
        result.closed_paired += request_close_if_paired(request_id=pk)
    result.reminded = _remind(now)
    result.programs_closed = selfmatch_close_due(today=timezone.localdate(now))
    return result


def _pending_at_full_mentors() -> list[int]:
    """Choices waiting for a mentor who has no place left (e.g. HR paired them by hand)."""
    rows = Choice.objects.filter(status=ChoiceStatus.PENDING).values_list(
        "pk", "request__program_id", "mentor_id"
    )
    by_mentor: dict[tuple[int, int], list[int]] = {}
    for pk, program_id, mentor_id in rows[:2000]:
        by_mentor.setdefault((program_id, mentor_id), []).append(pk)
    programs = Program.objects.in_bulk({program_id for program_id, _ in by_mentor})
    out = []
    for (program_id, mentor_id), ids in by_mentor.items():
        if places_left(programs[program_id], mentor_id) <= 0:
            out.extend(ids)
    return out


def _remind(now: datetime) -> int:
    """One reminder per choice, a day before its deadline (a conditional UPDATE claims it)."""
    soon = Choice.objects.filter(
        status=ChoiceStatus.PENDING,
        reminded_at__isnull=True,
        due_at__gt=now,
        due_at__lte=now + timedelta(days=1),
    ).select_related("mentor", "request__mentee", "request__program")
    sent = 0
    for choice in list(soon[:500]):
        with transaction.atomic():
            claimed = Choice.objects.filter(
                pk=choice.pk, status=ChoiceStatus.PENDING, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            request = choice.request
            _mail(
                choice.mentor,
                f"Reminder: {_name(request.mentee)} is waiting for your answer",
                f"{_name(request.mentee)} asked you to be their mentor in “{request.program}”. "
                f"Please answer by {timezone.localtime(choice.due_at):%-d %B %Y, %H:%M}.\n"
                f"{absolute_url(f'/selfmatch/requests/{choice.pk}/')}",
            )
            sent += 1
    return sent


# --- HR steps in -----------------------------------------------------------------------------


def _lock_for_hr(request: MatchRequest) -> MatchRequest:
    request = _lock(request.pk)
    _require_open(request)
    return request


@transaction.atomic
def match_request_cancel(*, request: MatchRequest, by: User) -> MatchRequest:
    request = _lock_for_hr(request)
    pending = _close(request, RequestStatus.CANCELLED, by, timezone.now())
    audit_record(
        actor=by, action="selfmatch.request_cancelled", obj=request, program=request.program
    )
    _mail_mentee(
        request,
        f"HR cancelled your mentor request in {request.program}",
        f"HR cancelled your mentor request in “{request.program}”. Ask them if you are unsure why.",
    )
    if pending is not None:
        _mail(
            pending.mentor,
            f"{_name(request.mentee)}'s request was cancelled",
            f"HR cancelled {_name(request.mentee)}'s request in “{request.program}”: nothing to "
            "answer.",
        )
    return request


@transaction.atomic
def match_request_reassign(*, request: MatchRequest, mentor: User, by: User) -> Choice:
    """HR sends the request to `mentor` now, instead of whoever has it."""
    request = _lock_for_hr(request)
    if places_left(request.program, mentor.pk) <= 0:
        raise ValidationError(f"{_name(mentor)} has no place left in this program.")
    existing = request.choices.filter(mentor=mentor).first()
    if existing is not None and existing.status not in LIVE_CHOICE:
        raise ValidationError(
            f"{_name(mentor)} was asked already ({existing.get_status_display()})."
        )
    if existing is not None and existing.status == ChoiceStatus.PENDING:
        raise ValidationError(f"The request is already with {_name(mentor)}.")
    now = timezone.now()
    previous = _end_pending(request, ChoiceStatus.SKIPPED, now)
    option = _option(request, mentor)
    if option is None or not option.allowed:
        raise ValidationError(f"{_name(mentor)} can't mentor {_name(request.mentee)} here.")
    if existing is None:
        last = request.choices.order_by("-rank").values_list("rank", flat=True).first() or 0
        existing = Choice.objects.create(
            request=request,
            rank=last + 1,
            mentor=mentor,
            score=option.score,
            explanation=option.explanation,
        )
    settings = program_matching(request.program)
    due = now + timedelta(days=settings.response_days)
    Choice.objects.filter(pk=existing.pk).update(
        status=ChoiceStatus.PENDING, sent_at=now, due_at=due
    )
    existing.refresh_from_db()
    _mail_mentor_asked(existing, request)
    if previous is not None:
        _mail(
            previous.mentor,
            f"{_name(request.mentee)}'s request went to someone else",
            f"HR passed {_name(request.mentee)}'s request in “{request.program}” to another "
            "mentor: nothing to answer.",
        )
    audit_record(
        actor=by,
        action="selfmatch.request_reassigned",
        obj=request,
        program=request.program,
        payload={"mentor": mentor.pk},
    )
    return existing


@transaction.atomic
def match_request_pair(*, request: MatchRequest, mentor: User, by: User) -> Mentorship:
    """HR pairs the mentee by hand: the mentorship starts and the request ends."""
    request = _lock_for_hr(request)
    now = timezone.now()
    pending = _end_pending(request, ChoiceStatus.WITHDRAWN, now)
    mentorship = _pair(request, mentor, by, Source.MANUAL)
    _matched(request, mentorship, by, now)
    audit_record(actor=by, action="selfmatch.request_paired", obj=request, program=request.program)
    _mail_mentee(
        request,
        f"{_name(mentor)} is your mentor in {request.program}",
        f"HR paired you with {_name(mentor)} in “{request.program}”: "
        f"{absolute_url(mentorship.get_absolute_url())}",
    )
    if pending is not None and pending.mentor_id != mentor.pk:
        _mail(
            pending.mentor,
            f"{_name(request.mentee)} has a mentor now",
            f"HR paired {_name(request.mentee)} in “{request.program}”: nothing to answer.",
        )
    return mentorship


# --- closing self-match (hybrid: then the solver) ---------------------------------------------


@dataclass
class CloseResult:
    closed_requests: int
    run: object | None = None
    error: str = ""


@transaction.atomic
def selfmatch_close(*, program: Program, by: User | None) -> CloseResult | None:
    """Closes self-match once (None if it was closed already or never open): open requests end,
    and a hybrid program starts a matching run for everyone still without a mentor. The run
    holds live mentorships fixed: their mentees are left out and their places taken."""
    settings = program_matching(program)
    if settings.pk is None:
        return None
    now = timezone.now()
    claimed = ProgramMatching.objects.filter(
        pk=settings.pk, closed_at__isnull=True, mode__in=(Mode.SELF, Mode.HYBRID)
    ).update(closed_at=now)
    if not claimed:
        return None
    open_ids = list(
        MatchRequest.objects.filter(program=program, status=RequestStatus.OPEN)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in open_ids:
        request = _lock(pk)
        pending = _close(request, RequestStatus.CLOSED, by, now)
        _mail_mentee(
            request,
            f"Self-match closed in {program}",
            f"Self-match has closed in “{program}” before a mentor answered your request. "
            + ("HR's matching run will pair you." if settings.mode == Mode.HYBRID else ""),
        )
        if pending is not None:
            _mail(
                pending.mentor,
                f"{_name(request.mentee)}'s request was closed",
                f"Self-match closed in “{program}”: nothing to answer.",
            )
    result = CloseResult(closed_requests=len(open_ids))
    if settings.mode == Mode.HYBRID:
        try:
            result.run = matching_run_start(program=program, by=by, remaining_only=True)
        except ValidationError as exc:
            result.error = validation_text(exc)[:300]
        ProgramMatching.objects.filter(pk=settings.pk).update(
            closing_run=result.run, close_error=result.error
        )
    audit_record(
        actor=by,
        action="selfmatch.closed",
        obj=settings,
        program=program,
        payload={"requests_closed": len(open_ids), "error": result.error},
    )
    return result


def selfmatch_close_due(*, today: date) -> int:
    """Hybrid programs whose closing day has come: close each, exactly once."""
    due = ProgramMatching.objects.filter(
        mode=Mode.HYBRID, closes_on__lte=today, closed_at__isnull=True
    ).select_related("program")
    closed = 0
    for settings in list(due):
        closed += selfmatch_close(program=settings.program, by=None) is not None
    return closed
