from django.core.management.base import BaseCommand, CommandError

from people.models import User
from scim.services import token_create


class Command(BaseCommand):
    help = (
        "Create a bearer token for the SCIM service (/scim/v2/). It is printed once and "
        "stored only as its SHA-256 digest."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="Which directory uses it, e.g. Entra ID.")
        parser.add_argument(
            "--by",
            help="The email of the superuser creating it (audited). "
            "Needed when more than one superuser exists.",
        )

    def handle(self, *args, **options) -> None:
        by = _superuser(options.get("by"))
        token, raw = token_create(name=options["name"], by=by)
        self.stdout.write(
            f"SCIM token “{token.name}” created (id {token.pk}). Copy it now, it "
            "is not shown again:"
        )
        self.stdout.write(raw)


def _superuser(email: str | None) -> User:
    superusers = User.objects.filter(is_superuser=True, is_active=True)
    if email:
        found = superusers.filter(email__iexact=email.strip()).first()
        if found is None:
            raise CommandError(f"No active superuser with the email {email}.")
        return found
    count = superusers.count()
    if count == 1:
        return superusers.get()
    if count == 0:
        raise CommandError(
            "Create a superuser first (manage.py createsuperuser): SCIM tokens "
            "are created by a superuser."
        )
    raise CommandError("Several superusers exist: say who you are with --by EMAIL.")
