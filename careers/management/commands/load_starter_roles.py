from django.core.management.base import BaseCommand, CommandError

from careers.services import starter_roles_load
from people.models import User


class Command(BaseCommand):
    help = "Load the starter library of work roles, checklists and career paths. Safe to rerun."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--by", help="Email of the HR coordinator recorded in the audit log.")

    def handle(self, *args, **options) -> None:
        qs = User.objects.filter(is_hr_coordinator=True, is_active=True)
        if options["by"]:
            qs = qs.filter(email__iexact=options["by"])
        by = qs.order_by("pk").first()
        if by is None:
            raise CommandError("No active HR coordinator found (give one with --by EMAIL).")
        result = starter_roles_load(by=by)
        if not result.ok:
            raise CommandError(
                "Nothing loaded:\n" + "\n".join(f"{w}: {m}" for w, m in result.errors)
            )
        self.stdout.write(self.style.SUCCESS("Starter roles loaded: " + result.summary()))
