"""Thin Celery tasks: beat runs the health sweep hourly."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="checkins.tasks.health_sweep")
def health_sweep() -> dict:
    """Recompute the stored health that may be wrong today (safe to run twice)."""
    return {"recomputed": services.health_sweep(today=timezone.localdate())}
