"""Thin Celery tasks: beat runs the sweep hourly and the digests weekly."""

from celery import shared_task
from django.utils import timezone

from . import services

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}
# Well inside CELERY_TASK_SOFT_TIME_LIMIT (300 s): a backlog continues in a follow-up task.
SEND_TIME_BUDGET = 240.0


def _send_and_continue(task) -> int:
    sent = services.reminders_send_pending(time_budget=SEND_TIME_BUDGET)
    if services.has_pending_emails():
        # Same queue as this task, so whichever workers serve it carry on with the backlog.
        queue = (task.request.delivery_info or {}).get("routing_key")
        send_pending.apply_async(queue=queue)
    return sent


@shared_task(name="reminders.tasks.sweep", bind=True, **RETRY)
def sweep(self) -> dict:
    """Plans today's reminders, flags pairings at risk, then sends what is pending."""
    result = services.reminders_sweep(today=timezone.localdate())
    sent = _send_and_continue(self)
    return {
        "mentorships": result.mentorships,
        "due": result.due,
        "overdue": result.overdue,
        "at_risk": result.at_risk,
        "milestones_due": result.milestones_due,
        "sent": sent,
    }


@shared_task(name="reminders.tasks.send_pending", bind=True, **RETRY)
def send_pending(self) -> int:
    return _send_and_continue(self)


@shared_task(name="reminders.tasks.send_digests", **RETRY)
def send_digests() -> int:
    return services.digests_send(today=timezone.localdate())
