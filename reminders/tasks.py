"""Thin Celery tasks: beat runs the sweep hourly and the digests weekly."""

from celery import shared_task
from django.utils import timezone

from . import services

RETRY = {
    "autoretry_for": (Exception,),
    # The test hook stands for a dead worker: the test itself plays the redelivery.
    "dont_autoretry_for": (services.SimulatedCrash,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(name="reminders.tasks.sweep", **RETRY)
def sweep(crash_after: int | None = None) -> dict:
    """Plans today's reminders, flags pairings at risk, then sends what is pending."""
    result = services.reminders_sweep(today=timezone.localdate())
    sent = services.reminders_send_pending(crash_after=crash_after)
    return {
        "mentorships": result.mentorships, "due": result.due, "overdue": result.overdue,
        "at_risk": result.at_risk, "milestones_due": result.milestones_due, "sent": sent,
    }


@shared_task(name="reminders.tasks.send_pending", **RETRY)
def send_pending(crash_after: int | None = None) -> int:
    return services.reminders_send_pending(crash_after=crash_after)


@shared_task(name="reminders.tasks.send_digests", **RETRY)
def send_digests() -> int:
    return services.digests_send(today=timezone.localdate())
