"""The OpenAPI schema: every operation documents its refusals with the one error body."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiTypes
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (api.exceptions)."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(
        help_text="Stable machine-readable code: invalid, not_authenticated, permission_denied, "
        "not_found, method_not_allowed, unsupported_media_type, throttled, conflict."
    )
    detail = serializers.CharField(help_text="A sentence for people.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="For 400: field name -> messages (may be empty).",
    )

    class Meta:
        ref_name = "Error"


ERRORS = {
    "400": "Bad request: a parameter or field is not valid (see `errors`).",
    "401": "Not authenticated: no credentials, or an invalid, expired or revoked token.",
    "403": "Refused: a role you don't hold, a program you don't coordinate, or a token "
    "without the scope.",
    "404": "Not found, or private to others (the same answer either way).",
    "429": "Too many requests: wait Retry-After seconds.",
}
WITH_BODY = {"POST", "PUT", "PATCH"}


class ApiAutoSchema(AutoSchema):
    def get_description(self):
        description = super().get_description() or ""
        group = getattr(self.view, "scope_group", None)
        if group:
            needed = "read" if self.method in {"GET", "HEAD", "OPTIONS"} else "write"
            description += f"\n\nToken scope: `{group}:{needed}`."
        return description.strip()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = dict(ERRORS)
        if self.method in WITH_BODY:
            codes["415"] = "Unsupported media type: send `application/json`."
        for code, description in codes.items():
            if code in responses:
                continue
            response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            response["description"] = description
            if code == "429":
                response["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before trying again.",
                    }
                }
            if code == "401":
                response["headers"] = {
                    "WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer"}
                }
            responses[code] = response
        return responses


__all__ = ["ApiAutoSchema", "ErrorSerializer", "OpenApiTypes"]
