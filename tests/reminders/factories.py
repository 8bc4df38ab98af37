"""Helpers for the reminder tests: pairings with a chosen age and check-in history."""

from datetime import date, timedelta

from checkins.models import CheckIn
from mentorships.models import Mentorship
from reminders.models import NotificationPreference
from tests.factories import MentorshipFactory, ProgramFactory


def pairing(*, days_since: int, cadence: str = "weekly", program=None, **kwargs) -> Mentorship:
    """An active mentorship whose last contact (its start) was `days_since` days ago."""
    program = program or ProgramFactory(status="active", meeting_cadence=cadence)
    return MentorshipFactory(
        program=program, started_on=date.today() - timedelta(days=days_since), **kwargs
    )


def checkin(mentorship: Mentorship, *, days_ago: int, next_meeting: date | None = None) -> CheckIn:
    return CheckIn.objects.create(
        mentorship=mentorship,
        author=mentorship.mentee,
        date=date.today() - timedelta(days=days_ago),
        duration_minutes=45,
        activity="code_review",
        next_meeting_date=next_meeting,
    )


def prefer(user, *, email_enabled: bool = True, weekly_digest: bool = False) -> None:
    NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_enabled": email_enabled, "weekly_digest": weekly_digest}
    )
