from celery import shared_task
from django.db import DatabaseError

from .services import emails_send_pending, outbox_flush

# Well inside CELERY_TASK_SOFT_TIME_LIMIT (300 s): a backlog continues in a follow-up task.
SEND_TIME_BUDGET = 240.0


@shared_task(name="outbox.tasks.flush")
def flush() -> int:
    return outbox_flush()


# Beat runs it every minute (an outage's retry); the outbox wakes it after each new batch.
@shared_task(
    name="outbox.tasks.send_emails",
    bind=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def send_emails(self) -> dict:
    result = emails_send_pending(time_budget=SEND_TIME_BUDGET)
    if result.more:
        # Same queue as this task, so whichever workers serve it carry on with the backlog.
        queue = (self.request.delivery_info or {}).get("routing_key")
        send_emails.apply_async(queue=queue)
    return {
        "sent": result.sent,
        "refused": result.refused,
        "deferred": result.deferred,
        "outage": result.outage,
        "more": result.more,
    }
