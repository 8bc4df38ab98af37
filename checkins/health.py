"""Relationship health of one mentorship: a pure function of a few numbers (no Django).

Rules, checked in this order (the first that matches wins):

1. ``inactive`` – the mentorship is paused, completed or ended; or no check-in was ever
   logged and at least 3 × cadence days have passed since it started.
2. ``at_risk`` – at least 2 × cadence days since the last check-in (or the start, if none);
   or the average of the recent pulses is 2 or less; or more than half of the milestones
   that are due (due date before today) are overdue (not done).
3. ``overdue`` – at least cadence + grace days since the last check-in (or the start), where
   grace = ``grace_days(cadence)``: half a cadence, at least 3 days. The reminder sweep
   (``reminders/cadence.py``) uses this same function, so the "Check-in overdue" email and the
   health board agree on the day a pairing becomes overdue.
4. ``due`` – at least cadence days since the last check-in (or the start).
5. ``on_track`` – otherwise, including a proposed mentorship and one with no start date yet.

The board keeps each live pairing's state on a row (``checkins.models.MentorshipHealth``);
``next_change_on`` says the day that row stops being true by the passage of time alone.
"""

from __future__ import annotations

from datetime import date, timedelta

ON_TRACK = "on_track"
DUE = "due"
OVERDUE = "overdue"
AT_RISK = "at_risk"
INACTIVE = "inactive"

STATES: tuple[str, ...] = (AT_RISK, INACTIVE, OVERDUE, DUE, ON_TRACK)
LABELS: dict[str, str] = {
    ON_TRACK: "On track",
    DUE: "Check-in due",
    OVERDUE: "Overdue",
    AT_RISK: "At risk",
    INACTIVE: "Inactive",
}
# Board order: the pairings that need HR first.
SEVERITY: dict[str, int] = {AT_RISK: 0, INACTIVE: 1, OVERDUE: 2, DUE: 3, ON_TRACK: 4}

STOPPED_STATUSES = frozenset({"paused", "completed", "ended"})
LOW_PULSE = 2.0
# Pulses of check-ins dated within this many days before today are the "recent" ones.
PULSE_WINDOW_DAYS = 90


MIN_GRACE_DAYS = 3


def grace_days(cadence_days: int) -> int:
    """Days past the due date before a check-in counts as overdue: half a cadence, at least 3.

    The one definition: the health board and the reminder sweep both use it. The floor of 3 days
    means a meeting that slips over a weekend is "due", not yet "overdue".
    """
    return max(MIN_GRACE_DAYS, cadence_days // 2)


def days_since(*, today: date, started_on: date | None, last_checkin_on: date | None) -> int | None:
    reference = last_checkin_on or started_on
    if reference is None:
        return None
    return (today - reference).days


def next_due_on(
    *, started_on: date | None, last_checkin_on: date | None, cadence_days: int
) -> date | None:
    """The day the next check-in is due: one cadence after the last (or the start). O(1)."""
    reference = last_checkin_on or started_on
    return reference + timedelta(days=cadence_days) if reference else None


def average(scores: list[int]) -> float | None:
    """Arithmetic mean of the pulses, None for none. O(p) for p pulses."""
    return sum(scores) / len(scores) if scores else None


def health_state(
    *,
    today: date,
    started_on: date | None,
    last_checkin_on: date | None,
    cadence_days: int,
    recent_pulses: list[int],
    milestones_overdue: int,
    milestones_total: int,
    status: str,
) -> str:
    """One of on_track, due, overdue, at_risk, inactive (rules in the module docstring).

    ``milestones_total`` counts the milestones already due (due date before today), done or
    not; ``milestones_overdue`` those of them not done.

    An ordered rule list, first match wins (a decision list in the sense of R. L. Rivest,
    "Learning decision lists", Machine Learning 2 (1987) 229–246), so exactly one state
    results and the order is the severity policy. O(p) for p recent pulses (the mean), O(1)
    otherwise: a board of k pairings costs O(k·p), with no query per pairing.
    """
    if status in STOPPED_STATUSES:
        return INACTIVE
    if status == "proposed":
        return ON_TRACK
    cadence = max(1, cadence_days)
    elapsed = days_since(today=today, started_on=started_on, last_checkin_on=last_checkin_on)
    if elapsed is None:
        elapsed = 0
    if last_checkin_on is None and elapsed >= 3 * cadence:
        return INACTIVE
    if elapsed >= 2 * cadence:
        return AT_RISK
    mean = average(recent_pulses)
    if mean is not None and mean <= LOW_PULSE:
        return AT_RISK
    if milestones_total > 0 and milestones_overdue * 2 > milestones_total:
        return AT_RISK
    if elapsed >= cadence + grace_days(cadence):
        return OVERDUE
    if elapsed >= cadence:
        return DUE
    return ON_TRACK


def next_change_on(
    *,
    today: date,
    started_on: date | None,
    last_checkin_on: date | None,
    cadence_days: int,
    status: str,
    oldest_recent_pulse_on: date | None,
    next_milestone_due_on: date | None,
) -> date | None:
    """The first day after ``today`` on which the health computed today may differ with no new
    input; None if time alone never changes it. O(1).

    Three things move with the calendar: the days since the last check-in (or the start) cross
    a threshold of ``health_state`` (cadence, cadence + grace, 2 × cadence, and 3 × cadence
    while no check-in was logged); the oldest recent pulse leaves the window
    (``oldest_recent_pulse_on``: the date of the oldest check-in with a pulse inside the window
    today); a milestone's due date passes, so it counts as due, and overdue if not done
    (``next_milestone_due_on``: the earliest due date on or after today). The day count itself
    changes daily and is derived from the stored reference date instead, not stored.

    Until that day the stored state equals ``health_state`` computed afresh: each rule reads
    only these dated inputs, and each is a step function of ``today`` whose steps are the
    candidates below (a conservative superset: a candidate may change nothing).
    """
    candidates: list[date] = []
    if status not in STOPPED_STATUSES and status != "proposed":
        reference = last_checkin_on or started_on
        if reference is not None:
            cadence = max(1, cadence_days)
            steps = [cadence, cadence + grace_days(cadence), 2 * cadence]
            if last_checkin_on is None:
                steps.append(3 * cadence)
            candidates += [reference + timedelta(days=step) for step in steps]
    if oldest_recent_pulse_on is not None:
        candidates.append(oldest_recent_pulse_on + timedelta(days=PULSE_WINDOW_DAYS + 1))
    if next_milestone_due_on is not None:
        candidates.append(next_milestone_due_on + timedelta(days=1))
    return min((day for day in candidates if day > today), default=None)
