"""Small HTTP helpers every app's views share."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CSV = "text/csv; charset=utf-8"


def as_download(response: HttpResponse, filename: str) -> HttpResponse:
    """`response` saved by the browser as `filename` (quoted, or RFC 5987 when not ASCII)
    instead of shown."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
