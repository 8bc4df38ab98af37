"""Date arithmetic for survey and assessment schedules. Pure: no Django imports."""

from datetime import date

from core.dates import add_months

CADENCE_MONTHS = {"monthly": 1, "quarterly": 3}


def survey_dates(start: date, end: date) -> dict[str, date]:
    """Mid-point survey halfway between start and end; end survey on the last day."""
    return {"mid_point": start + (end - start) // 2, "end": end}


def assessment_plan(start: date, end: date, cadence: str) -> list[tuple[str, date]]:
    """Baseline at start, a follow-up every cadence step strictly before end, final at end."""
    step = CADENCE_MONTHS[cadence]
    rounds: list[tuple[str, date]] = [("baseline", start)]
    n = 1
    while (due := add_months(start, step * n)) < end:
        rounds.append(("follow_up", due))
        n += 1
    rounds.append(("final", end))
    return rounds
