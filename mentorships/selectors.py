from django.db.models import Q, QuerySet

from .models import LIVE_STATUSES, Mentorship


def mentorships_for_participant(user) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user), status__in=LIVE_STATUSES)
        .select_related("program", "mentor", "mentee")
        .order_by("program__name")
    )
