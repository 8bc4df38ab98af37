"""The management command of figures stored against a change counter (`core.models`):
`--check` compares the current stored figures with a fresh count, no option forgets them all.
Each app's command names its figures and passes its own selector and service."""

from collections.abc import Callable, Iterable

from django.core.management.base import BaseCommand, CommandError


class StoredFiguresCommand(BaseCommand):
    what = ""  # e.g. "pairing figures"
    command = ""  # e.g. "pairing_figures"
    mismatches: Callable[[], Iterable[int]]  # program ids whose stored figures differ
    forget: Callable[[], int]  # forgets every stored figure, returns how many

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool = False, **options):
        if check:
            wrong = list(self.mismatches())
            if wrong:
                raise CommandError(
                    f"Stored {self.what} differ from a fresh count for program(s) "
                    + ", ".join(str(pk) for pk in wrong)
                    + f": run `manage.py {self.command}` to recompute them."
                )
            self.stdout.write(f"Stored {self.what} match a fresh count.")
            return
        forgotten = self.forget()
        self.stdout.write(f"{forgotten} stored {self.what} forgotten; recomputed when read.")
