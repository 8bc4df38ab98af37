"""manage.py reset_two_factor EMAIL: a superuser's way back in for someone (or themselves) who
lost both their authenticator app and their recovery codes. Asks for confirmation; audited."""

from django.core.management.base import BaseCommand, CommandError

from people.models import User, normalise_email
from twofactor.selectors import has_two_factor, recovery_device_of
from twofactor.services import two_factor_reset


class Command(BaseCommand):
    help = "Remove a person's authenticator app and recovery codes (they set up a new one)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument(
            "--yes", action="store_true", help="Don't ask for confirmation (for scripts)."
        )

    def handle(self, *args, email: str, yes: bool, **options) -> None:
        person = User.objects.filter(email__iexact=normalise_email(email)).first()
        if person is None:
            raise CommandError(f"Nobody has the email address {email!r}.")
        if not has_two_factor(person) and recovery_device_of(person) is None:
            self.stdout.write(f"{person.email} has no two-factor sign-in set up: nothing to do.")
            return
        if not yes:
            answer = input(
                f"Reset two-factor sign-in of {person.full_name} ({person.email})? "
                "Type yes to confirm: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Not reset: you didn't type yes.")
        two_factor_reset(person=person, by=None, via="manage.py reset_two_factor")
        self.stdout.write(
            self.style.SUCCESS(
                f"Two-factor sign-in of {person.email} is reset; they can set up a new app."
            )
        )
