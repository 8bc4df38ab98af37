from django.contrib.admin.apps import AdminConfig
from django.core import checks


class TandemAdminConfig(AdminConfig):
    """django.contrib.admin with the project's site, which keeps private text out of the admin."""

    default_site = "core.admin_privacy.TandemAdminSite"

    def ready(self) -> None:
        super().ready()
        from core.admin_privacy import check_admin_privacy

        checks.register(check_admin_privacy, checks.Tags.admin)
