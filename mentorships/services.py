"""Writes for mentorships: pairing lifecycle, agreements, goals, milestones, reset requests.

Every status change is a conditional UPDATE (`filter(pk=..., status=old)`), so a double click
or two coordinators acting at once can apply a transition only once. Pairing invariants
(capacity, one live mentorship per mentee, peers in one pairing) are checked while holding
row locks on the enrolments involved; the one-mentee rule is also a partial unique index.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record, audit_record_many
from outbox.services import event_record
from people.models import User
from programs.models import (
    Enrolment,
    EnrolmentRole,
    EnrolmentStatus,
    Format,
    Program,
    Skill,
)
from programs.models import Status as ProgramStatus
from programs.services import enrolment_withdraw

from .models import (
    LIVE_STATUSES,
    Agreement,
    EndReason,
    EventKind,
    Goal,
    GoalStatus,
    Mentorship,
    MentorshipEvent,
    MentorshipStatus,
    Milestone,
    PairingFigures,
    ResetOutcome,
    ResetRequest,
    Source,
)
from .selectors import require_participant

# --- helpers --------------------------------------------------------------------------------


def mentorship_event_data(mentorship: Mentorship) -> dict[str, Any]:
    """What the integrations (webhooks) are told about a pairing: ids, people, status; never
    a note or reason text."""

    def person(user: User) -> dict[str, Any]:
        return {"id": user.pk, "email": user.email, "name": user.full_name}

    return {
        "mentorship": {
            "id": mentorship.pk,
            "status": mentorship.status,
            "source": mentorship.source,
            "started_on": mentorship.started_on.isoformat() if mentorship.started_on else None,
            "ended_on": mentorship.ended_on.isoformat() if mentorship.ended_on else None,
            "end_reason": mentorship.end_reason or None,
        },
        "mentor": person(mentorship.mentor),
        "mentee": person(mentorship.mentee),
        "program": {"id": mentorship.program_id, "slug": mentorship.program.slug},
    }


def _record(mentorship: Mentorship, kind: str) -> None:
    event_record(
        kind=kind, program_id=mentorship.program_id, data=mentorship_event_data(mentorship)
    )


def _event(mentorship: Mentorship, kind: str, by: User | None, reason: str = "") -> None:
    MentorshipEvent.objects.create(mentorship=mentorship, kind=kind, by=by, reason=reason)
    if by is None or not mentorship.is_participant(by):
        # HR and admin actions go to the audit log; the reason text stays in the history only.
        audit_record(
            actor=by,
            action=f"mentorship.{kind}",
            obj=mentorship,
            program=mentorship.program,
            payload={"status": mentorship.status},
        )


def _require_text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(f"Please give {what}.")
    return value


def _is_above(candidate_id: int, user_id: int) -> bool:
    """True if candidate is user's manager or anyone above them in the reporting line."""
    seen: set[int] = set()
    current = User.objects.filter(pk=user_id).values_list("manager_id", flat=True).first()
    while current is not None and current not in seen:
        if current == candidate_id:
            return True
        seen.add(current)
        current = User.objects.filter(pk=current).values_list("manager_id", flat=True).first()
    return False


def _lock_enrolments(program: Program, user_ids: list[int]) -> dict[int, Enrolment]:
    # Lock in id order so two requests touching the same pair can't deadlock.
    rows = (
        Enrolment.objects.select_for_update()
        .filter(program=program, user_id__in=user_ids, status=EnrolmentStatus.APPROVED)
        .order_by("id")
    )
    return {e.user_id: e for e in rows}


def _live_count(program: Program, user: User) -> int:
    return Mentorship.objects.filter(program=program, mentor=user, status__in=LIVE_STATUSES).count()


def _check_roles(
    program: Program, mentor: User, mentee: User, enrolments: dict[int, Enrolment]
) -> tuple[Enrolment, Enrolment]:
    mentor_e, mentee_e = enrolments.get(mentor.pk), enrolments.get(mentee.pk)
    if mentor_e is None:
        raise ValidationError(f"{mentor} has no approved enrolment in “{program}”.")
    if mentee_e is None:
        raise ValidationError(f"{mentee} has no approved enrolment in “{program}”.")
    if program.format == Format.PEER:
        if mentor_e.role != EnrolmentRole.PEER or mentee_e.role != EnrolmentRole.PEER:
            raise ValidationError("In a peer program both people must be enrolled as peers.")
    else:
        if mentor_e.role != EnrolmentRole.MENTOR:
            raise ValidationError(
                f"{mentor} is enrolled as {mentor_e.get_role_display().lower()}, not as a mentor."
            )
        if mentee_e.role != EnrolmentRole.MENTEE:
            raise ValidationError(
                f"{mentee} is enrolled as {mentee_e.get_role_display().lower()}, not as a mentee."
            )
    return mentor_e, mentee_e


def _check_capacity(program: Program, mentor: User, mentee: User, mentor_e: Enrolment) -> None:
    if program.format == Format.PEER:
        for person in (mentor, mentee):
            busy = Mentorship.objects.filter(
                Q(mentor=person) | Q(mentee=person), program=program, status__in=LIVE_STATUSES
            ).exists()
            if busy:
                raise ValidationError(f"{person} already has a live peer pairing in this program.")
        return
    used = _live_count(program, mentor)
    if used >= mentor_e.capacity:
        raise ValidationError(
            f"{mentor} is at capacity: {used} of {mentor_e.capacity} mentee places are taken."
        )
    if program.format == Format.GROUP and used >= program.max_group_size:
        raise ValidationError(
            f"{mentor}'s group is full: the program allows at most {program.max_group_size}."
        )
    if Mentorship.objects.filter(program=program, mentee=mentee, status__in=LIVE_STATUSES).exists():
        raise ValidationError(f"{mentee} already has a live mentorship in this program.")


def _agreement_defaults(program: Program) -> dict[str, str]:
    frequency = program.meeting_expectations.strip() or program.get_meeting_cadence_display()
    return {
        "meeting_frequency": frequency[:120],
        "mentor_owns": program.mentor_expectations,
        "mentee_owns": program.mentee_expectations,
    }


def _transition(
    mentorship: Mentorship, *, allowed: tuple[str, ...], verb: str, **changes: Any
) -> Mentorship:
    updated = Mentorship.objects.filter(pk=mentorship.pk, status__in=allowed).update(
        updated_at=timezone.now(), health_stale=True, **changes
    )
    if not updated:
        current = Mentorship.objects.filter(pk=mentorship.pk).values_list("status", flat=True)
        label = MentorshipStatus(current[0]).label.lower() if current else "deleted"
        raise ValidationError(f"This mentorship can't be {verb}: it is {label}.")
    mentorship.refresh_from_db()
    return mentorship


@transaction.atomic
def mentorships_mark_health_stale(*, ids: list[int]) -> int:
    """Say that something relationship health reads (status, start, milestones) changed for
    these pairings; the check-ins app recomputes their stored health from this flag (on the
    health board, or its hourly sweep). Call it in the transaction of the change: the UPDATE
    takes the row lock that orders it after a recomputation under way. Returns the rows."""
    return Mentorship.objects.filter(pk__in=ids).update(health_stale=True)


# --- pairing lifecycle ----------------------------------------------------------------------


@transaction.atomic
def mentorship_create(
    *,
    program: Program,
    mentor: User,
    mentee: User,
    by: User | None,
    source: str = Source.MANUAL,
    status: str = MentorshipStatus.ACTIVE,
    matching_run=None,
    score: int | None = None,
    explanation: list | dict | None = None,
    note: str = "",
) -> Mentorship:
    """Pair two enrolled people, enforcing every pairing rule under row locks."""
    if mentor.pk == mentee.pk:
        raise ValidationError("Nobody can be paired with themselves.")
    if status not in (MentorshipStatus.ACTIVE, MentorshipStatus.PROPOSED):
        raise ValidationError("A new mentorship starts as proposed or active.")
    if program.status in (ProgramStatus.DRAFT, ProgramStatus.CLOSED):
        raise ValidationError(
            f"“{program}” is {program.get_status_display().lower()}: no pairings can be made."
        )
    if source not in Source.values:
        raise ValidationError("Unknown source.")
    if _is_above(mentor.pk, mentee.pk):
        raise ValidationError(
            f"{mentor} is in {mentee}'s reporting line; choose a mentor outside it."
        )
    enrolments = _lock_enrolments(program, [mentor.pk, mentee.pk])
    mentor_e, _ = _check_roles(program, mentor, mentee, enrolments)
    _check_capacity(program, mentor, mentee, mentor_e)
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                program=program,
                mentor=mentor,
                mentee=mentee,
                status=status,
                source=source,
                matching_run=matching_run,
                score=score,
                explanation=explanation if explanation is not None else [],
                started_on=date.today() if status == MentorshipStatus.ACTIVE else None,
                created_by=by,
            )
    except IntegrityError as exc:
        raise ValidationError(f"{mentee} already has a live mentorship in this program.") from exc
    Agreement.objects.create(mentorship=mentorship, **_agreement_defaults(program))
    _event(mentorship, EventKind.CREATED, by, note)
    _record(mentorship, "mentorship.created")
    return mentorship


@transaction.atomic
def mentorship_activate(*, mentorship: Mentorship, by: User | None) -> Mentorship:
    mentorship = _transition(
        mentorship,
        allowed=(MentorshipStatus.PROPOSED,),
        verb="activated",
        status=MentorshipStatus.ACTIVE,
        started_on=date.today(),
    )
    _event(mentorship, EventKind.ACTIVATED, by)
    return mentorship


@transaction.atomic
def mentorships_activate_many(
    *, program: Program, ids: list[int], by: User | None
) -> list[Mentorship]:
    """`mentorship_activate` for many proposed mentorships of one program (a published
    matching run), in a few statements: the same transition, history and audit.

    Those no longer proposed are left out; returns the ones activated, with both people.
    """
    ids = list(
        Mentorship.objects.select_for_update()
        .filter(program=program, pk__in=ids, status=MentorshipStatus.PROPOSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Mentorship.objects.filter(pk__in=ids).update(
        status=MentorshipStatus.ACTIVE,
        started_on=date.today(),
        updated_at=timezone.now(),
        health_stale=True,
    )
    activated = list(
        Mentorship.objects.filter(pk__in=ids)
        .select_related("mentor", "mentee", "program")
        .order_by("pk")
    )
    MentorshipEvent.objects.bulk_create(
        [MentorshipEvent(mentorship=m, kind=EventKind.ACTIVATED, by=by) for m in activated],
        batch_size=1000,
    )
    audit_record_many(
        actor=by,
        action=f"mentorship.{EventKind.ACTIVATED}",
        program=program,
        objs=[m for m in activated if by is None or not m.is_participant(by)],
        payload={"status": MentorshipStatus.ACTIVE},
    )
    return activated


@transaction.atomic
def mentorship_pause(*, mentorship: Mentorship, reason: str, by: User | None) -> Mentorship:
    reason = _require_text(reason, "a reason for pausing")
    mentorship = _transition(
        mentorship,
        allowed=(MentorshipStatus.ACTIVE,),
        verb="paused",
        status=MentorshipStatus.PAUSED,
    )
    _event(mentorship, EventKind.PAUSED, by, reason)
    return mentorship


@transaction.atomic
def mentorship_resume(*, mentorship: Mentorship, by: User | None, reason: str = "") -> Mentorship:
    mentorship = _transition(
        mentorship,
        allowed=(MentorshipStatus.PAUSED,),
        verb="resumed",
        status=MentorshipStatus.ACTIVE,
    )
    _event(mentorship, EventKind.RESUMED, by, reason)
    return mentorship


@transaction.atomic
def mentorship_complete(*, mentorship: Mentorship, by: User | None, note: str = "") -> Mentorship:
    mentorship = _transition(
        mentorship,
        allowed=(MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED),
        verb="completed",
        status=MentorshipStatus.COMPLETED,
        ended_on=date.today(),
    )
    _event(mentorship, EventKind.COMPLETED, by, note)
    _record(mentorship, "mentorship.ended")
    return mentorship


@transaction.atomic
def mentorship_end(
    *, mentorship: Mentorship, reason: str, note: str = "", by: User | None
) -> Mentorship:
    """End a live pairing early; `reason` is an EndReason value, `note` the human why."""
    if reason not in EndReason.values:
        raise ValidationError("Choose why the mentorship ends.")
    mentorship = _transition(
        mentorship,
        allowed=LIVE_STATUSES,
        verb="ended",
        status=MentorshipStatus.ENDED,
        ended_on=date.today(),
        end_reason=reason,
        end_note=(note or "").strip(),
    )
    _event(mentorship, EventKind.ENDED, by, f"{EndReason(reason).label}. {note}".strip())
    _record(mentorship, "mentorship.ended")
    return mentorship


@transaction.atomic
def mentorship_reassign(
    *, mentorship: Mentorship, new_mentor: User, reason: str, note: str = "", by: User | None
) -> Mentorship:
    """End the pairing as "reassigned" and pair the mentee with `new_mentor` in one step."""
    reason = _require_text(reason, "a reason for the reassignment")
    if new_mentor.pk == mentorship.mentor_id:
        raise ValidationError("Choose a different mentor from the current one.")
    full_note = f"{reason}\n{note}".strip()
    old = mentorship_end(mentorship=mentorship, reason=EndReason.REASSIGNED, note=full_note, by=by)
    new = mentorship_create(
        program=old.program,
        mentor=new_mentor,
        mentee=old.mentee,
        by=by,
        source=Source.MANUAL,
        status=MentorshipStatus.ACTIVE,
        note=full_note,
    )
    Mentorship.objects.filter(pk=old.pk).update(replaced_by=new)
    old.replaced_by = new
    carried = _goals_carry_over(source=old, target=new)
    moved = f" {carried} open goal(s) carried over." if carried else ""
    _event(old, EventKind.REASSIGNED, by, f"To {new_mentor}: {full_note}{moved}")
    return new


def _goals_carry_over(*, source: Mentorship, target: Mentorship) -> int:
    """Copies the mentee's open goals, with their skills and milestones (done ones stay done),
    to the new pairing: the mentee's development goes on with the new mentor. Achieved and
    dropped goals stay with the old pairing as its record. Returns how many were copied."""
    goals = list(
        source.goals.exclude(status__in=(GoalStatus.ACHIEVED, GoalStatus.DROPPED)).prefetch_related(
            "skills", "milestones"
        )
    )
    for goal in goals:
        copy = Goal.objects.create(
            mentorship=target,
            title=goal.title,
            description=goal.description,
            success_measure=goal.success_measure,
            target_date=goal.target_date,
            status=goal.status,
        )
        copy.skills.set(goal.skills.all())
        Milestone.objects.bulk_create(
            Milestone(
                goal=copy,
                title=m.title,
                due_date=m.due_date,
                done_at=m.done_at,
                evidence=m.evidence,
            )
            for m in goal.milestones.all()
        )
    return len(goals)


# --- reset requests -------------------------------------------------------------------------


@transaction.atomic
def reset_request_create(*, mentorship: Mentorship, raised_by: User, reason: str) -> ResetRequest:
    require_participant(mentorship, raised_by)
    if not mentorship.is_live:
        raise ValidationError("This mentorship is no longer running.")
    reason = _require_text(reason, "a reason so HR can help")
    try:
        with transaction.atomic():
            return ResetRequest.objects.create(
                mentorship=mentorship, raised_by=raised_by, reason=reason
            )
    except IntegrityError as exc:
        raise ValidationError(
            "You already have an open request for this pairing; HR will get back to you."
        ) from exc


@transaction.atomic
def reset_request_resolve(
    *, request: ResetRequest, by: User, action: str, new_mentor: User | None = None, note: str = ""
) -> ResetRequest:
    """Reset (end, or reassign when `new_mentor` is given) or dismiss; claims the request once."""
    if action not in ("reset", "dismiss"):
        raise ValidationError("Choose to reset the pairing or dismiss the request.")
    if action == "reset":
        outcome = ResetOutcome.REASSIGNED if new_mentor else ResetOutcome.ENDED
    else:
        outcome = ResetOutcome.DISMISSED
    claimed = ResetRequest.objects.filter(pk=request.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(),
        resolved_by=by,
        resolution=(note or "").strip(),
        outcome=outcome,
    )
    if not claimed:
        raise ValidationError("This request was already resolved.")
    request.refresh_from_db()
    if action == "reset":
        mentorship = Mentorship.objects.get(pk=request.mentorship_id)
        why = f"Reset request: {request.reason}\n{note}".strip()
        if new_mentor is not None:
            mentorship_reassign(mentorship=mentorship, new_mentor=new_mentor, reason=why, by=by)
        else:
            mentorship_end(mentorship=mentorship, reason=EndReason.NOT_WORKING, note=why, by=by)
        # Other open requests on the same pairing are answered by this reset too.
        ResetRequest.objects.filter(
            mentorship_id=request.mentorship_id, resolved_at__isnull=True
        ).update(
            resolved_at=timezone.now(),
            resolved_by=by,
            outcome=outcome,
            resolution="Resolved with another request on this pairing.",
        )
    return request


# --- agreement ------------------------------------------------------------------------------

AGREEMENT_FIELDS = ("meeting_frequency", "channel", "confidentiality", "mentor_owns", "mentee_owns")


def _require_live(mentorship: Mentorship) -> None:
    if not mentorship.is_live:
        raise ValidationError("This mentorship has finished; it can no longer be changed.")


@transaction.atomic
def agreement_ensure(*, mentorship: Mentorship) -> Agreement:
    agreement, _ = Agreement.objects.get_or_create(
        mentorship=mentorship, defaults=_agreement_defaults(mentorship.program)
    )
    return agreement


@transaction.atomic
def agreement_update(*, agreement: Agreement, by: User, data: dict[str, str]) -> Agreement:
    """Edit the agreement; any edit clears earlier confirmations since the text changed."""
    locked = Agreement.objects.select_for_update().select_related("mentorship").get(pk=agreement.pk)
    require_participant(locked.mentorship, by)
    _require_live(locked.mentorship)
    if locked.is_confirmed:
        raise ValidationError("Both of you confirmed this agreement; it can't be edited any more.")
    for field in AGREEMENT_FIELDS:
        if field in data:
            setattr(locked, field, (data[field] or "").strip())
    locked.mentor_confirmed_at = None
    locked.mentee_confirmed_at = None
    locked.save()
    return locked


@transaction.atomic
def agreement_confirm(*, agreement: Agreement, by: User) -> Agreement:
    mentorship = agreement.mentorship
    require_participant(mentorship, by)
    _require_live(mentorship)
    field = "mentor_confirmed_at" if by.pk == mentorship.mentor_id else "mentee_confirmed_at"
    updated = Agreement.objects.filter(pk=agreement.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )
    if not updated:
        raise ValidationError("You already confirmed this agreement.")
    agreement.refresh_from_db()
    return agreement


# --- goals and milestones -------------------------------------------------------------------

GOAL_FIELDS = ("title", "description", "success_measure", "target_date", "status")


def _check_goal_data(data: dict[str, Any]) -> None:
    if not (data.get("title") or "").strip():
        raise ValidationError({"title": "Give the goal a short title."})
    if data.get("status") and data["status"] not in GoalStatus.values:
        raise ValidationError({"status": "Unknown status."})


@transaction.atomic
def goal_create(
    *, mentorship: Mentorship, by: User, data: dict[str, Any], skills: list[Skill]
) -> Goal:
    if by.pk != mentorship.mentee_id:
        raise ValidationError("Goals belong to the mentee: only they can add one.")
    _require_live(mentorship)
    _check_goal_data(data)
    goal = Goal.objects.create(
        mentorship=mentorship, **{k: data[k] for k in GOAL_FIELDS if k in data}
    )
    goal.skills.set(skills)
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, by: User, data: dict[str, Any], skills: list[Skill]) -> Goal:
    require_participant(goal.mentorship, by)
    _require_live(goal.mentorship)
    _check_goal_data(data)
    for field in GOAL_FIELDS:
        if field in data:
            setattr(goal, field, data[field])
    goal.save()
    goal.skills.set(skills)
    return goal


@transaction.atomic
def milestones_add(*, goal: Goal, by: User, rows: list[tuple[str, date]]) -> list[Milestone]:
    require_participant(goal.mentorship, by)
    _require_live(goal.mentorship)
    rows = [(title.strip(), due) for title, due in rows if (title or "").strip() and due]
    if not rows:
        raise ValidationError("Add at least one milestone with a title and a due date.")
    mentorships_mark_health_stale(ids=[goal.mentorship_id])
    return Milestone.objects.bulk_create(
        [Milestone(goal=goal, title=title, due_date=due) for title, due in rows]
    )


@transaction.atomic
def milestone_mark_done(*, milestone: Milestone, by: User, evidence: str = "") -> Milestone:
    require_participant(milestone.goal.mentorship, by)
    _require_live(milestone.goal.mentorship)
    updated = Milestone.objects.filter(pk=milestone.pk, done_at__isnull=True).update(
        done_at=timezone.now(), evidence=(evidence or "").strip()
    )
    if not updated:
        raise ValidationError("This milestone is already done.")
    mentorships_mark_health_stale(ids=[milestone.goal.mentorship_id])
    milestone.refresh_from_db()
    return milestone


@transaction.atomic
def milestone_undo(*, milestone: Milestone, by: User) -> Milestone:
    require_participant(milestone.goal.mentorship, by)
    _require_live(milestone.goal.mentorship)
    updated = Milestone.objects.filter(pk=milestone.pk, done_at__isnull=False).update(done_at=None)
    if not updated:
        raise ValidationError("This milestone is not marked done.")
    mentorships_mark_health_stale(ids=[milestone.goal.mentorship_id])
    milestone.refresh_from_db()
    return milestone


# --- withdrawing from a program -------------------------------------------------------------


@transaction.atomic
def enrolment_withdraw_ending_pairings(*, enrolment: Enrolment, by: User) -> Enrolment:
    """The participant withdraws from a program; each of their live pairings in it ends
    (reason "withdrew"), in the same transaction. Pairings in other programs are untouched."""
    enrolment = enrolment_withdraw(enrolment=enrolment, by=by)
    live = Mentorship.objects.filter(
        Q(mentor_id=enrolment.user_id) | Q(mentee_id=enrolment.user_id),
        program_id=enrolment.program_id,
        status__in=LIVE_STATUSES,
    )
    for mentorship in live:
        mentorship_end(mentorship=mentorship, reason=EndReason.WITHDREW, note="", by=by)
    enrolment.refresh_from_db()
    return enrolment


# --- people leaving -------------------------------------------------------------------------


@transaction.atomic
def mentorships_end_for_person(*, person: User, note: str, by: User | None) -> list[Mentorship]:
    """End every live mentorship of `person` (as mentor, mentee or peer): "left the company".

    `note` is the human why HR reads on the pairing (e.g. "Left the company (deactivated by
    the directory)"). Goals, check-ins and history are kept; nothing is deleted. Each pairing
    goes through `mentorship_end`, so a pairing ended meanwhile by someone else is skipped.
    """
    live = list(
        Mentorship.objects.select_for_update()
        .filter(Q(mentor=person) | Q(mentee=person), status__in=LIVE_STATUSES)
        .order_by("pk")
    )
    ended = []
    for mentorship in live:
        ended.append(
            mentorship_end(
                mentorship=mentorship,
                reason=EndReason.LEFT_COMPANY,
                note=note,
                by=by,
            )
        )
    return ended


@transaction.atomic
def pairing_figures_forget() -> int:
    """Forget every stored figure of the pairings pages (`PairingFigures`): each is computed
    afresh, and stored again, on its program's next read. Returns how many were forgotten."""
    return PairingFigures.objects.all().delete()[0]
