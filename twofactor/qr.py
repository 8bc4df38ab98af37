"""The QR code of an authenticator secret, as inline SVG drawn on the server.

No script and no image request: the page stays within the site's Content-Security-Policy.
"""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, label: str) -> SafeString:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    svg = re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        f'<svg width="220" height="220" role="img" aria-label="{escape(label)}" '
        'class="twofactor-qr"',
        svg,
        count=1,
    )
    # The markup is qrcode's own (a path and a rectangle) around an escaped label.
    return mark_safe(svg)  # noqa: S308
