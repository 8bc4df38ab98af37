"""Single-line text: names, titles, program names and every other short text field.

A line break in a name ends up in an email's subject, a CSV export or a page heading, where it
breaks things (a program name with a line break made the approval email fail). So:

- `validate_single_line` refuses line breaks and other control characters (Unicode category
  Cc, which includes tab, CR and LF, and the line and paragraph separators U+2028/U+2029);
- `refuse_control_characters_in_char_fields` attaches it to every CharField of the project's
  own models when the app registry is ready (core.apps), so every ModelForm, the admin and
  each service that calls full_clean() refuse them with a field error. Multi-line text is a
  TextField, which is left alone. No migration: the validator is added at start-up, not
  declared on the field;
- plain forms whose single-line fields write to models without full_clean list it explicitly.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

_SEPARATORS = {"\u2028", "\u2029"}


def control_character(value: str) -> str | None:
    """The first line break or control character in `value`, as U+XXXX, or None."""
    for char in value:
        if char in _SEPARATORS or unicodedata.category(char) == "Cc":
            return f"U+{ord(char):04X}"
    return None


def validate_single_line(value: object) -> None:
    if not isinstance(value, str):
        return
    found = control_character(value)
    if found is None:
        return
    if any(c in value for c in "\r\n\u2028\u2029\x0b\x0c\x85"):
        message = "This must be a single line: remove the line break."
    else:
        message = f"This contains an invisible control character ({found}); remove it."
    raise ValidationError(message, code="single_line")


def _project_app(app_config) -> bool:
    path = Path(app_config.path)
    return path.parent == Path(settings.BASE_DIR) and path.name == app_config.name


def refuse_control_characters_in_char_fields() -> int:
    """Adds validate_single_line to every CharField of the project's models; returns how many."""
    added = 0
    for app_config in apps.get_app_configs():
        if not _project_app(app_config):
            continue
        for model in app_config.get_models():
            for field in model._meta.local_fields:
                if not isinstance(field, models.CharField):
                    continue
                if validate_single_line in field.validators:
                    continue
                # `validators` is computed once per field from these two lists.
                field.__dict__.pop("validators", None)
                field.default_validators = [*field.default_validators, validate_single_line]
                added += 1
    return added
