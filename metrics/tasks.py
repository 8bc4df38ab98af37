"""The dashboards' daily figures (metrics.snapshots). Thin: the services claim each view with
a conditional UPDATE, so a task run twice builds nothing twice."""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from outbox.services import outbox_enqueue

from . import services

RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "max_retries": 3}


@shared_task(name="metrics.tasks.refresh_dashboards", **RETRY)
def refresh_dashboards() -> dict:
    """Every morning: every unfiltered dashboard, built for the day. A run that uses up its
    time budget queues the next, which goes on with the views not yet of today."""
    result = services.dashboard_refresh_daily(
        today=date.today(), budget_seconds=settings.METRICS_REFRESH_BUDGET_SECONDS
    )
    if result.left:
        outbox_enqueue(task="metrics.tasks.refresh_dashboards")
    return result.__dict__


@shared_task(name="metrics.tasks.refresh_dashboard", **RETRY)
def refresh_dashboard(key: str) -> bool:
    """ "Refresh now" on one dashboard view."""
    return services.dashboard_refresh(key=key, today=date.today())
