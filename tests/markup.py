"""Comparing markup drawn in Python with what a template drew."""

import re


def tags_only(html: str) -> str:
    """The markup without the white space between tags (which the browser ignores here)."""
    return re.sub(r">\s+<", "><", " ".join(html.split()))
