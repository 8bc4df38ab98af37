from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core infrastructure"

    def ready(self) -> None:
        # Every model is loaded by now (Django imports all models before any ready()).
        from .validators import refuse_control_characters_in_char_fields

        refuse_control_characters_in_char_fields()
