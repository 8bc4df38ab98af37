from celery import shared_task

from .services import outbox_flush


@shared_task(name="outbox.tasks.flush")
def flush() -> int:
    return outbox_flush()
