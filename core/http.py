"""Small HTTP helpers every app's views share."""

from __future__ import annotations

import ipaddress
import socket

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CSV = "text/csv; charset=utf-8"


def as_download(response: HttpResponse, filename: str) -> HttpResponse:
    """`response` saved by the browser as `filename` (quoted, or RFC 5987 when not ASCII)
    instead of shown."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def refused_address(host: str, *, allow_private: bool) -> str:
    """Outbound calls' SSRF care (webhooks, Teams): unless `allow_private`, a host resolving to a
    private, loopback, link-local or reserved address is refused. Returns why in words, or ''.
    A resolution failure is an ordinary error."""
    if allow_private:
        return ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        return f"Could not resolve {host}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            return f"Refused: {host} resolves to a private or reserved address ({address})."
    return ""
