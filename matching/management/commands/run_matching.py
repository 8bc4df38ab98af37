from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.errors import validation_text
from matching import services
from matching.models import MatchingRun, Objective, RunStatus
from programs.models import Program


class Command(BaseCommand):
    help = "Start a matching run for a program (on the worker, or inline with --sync)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("program_slug")
        parser.add_argument(
            "--mode",
            choices=Objective.values,
            default=None,
            help="Objective; default: the program's setting.",
        )
        parser.add_argument(
            "--remaining-only",
            action="store_true",
            help="Match only those left: live pairs and open proposals stay fixed, "
            "rejected pairs are not proposed again.",
        )
        parser.add_argument(
            "--sync",
            action="store_true",
            help="Execute here and print the summary instead of queueing.",
        )

    def handle(
        self,
        *args,
        program_slug: str,
        mode: str | None,
        sync: bool,
        remaining_only: bool = False,
        **options,
    ) -> None:
        program = Program.objects.filter(slug=program_slug).first()
        if program is None:
            raise CommandError(f"No program with slug “{program_slug}”.")
        try:
            with transaction.atomic():
                run = services.matching_run_start(
                    program=program,
                    by=None,
                    mode=mode,
                    enqueue=not sync,
                    remaining_only=remaining_only,
                )
        except ValidationError as exc:
            raise CommandError(validation_text(exc)) from exc
        if not sync:
            self.stdout.write(f"Run {run.pk} queued for {program}.")
            return
        services.matching_run_execute(run_id=run.pk)
        self._summary(MatchingRun.objects.get(pk=run.pk))

    def _summary(self, run: MatchingRun) -> None:
        if run.status == RunStatus.FAILED:
            raise CommandError(f"Run {run.pk} failed: {run.error}")
        if run.status != RunStatus.SUCCEEDED:
            self.stdout.write(f"Run {run.pk} is {run.status}.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Run {run.pk}: {run.matched_count} matched, {run.unmatched_count} unmatched, "
                f"objective {run.objective}, {run.total_seconds} s"
            )
        )
        for row in run.unmatched:
            near = row.get("nearest")
            miss = f" (nearest miss: {near['name']}, who {near['stopped_by']})" if near else ""
            self.stdout.write(f"  unmatched {row['name']}: {row['reason']}{miss}")
