"""Reads for Ask an expert: who shared what, places left, a person's own sessions.

Only people who opted in (`ExpertProfile.listed`) are ever returned, with only the skills they
chose to share: those they ticked, and, if they said so, the skills they offer as an approved
mentor in a program.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from programs.models import EnrolmentRole, EnrolmentSkill, EnrolmentStatus, Skill

from .models import TAKES_A_PLACE, ExpertProfile, FlashSession, SessionStatus

SkillsThrough = ExpertProfile.skills.through


def month_of(moment) -> date:
    """The first day of the calendar month `moment` falls in (the site's time zone)."""
    return timezone.localtime(moment).date().replace(day=1)


def _mentor_skills() -> QuerySet[EnrolmentSkill]:
    return EnrolmentSkill.objects.filter(
        enrolment__role=EnrolmentRole.MENTOR, enrolment__status=EnrolmentStatus.APPROVED
    )


def _shares(skill_filter: Q) -> Q:
    """Profiles sharing a skill matching `skill_filter` (a Q on Skill fields, `skill__…`)."""
    ticked = SkillsThrough.objects.filter(skill_filter, expertprofile_id=OuterRef("pk"))
    offered = _mentor_skills().filter(skill_filter, enrolment__user_id=OuterRef("user_id"))
    return Q(Exists(ticked)) | (Q(share_program_skills=True) & Q(Exists(offered)))


def listed_profiles() -> QuerySet[ExpertProfile]:
    return ExpertProfile.objects.filter(listed=True, user__is_active=True)


def expert_search(*, query: str = "", skill: Skill | None = None) -> QuerySet[ExpertProfile]:
    """Listed people sharing `skill` and matching `query` (a skill, a name or a job title)."""
    profiles = listed_profiles().select_related("user", "user__department")
    if skill is not None:
        profiles = profiles.filter(_shares(Q(skill=skill)))
    if query:
        profiles = profiles.filter(
            Q(user__full_name__icontains=query)
            | Q(user__job_title__icontains=query)
            | _shares(Q(skill__name__icontains=query))
        )
    return profiles.order_by("user__full_name", "pk")


class SharedSkill(NamedTuple):
    pk: int
    name: str
    level: int | None


def shared_skills(profiles: list[ExpertProfile]) -> dict[int, list[SharedSkill]]:
    """user id -> the skills each chose to share, by name (level: as a mentor, if shared)."""
    by_user: dict[int, dict[int, SharedSkill]] = defaultdict(dict)
    ids = {p.pk: p.user_id for p in profiles}
    for profile_id, skill_id, name in SkillsThrough.objects.filter(
        expertprofile_id__in=ids
    ).values_list("expertprofile_id", "skill_id", "skill__name"):
        by_user[ids[profile_id]][skill_id] = SharedSkill(skill_id, name, None)
    sharing = [p.user_id for p in profiles if p.share_program_skills]
    for user_id, skill_id, name, level in (
        _mentor_skills()
        .filter(enrolment__user_id__in=sharing)
        .values_list("enrolment__user_id", "skill_id", "skill__name", "level")
    ):
        old = by_user[user_id].get(skill_id)
        if old is None or (old.level or 0) < level:
            by_user[user_id][skill_id] = SharedSkill(skill_id, name, level)
    return {u: sorted(s.values(), key=lambda x: x.name.lower()) for u, s in by_user.items()}


def shared_skill_ids(profile: ExpertProfile) -> set[int]:
    ids = set(profile.skills.values_list("pk", flat=True))
    if profile.share_program_skills:
        ids |= set(
            _mentor_skills()
            .filter(enrolment__user_id=profile.user_id)
            .values_list("skill_id", flat=True)
        )
    return ids


def places_taken(expert_ids, month: date) -> dict[int, int]:
    return dict(
        FlashSession.objects.filter(
            expert_id__in=list(expert_ids), month=month, status__in=TAKES_A_PLACE
        )
        .values("expert_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("expert_id", "n")
    )


def bookable_expert(*, user_id: int, skill_id: int) -> bool:
    """Whether this person is listed, taking requests, and shares this skill."""
    profile = listed_profiles().filter(user_id=user_id, monthly_sessions__gt=0).first()
    return profile is not None and skill_id in shared_skill_ids(profile)


def bookable_pairs(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of (user id, skill id) pairs, those where the person may be booked for that skill."""
    if not pairs:
        return set()
    users = {u for u, _ in pairs}
    profiles = list(listed_profiles().filter(user_id__in=users, monthly_sessions__gt=0))
    skills = shared_skills(profiles)
    return {(u, s) for u, s in pairs if s in {x.pk for x in skills.get(u, [])}}


def session_for_user_or_404(user, pk: int) -> FlashSession:
    """The session, if `user` is one of its two people; 404 for everyone else."""
    session = (
        FlashSession.objects.select_related("requester", "expert", "skill")
        .filter(Q(requester=user) | Q(expert=user), pk=pk)
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    return session


def sessions_of(user) -> QuerySet[FlashSession]:
    return (
        FlashSession.objects.filter(Q(requester=user) | Q(expert=user))
        .select_related("requester", "expert", "skill")
        .order_by("-created_at", "-id")
    )


def waiting_for(user) -> int:
    """Requests waiting for this expert's answer."""
    return FlashSession.objects.filter(expert=user, status=SessionStatus.REQUESTED).count()


@dataclass(frozen=True)
class FlashStats:
    held: int = 0
    minutes: int = 0
    people: int = 0
    upcoming: int = 0
    skills: list[str] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def flash_stats(expert_id: int) -> FlashStats:
    """One-off sessions this person gave as an expert: held ones, and accepted ones to come."""
    held = FlashSession.objects.filter(expert_id=expert_id, status=SessionStatus.HELD)
    agg = held.aggregate(
        n=Count("id"), minutes=Sum("duration_minutes"), people=Count("requester", distinct=True)
    )
    upcoming = FlashSession.objects.filter(
        expert_id=expert_id, status=SessionStatus.ACCEPTED, scheduled_at__gte=timezone.now()
    ).count()
    skills = sorted(set(held.values_list("skill__name", flat=True)), key=str.lower)
    return FlashStats(
        held=agg["n"],
        minutes=agg["minutes"] or 0,
        people=agg["people"],
        upcoming=upcoming,
        skills=skills,
    )
