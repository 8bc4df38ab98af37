from django.core.management.base import BaseCommand

from outbox.models import OutboxMessage, OutboxStatus
from outbox.services import outbox_flush


class Command(BaseCommand):
    help = "Send the tasks that waited in the outbox while the broker was down."

    def handle(self, *args, **options) -> None:
        sent = outbox_flush()
        left = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count()
        self.stdout.write(f"Dispatched {sent}; {left} still pending.")
