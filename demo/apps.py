from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo seeding (`manage.py seed_demo`), at the top: it calls every app's own demo seed."""

    name = "demo"
    verbose_name = "Demo data"
