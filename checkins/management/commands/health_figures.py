"""Check or recompute the health board's stored counts (`checkins.HealthFigures`)."""

from django.core.management.base import BaseCommand, CommandError

from checkins.selectors import health_figures_mismatches
from checkins.services import health_figures_forget


class Command(BaseCommand):
    help = (
        "Without options: forget every stored count of the health boards, so each is counted "
        "afresh on its next read. With --check: compare each stored count that is current (its "
        "program's change counter has not moved) with a fresh count; fail if one differs (a "
        "write the database triggers did not see, e.g. a restore with triggers disabled)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool = False, **options):
        if check:
            wrong = health_figures_mismatches()
            if wrong:
                raise CommandError(
                    "Stored health figures differ from a fresh count for program(s) "
                    + ", ".join(str(pk) for pk in wrong)
                    + ": run `manage.py health_figures` to recompute them."
                )
            self.stdout.write("Stored health figures match a fresh count.")
            return
        forgotten = health_figures_forget()
        self.stdout.write(f"{forgotten} stored health figures forgotten; recomputed when read.")
