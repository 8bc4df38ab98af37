"""The dashboards' daily figures (metrics.snapshots). Thin: the services claim each view with
a conditional UPDATE, so a task run twice builds nothing twice."""

import logging
from datetime import date

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError

from outbox.services import outbox_enqueue

from . import services

logger = logging.getLogger(__name__)
RETRY = {"autoretry_for": (DatabaseError,), "retry_backoff": True, "max_retries": 3}


@shared_task(name="metrics.tasks.refresh_dashboards", **RETRY)
def refresh_dashboards() -> dict:
    """Every morning: every unfiltered dashboard, built for the day. A run that uses up its
    time budget queues the next, which goes on with the views not yet of today."""
    result = services.RefreshResult()
    try:
        services.dashboard_refresh_daily(
            today=date.today(), budget_seconds=settings.METRICS_REFRESH_BUDGET_SECONDS, into=result
        )
    except SoftTimeLimitExceeded:
        # A view outlasted the budget: those built so far are kept. The next run goes on, unless
        # this one built nothing (the same view would time out again): its viewers build it.
        logger.warning("Dashboard refresh cut short by the time limit: %s", result)
        result.left = 1 if result.built else 0
    if result.left:
        outbox_enqueue(task="metrics.tasks.refresh_dashboards")
    return result.__dict__


@shared_task(name="metrics.tasks.refresh_dashboard", **RETRY)
def refresh_dashboard(key: str) -> bool:
    """ "Refresh now" on one dashboard view."""
    return services.dashboard_refresh(key=key, today=date.today())
