from datetime import date

import pytest

from core.dates import add_months


def test_it_keeps_the_day_of_the_month_when_it_exists() -> None:
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


@pytest.mark.parametrize(
    "start,months,expected",
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2025, 1, 31), 6, date(2025, 7, 31)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
    ],
)
def test_it_clamps_to_the_last_day_of_a_shorter_month(start, months, expected) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    "start,months,expected",
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # divisible by 4
        (date(2000, 1, 31), 1, date(2000, 2, 29)),  # divisible by 400
        (date(2100, 1, 31), 1, date(2100, 2, 28)),  # divisible by 100 only: not a leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
    ],
)
def test_it_knows_leap_years(start, months, expected) -> None:
    assert add_months(start, months) == expected


def test_it_crosses_year_ends_both_ways() -> None:
    assert add_months(date(2026, 12, 31), 1) == date(2027, 1, 31)
    assert add_months(date(2026, 1, 31), -2) == date(2025, 11, 30)
    assert add_months(date(2026, 5, 17), 0) == date(2026, 5, 17)
