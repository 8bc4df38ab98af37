"""Thin Celery tasks: take ids, call a service."""

from celery import shared_task
from django.db import DatabaseError

from . import services


# OSError: the mail server is down or slow (DeliveryFailed is one); the row stays unsent.
@shared_task(
    name="programs.tasks.email_decision",
    autoretry_for=(OSError, DatabaseError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def email_decision(enrolment_id: int) -> bool:
    return services.enrolment_decision_email(enrolment_id=enrolment_id)


@shared_task(
    name="programs.tasks.purge_expired_programs",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def purge_expired_programs() -> list[str]:
    return services.programs_purge_expired()
