import logging

from celery import shared_task
from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)


@shared_task(name="people.tasks.heartbeat")
def heartbeat() -> str:
    """Proves beat, broker, worker and database are all wired; logs one line."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    logger.info("Tandem heartbeat")
    return "ok"


# OSError: the mail server is down or slow (DeliveryFailed is one); the rows stay unsent.
@shared_task(
    name="people.tasks.send_invitations",
    autoretry_for=(OSError, DatabaseError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_invitations() -> int:
    from .services import invitations_send

    return invitations_send()
