"""Calendar arithmetic shared by schedules (checkpoints, assessment rounds, metrics windows).

Pure: no Django imports.
"""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clamped to the month's last day:
    31 Jan + 1 month is 28 Feb, or 29 Feb in a leap year."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
