"""Demo data: run the sweep's planning once so HR sees at-risk flags for overdue demo pairings.

Idempotent like the sweep itself; nothing is emailed until a worker sends the pending rows.
"""

from django.utils import timezone

from .services import reminders_sweep


def seed(context: dict) -> None:
    reminders_sweep(today=timezone.localdate())
