"""Thin Celery tasks: beat runs the health sweep hourly."""

from celery import shared_task
from django.utils import timezone

from . import services

RETRY = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "max_retries": 5,
}


@shared_task(name="checkins.tasks.health_sweep", **RETRY)
def health_sweep() -> dict:
    """Recompute the stored health that may be wrong today. Each batch commits on its own, so
    a sweep cut short keeps what it did; running it twice recomputes nothing more."""
    return {"recomputed": services.health_sweep(today=timezone.localdate())}
