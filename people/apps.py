from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_reporting_path_triggers(using: str = "default", **kwargs) -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table: put them back after
    every migrate (idempotent; people/reporting_path.py)."""
    from django.db import connections

    from . import reporting_path

    reporting_path.install(connections[using])


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and organisation"

    def ready(self) -> None:
        post_migrate.connect(
            _reinstall_reporting_path_triggers, sender=self, dispatch_uid="people_reporting_path"
        )
        from django.contrib.auth.signals import user_logged_in

        from .context_processors import remember_manager_at_sign_in

        # Session bookkeeping only (as twofactor's): whether the person manages anyone, for the
        # navigation, is read once per sign-in, not on every page.
        user_logged_in.connect(
            remember_manager_at_sign_in, dispatch_uid="people.remember_manager_at_sign_in"
        )
