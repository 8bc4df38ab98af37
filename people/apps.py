from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People and organisation"

    def ready(self) -> None:
        from mentorship_site.validators import refuse_control_characters_in_char_fields

        refuse_control_characters_in_char_fields()
