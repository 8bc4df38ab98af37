"""Milestone checkpoint dates on a monthly or quarterly cadence (pure, no Django)."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # Clamp the 31st to shorter months instead of failing.
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def checkpoint_dates(*, start: date, end: date, months: int, not_before: date,
                     limit: int = 12) -> list[date]:
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
