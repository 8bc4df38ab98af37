"""Reads about queued emails, for the pages that show an action's progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from .models import EmailStatus, OutgoingEmail


@dataclass
class EmailProgress:
    total: int = 0
    sent: int = 0
    pending: int = 0
    refused: int = 0
    # The latest reason an email is waiting (an outage) and the refused ones, for HR.
    waiting_because: str = ""
    refusals: list[OutgoingEmail] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.pending == 0

    @property
    def percent(self) -> int:
        return round(100 * (self.sent + self.refused) / self.total) if self.total else 100


def email_progress(batch: str, *, refusals: int = 20) -> EmailProgress:
    rows = OutgoingEmail.objects.filter(batch=batch)
    counts = dict(rows.values_list("status").annotate(n=Count("id")).order_by())
    progress = EmailProgress(
        sent=counts.get(EmailStatus.SENT, 0),
        pending=counts.get(EmailStatus.PENDING, 0),
        refused=counts.get(EmailStatus.REFUSED, 0),
    )
    progress.total = progress.sent + progress.pending + progress.refused
    if progress.pending:
        progress.waiting_because = (
            rows.filter(status=EmailStatus.PENDING)
            .exclude(last_error="")
            .order_by("-id")
            .values_list("last_error", flat=True)
            .first()
            or ""
        )
    if progress.refused:
        progress.refusals = list(
            rows.filter(status=EmailStatus.REFUSED).only("to", "last_error", "attempts")[:refusals]
        )
    return progress
