"""Milestone dates for a certification goal: objectives spread evenly up to the exam.

Pure (no Django). For n objectives between `start` and the exam on `end` (d days apart),
objective i (0-based) is due on start + round(d * (i + 1) / (n + 1)) days and the exam on
`end`: evenly spaced points of the interval, as in linear interpolation; the last objective
falls before the exam whenever d > n. O(n) time and memory.
"""

from __future__ import annotations

from datetime import date, timedelta


def spread(start: date, end: date, n: int) -> list[date]:
    """n due dates in (start, end], evenly spaced, ascending, never after `end`."""
    if n <= 0:
        return []
    days = max((end - start).days, 0)
    found = []
    for i in range(n):
        offset = (days * (i + 1) + (n + 1) // 2) // (n + 1)  # round half up, integers only
        found.append(min(start + timedelta(days=max(offset, 1 if days else 0)), end))
    return found
