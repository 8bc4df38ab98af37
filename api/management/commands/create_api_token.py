from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from api import scopes
from api.models import TokenKind
from api.services import api_token_create
from people.models import User, normalise_email


class Command(BaseCommand):
    help = (
        "Create an API token for a person (it acts with their access, narrowed to its scopes). "
        "The secret is printed once and stored only as its SHA-256 digest."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user", required=True, help="The owner's email.")
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"Comma- or space-separated, e.g. programs:read,people:read. Known: "
            f"{', '.join(scopes.SCOPES)}.",
        )
        parser.add_argument("--expires", type=int, default=90, help="Days (default 90).")
        parser.add_argument("--name", default="Created with manage.py", help="What uses it.")
        parser.add_argument(
            "--service",
            action="store_true",
            help="A service token (the owner must be an HR coordinator).",
        )

    def handle(self, *args, **options) -> None:
        email = normalise_email(options["user"])
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active person with the email {options['user']}.")
        wanted = options["scopes"].replace(",", " ").split()
        try:
            created = api_token_create(
                user=user,
                name=options["name"],
                scopes=wanted,
                expires_in_days=options["expires"],
                kind=TokenKind.SERVICE if options["service"] else TokenKind.PERSONAL,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        token = created.token
        self.stderr.write(
            f"API token “{token.name}” for {user.email} (scopes {', '.join(token.scopes)}; "
            f"expires {token.expires_at:%Y-%m-%d}). Copy it now, it is not shown again:"
        )
        self.stdout.write(created.secret)
