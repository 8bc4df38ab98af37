"""Check or recompute the pairings page's stored figures (`mentorships.PairingFigures`)."""

from django.core.management.base import BaseCommand, CommandError

from mentorships.selectors import pairing_figures_mismatches
from mentorships.services import pairing_figures_forget


class Command(BaseCommand):
    help = (
        "Without options: forget every stored figure of the pairings pages, so each is computed "
        "afresh on its next read. With --check: compare each stored figure that is current (its "
        "program's change counter has not moved) with a fresh count; fail if one differs (a "
        "write the database triggers did not see, e.g. a restore with triggers disabled)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool = False, **options):
        if check:
            wrong = pairing_figures_mismatches()
            if wrong:
                raise CommandError(
                    "Stored pairing figures differ from a fresh count for program(s) "
                    + ", ".join(str(pk) for pk in wrong)
                    + ": run `manage.py pairing_figures` to recompute them."
                )
            self.stdout.write("Stored pairing figures match a fresh count.")
            return
        forgotten = pairing_figures_forget()
        self.stdout.write(f"{forgotten} stored pairing figures forgotten; recomputed when read.")
