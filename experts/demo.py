"""Demo rows for Ask an expert: a few mentors listed, one session held and one waiting."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from programs.models import EnrolmentRole, EnrolmentStatus, Skill

from .models import ExpertProfile, FlashSession, SessionStatus
from .selectors import month_of

LISTED_MENTORS = 6


def seed(context: dict) -> None:
    demo = context["demo"]
    mentor, mentee = demo["mentor"], demo["mentee"]
    if ExpertProfile.objects.filter(user=mentor).exists():
        return  # already seeded
    others = []
    for program in context["programs"].values():
        for enrolment in program.enrolments.filter(
            role=EnrolmentRole.MENTOR, status=EnrolmentStatus.APPROVED
        ).select_related("user"):
            if enrolment.user_id not in {mentor.pk, *[u.pk for u in others]}:
                others.append(enrolment.user)
    listed = [mentor, *others[: LISTED_MENTORS - 1]]
    for i, person in enumerate(listed):
        ExpertProfile.objects.create(
            user=person, listed=True, monthly_sessions=3 if i == 0 else 1 + i % 3
        )
    skill = (
        Skill.objects.filter(
            pk__in=mentor.enrolments.filter(role=EnrolmentRole.MENTOR).values("skills__skill")
        )
        .order_by("name")
        .first()
    )
    if skill is None or len(listed) < 2:
        return
    now = timezone.now()
    held_at = now - timedelta(days=12)
    asker = listed[1]
    FlashSession.objects.create(
        requester=asker,
        expert=mentor,
        skill=skill,
        note=f"Could you walk me through how you approach {skill.name} in production?",
        option_1=held_at,
        month=month_of(held_at),
        status=SessionStatus.HELD,
        scheduled_at=held_at,
        decided_at=held_at - timedelta(days=3),
        completed_at=held_at + timedelta(hours=1),
        duration_minutes=45,
    )
    ahead = now + timedelta(days=5)
    FlashSession.objects.create(
        requester=mentee,
        expert=mentor,
        skill=skill,
        note=f"A quick question on {skill.name} before my next on-call week.",
        option_1=ahead,
        month=month_of(ahead),
    )
