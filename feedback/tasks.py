"""Daily sweeps. Thin: the services claim each send with a conditional UPDATE."""

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from . import services

RETRY = {
    # SMTP failures are OSErrors; a retried sweep re-sends nothing already claimed.
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(name="feedback.tasks.send_due_surveys", **RETRY)
def send_due_surveys() -> int:
    return services.surveys_send_due(today=timezone.localdate())


@shared_task(name="feedback.tasks.send_assessment_requests", **RETRY)
def send_assessment_requests() -> dict[str, int]:
    return services.assessment_requests_send_due(today=timezone.localdate())
