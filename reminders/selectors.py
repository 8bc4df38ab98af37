"""Reads shared by the sweep, the pages and the calendar feed."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import DateField, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate

from checkins.models import CheckIn
from mentorships.models import GoalStatus, Mentorship, MentorshipStatus, Milestone
from programs.models import CADENCE_DAYS, Program

from .cadence import MILESTONE_LOOKAHEAD_DAYS
from .models import AtRiskFlag, CalendarToken, NotificationPreference


@dataclass(frozen=True)
class Preference:
    email_enabled: bool = True
    weekly_digest: bool = False


def preference_for(user) -> Preference:
    row = NotificationPreference.objects.filter(user=user).first()
    if row is None:
        return Preference()
    return Preference(email_enabled=row.email_enabled, weekly_digest=row.weekly_digest)


def non_default_preferences() -> dict[int, Preference]:
    """Only users who changed something; everyone else gets the defaults without a row."""
    rows = NotificationPreference.objects.filter(
        Q(email_enabled=False) | Q(weekly_digest=True)
    ).values_list("user_id", "email_enabled", "weekly_digest")
    return {uid: Preference(email_enabled=e, weekly_digest=w) for uid, e, w in rows}


def active_mentorship_contacts() -> QuerySet:
    """One row per active mentorship with its last contact date, in a single grouped query."""
    return (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .values(
            "id",
            "mentor_id",
            "mentee_id",
            "program__meeting_cadence",
            "mentor__is_active",
            "mentee__is_active",
        )
        .annotate(
            last_contact=Coalesce(
                Max("checkins__date"),
                "started_on",
                TruncDate("created_at"),
                output_field=DateField(),
            )
        )
        .order_by("id")
    )


def milestones_coming_due(*, today: date) -> QuerySet:
    return (
        Milestone.objects.filter(
            done_at__isnull=True,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=MILESTONE_LOOKAHEAD_DAYS),
            goal__mentorship__status=MentorshipStatus.ACTIVE,
        )
        .exclude(goal__status=GoalStatus.DROPPED)
        .values(
            "id",
            "due_date",
            "goal__mentorship_id",
            "goal__mentorship__mentor_id",
            "goal__mentorship__mentee_id",
            "goal__mentorship__mentor__is_active",
            "goal__mentorship__mentee__is_active",
        )
        .order_by("id")
    )


def at_risk_flags_for_program(program: Program) -> QuerySet:
    """Open flags first, newest first; with the pair loaded for the list."""
    return (
        AtRiskFlag.objects.filter(mentorship__program=program)
        .select_related("mentorship__mentor", "mentorship__mentee")
        .order_by(F("resolved_at").desc(nulls_first=True), "-flagged_at", "-id")
    )


def live_calendar_token(user) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_owner(token: str):
    """The active user behind a live token, or None."""
    row = (
        CalendarToken.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return row.user if row else None


@dataclass(frozen=True)
class UpcomingCheckIn:
    mentorship: Mentorship
    day: date
    overdue: bool
    agreed: bool  # the date was set as "next meeting" in the last check-in


def with_last_checkin(mentorships: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    """Adds `last_date` and `next_meeting`: the day of the pair's last check-in and the next
    meeting it agreed (what `upcoming_of` needs), in the same query."""
    last = CheckIn.objects.filter(mentorship=OuterRef("pk")).order_by("-date", "-id")
    return mentorships.annotate(
        last_date=Subquery(last.values("date")[:1]),
        next_meeting=Subquery(last.values("next_meeting_date")[:1]),
    )


def upcoming_of(mentorships, *, today: date) -> list[UpcomingCheckIn]:
    """The next check-in of each active one of `mentorships` (read `with_last_checkin`, with
    their program), in id order; no query."""
    result = []
    active = [m for m in mentorships if m.status == MentorshipStatus.ACTIVE]
    for m in sorted(active, key=lambda m: m.pk):
        if m.next_meeting and m.next_meeting >= today:
            result.append(UpcomingCheckIn(m, m.next_meeting, overdue=False, agreed=True))
            continue
        anchor = m.last_date or m.started_on or m.created_at.date()
        due = anchor + timedelta(days=CADENCE_DAYS[m.program.meeting_cadence])
        result.append(UpcomingCheckIn(m, max(due, today), overdue=due < today, agreed=False))
    return result


def upcoming_checkins_for(user, *, today: date) -> list[UpcomingCheckIn]:
    mentorships = with_last_checkin(
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .filter(Q(mentor=user) | Q(mentee=user))
        .select_related("program", "mentor", "mentee")
    ).order_by("id")
    return upcoming_of(mentorships, today=today)


def open_milestones_of(user) -> QuerySet:
    """The milestones not done yet of `user`'s active pairings (goals not dropped), soonest
    first: narrow them by due date."""
    return (
        Milestone.objects.filter(
            done_at__isnull=True, goal__mentorship__status=MentorshipStatus.ACTIVE
        )
        .filter(Q(goal__mentorship__mentor=user) | Q(goal__mentorship__mentee=user))
        .exclude(goal__status=GoalStatus.DROPPED)
        .select_related("goal__mentorship")
        .order_by("due_date", "id")
    )


def upcoming_milestones_for(user, *, today: date) -> QuerySet:
    return open_milestones_of(user).filter(due_date__gte=today)
