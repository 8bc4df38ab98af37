from django.core.management.base import BaseCommand, CommandError

from scim.management.commands.create_scim_token import _superuser
from scim.models import ScimToken
from scim.services import token_revoke


class Command(BaseCommand):
    help = "Revoke a SCIM bearer token by its name or id; list tokens with --list."

    def add_arguments(self, parser) -> None:
        parser.add_argument("token", nargs="?", help="The token's name or id.")
        parser.add_argument("--by", help="The email of the superuser revoking it (audited).")
        parser.add_argument("--list", action="store_true", help="List the tokens.")

    def handle(self, *args, **options) -> None:
        if options["list"]:
            for t in ScimToken.objects.order_by("pk"):
                state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "live"
                self.stdout.write(f"{t.pk:>4}  {t.name}  ({state})")
            return
        ref = (options.get("token") or "").strip()
        if not ref:
            raise CommandError("Name the token to revoke (its name or id), or use --list.")
        live = ScimToken.objects.filter(revoked_at__isnull=True)
        matches = list(live.filter(pk=int(ref)) if ref.isdigit() else live.filter(name=ref))
        if not matches:
            raise CommandError(f"No live SCIM token “{ref}”.")
        if len(matches) > 1:
            raise CommandError(f"Several live tokens are called “{ref}”: revoke one by its id.")
        by = _superuser(options.get("by"))
        token_revoke(token=matches[0], by=by)
        self.stdout.write(f"Revoked SCIM token “{matches[0].name}” (id {matches[0].pk}).")
