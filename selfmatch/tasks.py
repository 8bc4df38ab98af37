"""Thin Celery tasks: beat's sweep (deadlines, reminders, hybrid closing days) and passing on
the requests waiting for a mentor who just became full. Each step claims its row with a
conditional UPDATE under the request's lock, so running twice or at once does it once."""

from celery import shared_task
from django.db import DatabaseError

from . import services

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 5,
}


@shared_task(name="selfmatch.tasks.sweep", **RETRY)
def sweep() -> dict:
    result = services.selfmatch_sweep()
    return {
        "lapsed": result.lapsed,
        "passed_on_full": result.passed_on_full,
        "closed_paired": result.closed_paired,
        "reminded": result.reminded,
        "programs_closed": result.programs_closed,
    }


@shared_task(name="selfmatch.tasks.pass_on_full", **RETRY)
def pass_on_full(program_id: int, mentor_id: int) -> int:
    return services.mentor_full_pass_on(program_id=program_id, mentor_id=mentor_id)
