from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.mail import DeliveryFailed
from reminders import services


class Command(BaseCommand):
    help = (
        "Run the reminder sweep once, here and now (what beat's hourly `reminders-sweep` "
        "does): plan today's reminders, flag pairings at risk, send what is pending."
    )

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        result = services.reminders_sweep(today=today)
        self.stdout.write(
            f"Swept {result.mentorships} active mentorship(s) on {today}: {result.due} check-in(s) "
            f"due, {result.overdue} overdue, {result.milestones_due} milestone(s) due, "
            f"{result.at_risk} at risk ({result.flags_resolved} flag(s) resolved)."
        )
        try:
            sent = services.reminders_send_pending()
        except DeliveryFailed as exc:
            raise CommandError(f"Not every reminder went out: {exc} Run it again later.") from exc
        self.stdout.write(self.style.SUCCESS(f"Emailed {sent} reminder(s)."))
