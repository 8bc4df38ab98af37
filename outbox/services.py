"""The transactional outbox: record a task with the data, dispatch after commit."""

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mentorship_site.celery import app

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *, task: str, args: Iterable[Any] = (), kwargs: dict[str, Any] | None = None
) -> OutboxMessage:
    """Record `task` now; try to send it once the surrounding transaction commits."""
    message = OutboxMessage.objects.create(task_name=task, args=list(args), kwargs=kwargs or {})
    transaction.on_commit(lambda: outbox_dispatch(message_id=message.pk))
    return message


def outbox_dispatch(*, message_id: int) -> bool:
    """Publish one pending message. A broker error leaves it pending for the next flush."""
    message = OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).first()
    if message is None:
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1)
    try:
        _publish(message)
    except Exception as exc:  # the broker is down or unreachable: keep it for later
        logger.warning("Outbox: %s stays pending: %s", message.task_name, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(exc)[:500])
        return False
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.DISPATCHED, dispatched_at=timezone.now(), last_error=""
    )
    return True


def _publish(message: OutboxMessage) -> None:
    if app.conf.task_always_eager:
        # Embedded default (no broker): run it here and now.
        app.loader.import_default_modules()  # registers every app's tasks
        result = app.tasks[message.task_name].apply(args=message.args, kwargs=message.kwargs)
        result.get(propagate=True)
    else:
        # ignore_result: nobody reads an outbox task's result, and subscribing to it on a down
        # Redis result backend retries ~20 s before failing; the publish itself fails at once.
        app.send_task(message.task_name, args=message.args, kwargs=message.kwargs, retry=False,
                      ignore_result=True)


def outbox_flush(*, limit: int = 500) -> int:
    """Dispatch what is pending, oldest first; returns how many went out."""
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for message_id in ids:
        if not outbox_dispatch(message_id=message_id):
            break  # the broker is still down; don't hammer it
        sent += 1
    return sent
