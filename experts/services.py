"""Writes for Ask an expert. Each is atomic; emails go through the outbox after commit.

Capacity: a request takes one of the expert's places in the calendar month of its proposed
times. Booking locks the expert's profile row (SELECT … FOR UPDATE) before counting, so two
people booking the last place at once get one place and one clear refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.mail import absolute_url
from outbox.services import email_enqueue
from people.models import User
from programs.models import Skill

from .models import (
    MAX_MONTHLY_SESSIONS,
    NOTE_MAX_LENGTH,
    DurationChoice,
    ExpertProfile,
    FlashSession,
    SessionStatus,
)
from .selectors import month_of, places_taken, shared_skill_ids

# How far ahead a session may be proposed.
MAX_DAYS_AHEAD = 120
MAX_OPTIONS = 3


def _name(user: User) -> str:
    return user.full_name or user.email


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "l j F Y, H:i")


def _link(session: FlashSession) -> str:
    return absolute_url(reverse("experts:session", args=[session.pk]))


@transaction.atomic
def expert_profile_save(
    *,
    user: User,
    listed: bool,
    monthly_sessions: int,
    share_program_skills: bool,
    skills: Sequence[Skill],
) -> ExpertProfile:
    if not 0 <= monthly_sessions <= MAX_MONTHLY_SESSIONS:
        raise ValidationError(
            {"monthly_sessions": f"Choose between 0 and {MAX_MONTHLY_SESSIONS} sessions a month."}
        )
    profile, _ = ExpertProfile.objects.select_for_update().get_or_create(user=user)
    profile.listed = listed
    profile.monthly_sessions = monthly_sessions
    profile.share_program_skills = share_program_skills
    profile.save()
    profile.skills.set(skills)
    return profile


def _clean_options(options: Sequence[datetime | None]) -> list[datetime]:
    chosen = sorted({o for o in options if o is not None})
    if not chosen:
        raise ValidationError({"option_1": "Propose at least one time."})
    if len(chosen) > MAX_OPTIONS:
        raise ValidationError(f"Propose at most {MAX_OPTIONS} times.")
    now = timezone.now()
    if chosen[0] <= now:
        raise ValidationError({"option_1": "Propose times in the future."})
    if chosen[-1] > now + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError({"option_1": f"Propose times within the next {MAX_DAYS_AHEAD} days."})
    if len({month_of(o) for o in chosen}) > 1:
        raise ValidationError(
            {"option_1": "Propose times in one calendar month: each month has its own places."}
        )
    return chosen


@transaction.atomic
def flash_session_request(
    *,
    requester: User,
    expert: User,
    skill: Skill,
    note: str,
    options: Sequence[datetime | None],
    duration_minutes: int = DurationChoice.SHORT,
) -> FlashSession:
    """Book one session with an expert, who then accepts one of the times or declines."""
    if requester.pk == expert.pk:
        raise ValidationError("You can't book a session with yourself.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say in a line or two what you'd like help with."})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note under {NOTE_MAX_LENGTH} characters."})
    if duration_minutes not in DurationChoice.values:
        raise ValidationError({"duration_minutes": "Choose 30, 45 or 60 minutes."})
    chosen = _clean_options(options)
    month = month_of(chosen[0])
    # The lock: every booking of this expert waits here for the one before it to commit.
    profile = ExpertProfile.objects.select_for_update().filter(user=expert).first()
    if profile is None or not profile.listed or not expert.is_active:
        raise ValidationError(f"{_name(expert)} isn't listed in Ask an expert.")
    if profile.monthly_sessions == 0:
        raise ValidationError(f"{_name(expert)} isn't taking requests at the moment.")
    if skill.pk not in shared_skill_ids(profile):
        raise ValidationError({"skill": f"{_name(expert)} hasn't listed {skill.name}."})
    if FlashSession.objects.filter(
        requester=requester, expert=expert, status=SessionStatus.REQUESTED
    ).exists():
        raise ValidationError(
            f"You already have a request waiting for {_name(expert)}: wait for their answer "
            "or cancel it first."
        )
    taken = places_taken([expert.pk], month).get(expert.pk, 0)
    if taken >= profile.monthly_sessions:
        raise ValidationError(
            f"{_name(expert)} has no places left in {date_format(month, 'F Y')}: propose "
            "times in another month or ask someone else."
        )
    session = FlashSession.objects.create(
        requester=requester,
        expert=expert,
        skill=skill,
        note=note,
        duration_minutes=duration_minutes,
        option_1=chosen[0],
        option_2=chosen[1] if len(chosen) > 1 else None,
        option_3=chosen[2] if len(chosen) > 2 else None,
        month=month,
    )
    times = "\n".join(f"- {_when(o)}" for o in chosen)
    email_enqueue(
        kind="experts.requested",
        to=expert.email,
        subject=f"{_name(requester)} asks for a session on {skill.name}",
        body=(
            f"Hello {_name(expert)},\n\n"
            f"{_name(requester)} would like a one-off {duration_minutes}-minute session with "
            f"you on {skill.name} (Ask an expert). They proposed:\n{times}\n\n"
            f"Read their note and accept a time or decline: {_link(session)}\n"
        ),
    )
    return session


def _answered(session: FlashSession, status: str, **fields) -> bool:
    """Move a waiting request on; False if someone answered it first (it goes once)."""
    return bool(
        FlashSession.objects.filter(pk=session.pk, status=SessionStatus.REQUESTED).update(
            status=status, decided_at=timezone.now(), **fields
        )
    )


@transaction.atomic
def flash_session_accept(*, session: FlashSession, by: User, when: datetime) -> FlashSession:
    if by.pk != session.expert_id:
        raise PermissionDenied("Only the expert can accept this request.")
    if when not in session.options:
        raise ValidationError({"when": "Choose one of the proposed times."})
    if when <= timezone.now():
        raise ValidationError({"when": "That time has passed: choose a later one or decline."})
    if not _answered(session, SessionStatus.ACCEPTED, scheduled_at=when):
        raise ValidationError("This request has already been answered or cancelled.")
    session.refresh_from_db()
    email_enqueue(
        kind="experts.accepted",
        to=session.requester.email,
        subject=f"{_name(session.expert)} accepted your session on {session.skill.name}",
        body=(
            f"Hello {_name(session.requester)},\n\n"
            f"{_name(session.expert)} accepted your one-off session on {session.skill.name}: "
            f"{_when(when)} ({session.duration_minutes} minutes).\n\n"
            f"Details: {_link(session)}\n"
        ),
    )
    return session


@transaction.atomic
def flash_session_decline(*, session: FlashSession, by: User) -> FlashSession:
    if by.pk != session.expert_id:
        raise PermissionDenied("Only the expert can decline this request.")
    if not _answered(session, SessionStatus.DECLINED):
        raise ValidationError("This request has already been answered or cancelled.")
    session.refresh_from_db()
    email_enqueue(
        kind="experts.declined",
        to=session.requester.email,
        subject=f"{_name(session.expert)} can't take your session on {session.skill.name}",
        body=(
            f"Hello {_name(session.requester)},\n\n"
            f"{_name(session.expert)} can't take your one-off session on {session.skill.name} "
            "this time. Others may know the skill too: "
            f"{absolute_url(reverse('experts:find'))}?skill={session.skill_id}\n"
        ),
    )
    return session


@transaction.atomic
def flash_session_cancel(*, session: FlashSession, by: User) -> FlashSession:
    """The requester calls it off, before it has taken place; the place is freed."""
    if by.pk != session.requester_id:
        raise PermissionDenied("Only the person who asked can cancel this request.")
    open_ = FlashSession.objects.filter(
        pk=session.pk, status__in=(SessionStatus.REQUESTED, SessionStatus.ACCEPTED)
    ).exclude(scheduled_at__lte=timezone.now())
    if not open_.update(status=SessionStatus.CANCELLED, decided_at=timezone.now()):
        raise ValidationError("This session can no longer be cancelled.")
    session.refresh_from_db()
    email_enqueue(
        kind="experts.cancelled",
        to=session.expert.email,
        subject=f"{_name(session.requester)} cancelled the session on {session.skill.name}",
        body=(
            f"Hello {_name(session.expert)},\n\n"
            f"{_name(session.requester)} cancelled their one-off session with you on "
            f"{session.skill.name}. The place is free again.\n\nDetails: {_link(session)}\n"
        ),
    )
    return session


@transaction.atomic
def flash_session_complete(*, session: FlashSession, by: User, held: bool) -> FlashSession:
    """Either of the two says, after the time, whether it took place (once)."""
    if by.pk not in (session.requester_id, session.expert_id):
        raise PermissionDenied("Only the two people of this session can say how it went.")
    status = SessionStatus.HELD if held else SessionStatus.NOT_HELD
    done = FlashSession.objects.filter(
        pk=session.pk, status=SessionStatus.ACCEPTED, scheduled_at__lte=timezone.now()
    ).update(status=status, completed_at=timezone.now())
    if not done:
        raise ValidationError("Say whether it took place once the session's time has come.")
    session.refresh_from_db()
    return session
