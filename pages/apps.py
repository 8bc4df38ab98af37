from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The site's own pages (home, a manager's team), at the top: they read every layer below."""

    name = "pages"
    verbose_name = "Site pages"
