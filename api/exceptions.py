"""One error body for every refusal and failure of the API (documented in the schema)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def _messages(detail) -> tuple[str, dict]:
    """(a one-line message, field -> list of messages) from DRF's nested error detail."""
    if isinstance(detail, dict):
        fields = {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
        general = fields.pop("non_field_errors", None) or fields.pop("detail", None)
        if general:
            return " ".join(general), fields
        return "Some fields are not valid: see `errors`.", fields
    if isinstance(detail, list):
        return " ".join(str(m) for m in detail), {}
    return str(detail), {}


def _django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return list(exc.messages)


def error_response(status_code: int, message: str, errors: dict | None = None, **headers):
    body = {
        "status": status_code,
        "code": CODES.get(status_code, "error"),
        "detail": message,
        "errors": errors or {},
    }
    response = Response(body, status=status_code)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def exception_handler(exc, context):
    """DRF's handler, then the uniform body `{status, code, detail, errors}`.

    Services raise Django's ValidationError / PermissionDenied; they map to 400 / 403 here so a
    view can call a service and let its refusal through.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500
    message, errors = _messages(response.data)
    if isinstance(exc, exceptions.NotFound):
        message = "Not found."  # never say more about an object one may not see
    response.data = {
        "status": response.status_code,
        "code": CODES.get(response.status_code, getattr(exc, "default_code", "error")),
        "detail": message,
        "errors": errors,
    }
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data["detail"] = "Too many requests: try again after Retry-After seconds."
    return response
