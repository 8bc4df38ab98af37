from celery import shared_task
from django.db import DatabaseError

from .services import deliveries_send_due, events_fan_out, events_purge

# Well inside CELERY_TASK_SOFT_TIME_LIMIT: a backlog continues in a follow-up task.
SEND_TIME_BUDGET = 240.0


# Woken after the commit of each recorded event (outbox.services.events_record).
@shared_task(
    name="webhooks.tasks.fan_out",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def fan_out() -> int:
    return events_fan_out()


# Woken after a fan-out; beat also runs `sweep`, which sends what is due (the retries).
@shared_task(
    name="webhooks.tasks.deliver",
    bind=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def deliver(self) -> dict:
    result = deliveries_send_due(time_budget=SEND_TIME_BUDGET)
    if result.more:
        queue = (self.request.delivery_info or {}).get("routing_key")
        deliver.apply_async(queue=queue)
    return {"delivered": result.delivered, "failed": result.failed, "more": result.more}


# Beat, every WEBHOOK_SWEEP_SECONDS: events whose wake-up was lost, and due retries.
@shared_task(name="webhooks.tasks.sweep")
def sweep() -> dict:
    events = events_fan_out()
    result = deliveries_send_due(time_budget=SEND_TIME_BUDGET)
    purged = events_purge()
    return {
        "events": events,
        "delivered": result.delivered,
        "failed": result.failed,
        "purged": purged,
    }
