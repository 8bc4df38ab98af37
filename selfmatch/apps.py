from django.apps import AppConfig


class SelfmatchConfig(AppConfig):
    name = "selfmatch"
    verbose_name = "Self-match"
