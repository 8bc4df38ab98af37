"""Milestone checkpoint dates on a monthly or quarterly cadence (pure, no Django)."""

from datetime import date

from core.dates import add_months


def checkpoint_dates(
    *, start: date, end: date, months: int, not_before: date, limit: int = 12
) -> list[date]:
    """Every `months` after `start`, strictly before or on `end`, skipping past dates."""
    found: list[date] = []
    step = 1
    while len(found) < limit:
        day = add_months(start, months * step)
        if day > end:
            break
        if day >= not_before:
            found.append(day)
        step += 1
    return found
