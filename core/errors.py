"""Turning a refusal into the plain sentence a page, a message or a command shows."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def validation_text(exc: ValidationError) -> str:
    """Every message of a ValidationError (field errors included), joined into one text."""
    return " ".join(exc.messages)
