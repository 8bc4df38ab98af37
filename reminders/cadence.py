"""Cadence rules, pure: how far past its due date a pairing is. No Django imports.

The grace before "overdue" is `checkins.health.grace_days`, the same rule as the health board.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import IntEnum

# One rule for "late", shared with the health board (pure, no Django either).
from checkins.health import grace_days

MILESTONE_LOOKAHEAD_DAYS = 7


class Stage(IntEnum):
    ON_TRACK = 0
    DUE = 1
    OVERDUE = 2
    AT_RISK = 3


@dataclass(frozen=True)
class CadenceState:
    stage: Stage
    # Anchored on the last check-in (or the start), so every sweep in the same situation
    # computes the same key.
    due_on: date


def classify(*, today: date, last_contact: date, cadence_days: int) -> CadenceState:
    due_on = last_contact + timedelta(days=cadence_days)
    late = (today - last_contact).days
    if late >= 2 * cadence_days:
        stage = Stage.AT_RISK
    elif late >= cadence_days + grace_days(cadence_days):
        stage = Stage.OVERDUE
    elif late >= cadence_days:
        stage = Stage.DUE
    else:
        stage = Stage.ON_TRACK
    return CadenceState(stage=stage, due_on=due_on)


def milestone_coming_due(*, today: date, due_date: date) -> bool:
    return today <= due_date <= today + timedelta(days=MILESTONE_LOOKAHEAD_DAYS)
