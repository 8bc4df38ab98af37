"""health_state and next_change_on: on plain values (no database)."""

import random
from datetime import date, timedelta

from checkins.health import (
    PULSE_WINDOW_DAYS,
    grace_days,
    health_state,
    next_change_on,
    next_due_on,
)

TODAY = date(2026, 6, 1)


def state(
    *,
    days_since_last: int | None = 1,
    started_days_ago: int = 60,
    cadence: int = 14,
    pulses: list[int] | None = None,
    overdue: int = 0,
    due: int = 0,
    status: str = "active",
) -> str:
    last = TODAY - timedelta(days=days_since_last) if days_since_last is not None else None
    return health_state(
        today=TODAY,
        started_on=TODAY - timedelta(days=started_days_ago),
        last_checkin_on=last,
        cadence_days=cadence,
        recent_pulses=pulses or [],
        milestones_overdue=overdue,
        milestones_total=due,
        status=status,
    )


def test_it_is_on_track_within_the_cadence():
    assert state(days_since_last=13) == "on_track"


def test_it_is_due_at_the_cadence():
    assert state(days_since_last=14) == "due"


def test_it_is_overdue_after_cadence_plus_grace():
    assert grace_days(14) == 7
    assert state(days_since_last=20) == "due"
    assert state(days_since_last=21) == "overdue"


def test_it_uses_at_least_three_days_of_grace_for_short_cadences():
    assert state(days_since_last=9, cadence=7) == "due"
    assert state(days_since_last=10, cadence=7) == "overdue"


def test_it_is_at_risk_after_twice_the_cadence():
    assert state(days_since_last=27) == "overdue"
    assert state(days_since_last=28) == "at_risk"


def test_it_is_at_risk_when_recent_pulses_average_two_or_less():
    assert state(pulses=[2, 2, 3]) == "on_track"
    assert state(pulses=[1, 3, 2]) == "at_risk"


def test_it_is_at_risk_when_more_than_half_of_due_milestones_are_overdue():
    assert state(overdue=1, due=2) == "on_track"
    assert state(overdue=2, due=3) == "at_risk"


def test_it_counts_from_the_start_when_there_is_no_check_in():
    assert state(days_since_last=None, started_days_ago=10) == "on_track"
    assert state(days_since_last=None, started_days_ago=15) == "due"
    assert state(days_since_last=None, started_days_ago=30) == "at_risk"


def test_it_is_inactive_after_three_cadences_without_any_check_in():
    assert state(days_since_last=None, started_days_ago=42) == "inactive"


def test_it_stays_at_risk_not_inactive_when_there_was_a_check_in_long_ago():
    assert state(days_since_last=100) == "at_risk"


def test_it_is_inactive_when_paused_or_finished():
    for status in ("paused", "completed", "ended"):
        assert state(status=status) == "inactive"


def test_it_is_on_track_while_only_proposed_or_not_started():
    assert state(status="proposed", days_since_last=None, started_days_ago=90) == "on_track"
    assert (
        health_state(
            today=TODAY,
            started_on=None,
            last_checkin_on=None,
            cadence_days=14,
            recent_pulses=[],
            milestones_overdue=0,
            milestones_total=0,
            status="active",
        )
        == "on_track"
    )


def test_it_puts_the_next_due_date_one_cadence_after_the_last_check_in():
    assert next_due_on(
        started_on=date(2026, 1, 1), last_checkin_on=date(2026, 5, 1), cadence_days=14
    ) == date(2026, 5, 15)
    assert next_due_on(started_on=None, last_checkin_on=None, cadence_days=14) is None


def _inputs_on(day: date, world: dict) -> dict:
    """health_state's inputs on `day` for a pairing's dated facts, as the selectors read them."""
    since = day - timedelta(days=PULSE_WINDOW_DAYS)
    due = [(on, done) for on, done in world["milestones"] if on < day]
    return {
        "recent_pulses": [score for on, score in world["pulses"] if on >= since],
        "milestones_total": len(due),
        "milestones_overdue": sum(1 for _, done in due if not done),
    }


def test_it_names_a_day_before_which_the_state_cannot_change():
    """Over random pairings, health_state is the same on every day from today to the day
    before next_change_on (and stays the same for good when it is None)."""
    rng = random.Random(17)
    for _ in range(400):
        cadence = rng.choice([7, 14, 30])
        status = rng.choice(["active"] * 5 + ["proposed", "paused"])
        started = TODAY - timedelta(days=rng.randint(-5, 120)) if rng.random() < 0.9 else None
        last = TODAY - timedelta(days=rng.randint(0, 70)) if rng.random() < 0.7 else None
        world = {
            "pulses": [
                (TODAY - timedelta(days=rng.randint(0, 120)), rng.randint(1, 5))
                for _ in range(rng.randint(0, 4))
            ],
            "milestones": [
                (TODAY + timedelta(days=rng.randint(-40, 40)), rng.random() < 0.4)
                for _ in range(rng.randint(0, 4))
            ],
        }
        fixed = {"started_on": started, "last_checkin_on": last, "cadence_days": cadence}

        def on(day: date, status=status, fixed=fixed, world=world) -> str:
            return health_state(today=day, status=status, **fixed, **_inputs_on(day, world))

        window = [d for d, _ in world["pulses"] if d >= TODAY - timedelta(days=PULSE_WINDOW_DAYS)]
        later = [d for d, _ in world["milestones"] if d >= TODAY]
        change = next_change_on(
            today=TODAY,
            status=status,
            oldest_recent_pulse_on=min(window, default=None),
            next_milestone_due_on=min(later, default=None),
            **fixed,
        )
        assert change is None or change > TODAY
        horizon = (change - TODAY).days if change else 200
        assert {on(TODAY + timedelta(days=k)) for k in range(horizon)} == {on(TODAY)}
