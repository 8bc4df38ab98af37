"""Thin Celery tasks: claim and execute one matching run; recover runs whose worker died."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, OperationalError

from . import services

MAX_RETRIES = 3


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.MATCHING_RUN_TIME_LIMIT - 60,
    time_limit=settings.MATCHING_RUN_TIME_LIMIT,
)
def execute_run(self, run_id: int) -> str:
    try:
        run = services.matching_run_execute(run_id=run_id, task_id=self.request.id or "")
    except OperationalError as exc:
        if self.request.retries >= MAX_RETRIES:
            services.matching_run_fail(run_id=run_id, error=f"Database unavailable: {exc}")
            raise
        # Exponential backoff: 2, 4, 8 s.
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
    except SoftTimeLimitExceeded:
        services.matching_run_fail(run_id=run_id, error="The run took too long and was stopped.")
        raise
    return run.status if run is not None else "skipped"


# Beat runs it every minute: a run whose worker died for good is requeued or failed.
@shared_task(name="matching.tasks.recover_stale_runs")
def recover_stale_runs() -> dict[str, int]:
    return services.matching_runs_recover_stale()


# Well inside the default soft time limit (300 s): a long list continues in a follow-up task.
ACCEPT_TIME_BUDGET = 240.0


@shared_task(
    name="matching.tasks.accept_proposals",
    bind=True,
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def accept_proposals(self, run_id: int, by_id: int | None = None) -> dict:
    result = services.proposals_accept_queued(
        run_id=run_id, by_id=by_id, time_budget=ACCEPT_TIME_BUDGET
    )
    if result["more"]:
        queue = (self.request.delivery_info or {}).get("routing_key")
        accept_proposals.apply_async(args=[run_id], kwargs={"by_id": by_id}, queue=queue)
    return result


@shared_task(
    name="matching.tasks.publish_run",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def publish_run(run_id: int, by_id: int | None = None) -> int:
    return services.run_publish_activate(run_id=run_id, by_id=by_id)
