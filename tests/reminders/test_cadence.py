from datetime import date, timedelta

import pytest

from checkins.health import grace_days, health_state
from reminders.cadence import Stage, classify, milestone_coming_due

TODAY = date(2026, 3, 10)


def _stage(days: int, cadence: int = 14) -> Stage:
    return classify(
        today=TODAY, last_contact=TODAY - timedelta(days=days), cadence_days=cadence
    ).stage


@pytest.mark.parametrize(
    ("days", "stage"),
    [
        (0, Stage.ON_TRACK),
        (13, Stage.ON_TRACK),
        (14, Stage.DUE),
        (20, Stage.DUE),
        (21, Stage.OVERDUE),
        (27, Stage.OVERDUE),
        (28, Stage.AT_RISK),
        (90, Stage.AT_RISK),
    ],
)
def test_it_classifies_a_fortnightly_pairing_by_days_since_contact(days: int, stage: Stage) -> None:
    assert _stage(days) == stage


def test_it_gives_a_weekly_pairing_three_days_grace() -> None:
    assert grace_days(7) == 3
    assert _stage(9, cadence=7) == Stage.DUE
    assert _stage(10, cadence=7) == Stage.OVERDUE


def test_it_gives_a_short_cadence_at_least_three_days_grace() -> None:
    # The sweep's floor was 2 days; it is now the health board's 3 (one rule for both).
    assert grace_days(4) == 3
    assert _stage(6, cadence=4) == Stage.DUE
    assert _stage(7, cadence=4) == Stage.OVERDUE


HEALTH_OF_STAGE = {
    Stage.ON_TRACK: "on_track",
    Stage.DUE: "due",
    Stage.OVERDUE: "overdue",
    Stage.AT_RISK: "at_risk",
}


@pytest.mark.parametrize("cadence", [1, 2, 3, 4, 5, 6, 7, 14, 30])
def test_it_calls_a_pairing_late_on_the_same_day_as_the_health_board(cadence: int) -> None:
    for days in range(0, 3 * cadence + 2):
        last = TODAY - timedelta(days=days)
        board = health_state(
            today=TODAY,
            started_on=last - timedelta(days=1),
            last_checkin_on=last,
            cadence_days=cadence,
            recent_pulses=[],
            milestones_overdue=0,
            milestones_total=0,
            status="active",
        )
        assert HEALTH_OF_STAGE[_stage(days, cadence=cadence)] == board, (cadence, days)


def test_it_anchors_the_due_date_on_the_last_contact_not_on_today() -> None:
    last = TODAY - timedelta(days=40)
    first = classify(today=TODAY, last_contact=last, cadence_days=30)
    later = classify(today=TODAY + timedelta(days=5), last_contact=last, cadence_days=30)
    assert first.due_on == later.due_on == last + timedelta(days=30)


def test_it_counts_milestones_due_within_seven_days_only() -> None:
    assert milestone_coming_due(today=TODAY, due_date=TODAY)
    assert milestone_coming_due(today=TODAY, due_date=TODAY + timedelta(days=7))
    assert not milestone_coming_due(today=TODAY, due_date=TODAY + timedelta(days=8))
    assert not milestone_coming_due(today=TODAY, due_date=TODAY - timedelta(days=1))
