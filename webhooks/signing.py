"""Webhook signatures, pure: HMAC-SHA256 over "<timestamp>.<body>" (no Django).

Header: ``Tandem-Signature: t=<unix seconds>,v1=<hex digest>``. A receiver recomputes the
digest with the endpoint's secret, compares in constant time and refuses an old timestamp
(replays); docs/webhooks.md has the snippet.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

HEADER = "Tandem-Signature"
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header_value(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify(
    secret: str, header: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """True if `header` signs `body` with `secret` within `tolerance` seconds of `now`."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))
