from celery import shared_task
from django.db import DatabaseError

from .services import messages_purge, messages_send_due

# Well inside CELERY_TASK_SOFT_TIME_LIMIT: a backlog continues in a follow-up task.
SEND_TIME_BUDGET = 240.0


# Woken after the commit that queued a message; beat also runs it every CHAT_SWEEP_SECONDS
# (retries, rate-limit waits, and wake-ups lost while the broker was down).
@shared_task(
    name="chat.tasks.send",
    bind=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def send(self) -> dict:
    result = messages_send_due(time_budget=SEND_TIME_BUDGET)
    if result.more:
        queue = (self.request.delivery_info or {}).get("routing_key")
        send.apply_async(queue=queue)
    return {
        "sent": result.sent,
        "failed": result.failed,
        "retried": result.retried,
        "more": result.more,
    }


@shared_task(name="chat.tasks.purge")
def purge() -> int:
    return messages_purge()
