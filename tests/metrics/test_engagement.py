"""The three engagement selectors (check-in activity, resets, pulse) against figures worked out
by hand on a small program, and their suppression on the dashboard.

Program 2025-01-01 to 2025-12-31, fortnightly (14 days: on track while the last check-in is at
most 1.5 × 14 = 21 days old). "Today" is 2025-06-30. Mentors A and B; mentorships:

    x with A  active    from 2025-01-01           check-ins 05-01 (pulse x 2), 06-20 (x 4, A 5)
    y with A  active    from 2025-03-01           check-in 04-01 (pulse y 3)
    z with B  ended     2025-01-01 to 2025-01-11  not working, check-in 01-05 (pulse z 2)
    w with B  ended     2025-01-01 to 2025-04-30  reassigned, no check-in
    v with B  proposed  (left out of every figure, with its check-in and pulse)

Reset requests: one on z, one on x, one on v (left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from mentorships.models import ResetRequest
from metrics import selectors
from metrics.dashboards import Audience, Builder
from metrics.selectors import Scope
from tests import factories
from tests.checkins.factories import CheckInFactory, PulseFactory

TODAY = date(2025, 6, 30)
# 2025-04-15 .. 2025-06-30: x's two check-ins are in, y's and z's are out.
RANGE = {"date_from": date(2025, 4, 15), "date_to": date(2025, 6, 30)}


@dataclass
class Pairs:
    program: object
    people: dict
    mentorships: dict


@pytest.fixture
def pairs(db) -> Pairs:
    program = factories.ProgramFactory(
        status="active",
        meeting_cadence="fortnightly",
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
    )
    people = {
        key: factories.UserFactory(full_name=f"Person {key}")
        for key in ("A", "B", "x", "y", "z", "w", "v")
    }
    ms = {}
    for key, mentor, status, started, ended, reason in (
        ("x", "A", "active", date(2025, 1, 1), None, ""),
        ("y", "A", "active", date(2025, 3, 1), None, ""),
        ("z", "B", "ended", date(2025, 1, 1), date(2025, 1, 11), "not_working"),
        ("w", "B", "ended", date(2025, 1, 1), date(2025, 4, 30), "reassigned"),
        ("v", "B", "proposed", None, None, ""),
    ):
        ms[key] = factories.MentorshipFactory(
            program=program,
            mentor=people[mentor],
            mentee=people[key],
            status=status,
            started_on=started,
            ended_on=ended,
            end_reason=reason,
        )

    def checkin(key: str, day: date, *pulses: tuple[str, int]) -> None:
        found = CheckInFactory(mentorship=ms[key], author=people[key], date=day)
        for who, score in pulses:
            PulseFactory(checkin=found, user=people[who], score=score)

    checkin("x", date(2025, 5, 1), ("x", 2))
    checkin("x", date(2025, 6, 20), ("x", 4), ("A", 5))
    checkin("y", date(2025, 4, 1), ("y", 3))
    checkin("z", date(2025, 1, 5), ("z", 2))
    checkin("v", date(2025, 6, 1), ("v", 1))
    for key in ("z", "x", "v"):
        ResetRequest.objects.create(mentorship=ms[key], raised_by=people[key], reason="Private")
    return Pairs(program, people, ms)


def scope(pairs: Pairs, **kwargs) -> Scope:
    return Scope(program_ids=(pairs.program.pk,), today=TODAY, **kwargs)


def plain(figure: dict) -> dict:
    return {k: v for k, v in figure.items() if k != "who"}


def rows_of(pairs: Pairs, **kwargs) -> dict[str, list]:
    section = Builder(scope(pairs, **kwargs), Audience.HR).engagement()
    return {str(label): [value, n] for label, value, n in section.rows}


def test_it_counts_checkins_per_mentorship_month_and_the_share_on_track(pairs) -> None:
    # Mentorship-months (days / 30.44, at least 1 each): x 01-01..06-30 = 180 days,
    # y 03-01..06-30 = 121, w 01-01..04-30 = 119, z 01-01..01-11 = 10 days -> 1 month.
    # (180 + 121 + 119) / 30.44 + 1 = 13.798 + 1 = 14.798; 4 check-ins / 14.798 = 0.27.
    # Active: x (last 06-20, 10 days <= 21: on track) and y (last 04-01, 90 days): 1 of 2.
    assert plain(selectors.checkin_activity(scope(pairs))) == {
        "mentorships": 4,
        "checkins": 4,
        "checkins_per_month": 0.27,
        "live": 2,
        "on_track": 1,
        "on_track_rate": 50.0,
    }


def test_it_clips_checkin_activity_to_the_date_range(pairs) -> None:
    # From 04-15: x 04-15..06-30 = 76 days, y 76 days, w 04-15..04-30 = 15 days -> 1 month,
    # z ended before the range: 0. 152 / 30.44 + 1 = 5.993; 2 check-ins (x's) / 5.993 = 0.33.
    # On track: x's last in range 06-20 (yes); y has none in range, so its start 03-01 (no).
    assert plain(selectors.checkin_activity(scope(pairs, **RANGE))) == {
        "mentorships": 4,
        "checkins": 2,
        "checkins_per_month": 0.33,
        "live": 2,
        "on_track": 1,
        "on_track_rate": 50.0,
    }


def test_it_names_the_people_behind_the_activity_figures(pairs) -> None:
    who = selectors.checkin_activity(scope(pairs))["who"]
    p, ms = pairs.people, pairs.mentorships
    # (mentee, mentorship, check-ins) per mentorship; (mentee, mentorship, last) per active one.
    assert who["mentorships"] == {
        (p["x"].pk, ms["x"].pk, 2),
        (p["y"].pk, ms["y"].pk, 1),
        (p["z"].pk, ms["z"].pk, 1),
        (p["w"].pk, ms["w"].pk, 0),
    }
    assert who["live"] == {
        (p["x"].pk, ms["x"].pk, date(2025, 6, 20)),
        (p["y"].pk, ms["y"].pk, date(2025, 4, 1)),
    }


def test_it_counts_resets_by_reason_and_the_reset_requests(pairs) -> None:
    # Ended as not working: z (1); reassigned: w (1). Requests: z + x = 2 (v is proposed).
    assert selectors.reset_counts(scope(pairs)) == {
        "mentorships": 4,
        "resets": [
            {"reason": "not_working", "label": "The pairing was not working", "count": 1},
            {"reason": "reassigned", "label": "Reassigned to another mentor", "count": 1},
        ],
        "reset_requests": 2,
    }


def test_it_lists_every_reset_reason_even_with_none(pairs) -> None:
    # Only x and y's mentees in scope: neither ended, one request (x).
    ids = frozenset({pairs.people["x"].pk, pairs.people["y"].pk})
    found = selectors.reset_counts(scope(pairs, people_ids=ids))
    assert [r["count"] for r in found["resets"]] == [0, 0]
    assert (found["mentorships"], found["reset_requests"]) == (2, 1)


def test_it_averages_the_pulse_over_pulses_not_people(pairs) -> None:
    # Pulses 2 + 4 + 5 (x's check-ins) + 3 (y) + 2 (z) = 16 over 5 pulses = 3.2, from 4 people
    # (x, A, y, z); v's pulse is on a proposed mentorship.
    assert plain(selectors.pulse_summary(scope(pairs))) == {
        "pulse_avg": 3.2,
        "pulse_people": 4,
        "pulse_count": 5,
    }


def test_it_averages_only_the_pulses_given_in_the_date_range(pairs) -> None:
    # x's check-ins only: (2 + 4 + 5) / 3 = 3.666… -> 3.67, from x and A.
    found = selectors.pulse_summary(scope(pairs, **RANGE))
    assert plain(found) == {"pulse_avg": 3.67, "pulse_people": 2, "pulse_count": 3}
    p, x = pairs.people, pairs.mentorships["x"].pk
    # (person, mentorship, pulses, their sum)
    assert found["who"]["pulse"] == {(p["x"].pk, x, 2, 6), (p["A"].pk, x, 1, 5)}


def test_it_has_no_pulse_average_without_pulses(pairs) -> None:
    ids = frozenset({pairs.people["w"].pk})
    assert plain(selectors.pulse_summary(scope(pairs, people_ids=ids))) == {
        "pulse_avg": None,
        "pulse_people": 0,
        "pulse_count": 0,
    }


def test_it_shows_the_engagement_figures_with_three_or_more_behind_them(pairs) -> None:
    rows = rows_of(pairs)
    assert rows["Mentorships"] == [4, 4]
    assert rows["Check-ins per mentorship per month"] == [0.27, 4]
    assert rows["Ended: the pairing was not working"] == [1, 4]
    assert rows["Reset requests raised"] == [2, 4]
    assert rows["Average check-in pulse (1–5)"] == [3.2, 4]


def test_it_hides_the_pulse_when_fewer_than_three_people_gave_one(pairs) -> None:
    # In the date range only x and A gave a pulse: 2 < 3.
    rows = rows_of(pairs, **RANGE)
    assert rows["Average check-in pulse (1–5)"] == ["—", "fewer than 3"]
    assert rows["Mentorships"] == [4, 4]


def test_it_hides_the_share_on_track_with_fewer_than_three_active_mentorships(pairs) -> None:
    # 2 active mentorships (x, y): the 50% would tell about two people.
    assert rows_of(pairs)["Mentorships on track (share of active)"] == ["—", "fewer than 3"]


def test_it_hides_every_mentorship_figure_of_a_team_with_fewer_than_three(pairs) -> None:
    ids = frozenset({pairs.people["x"].pk, pairs.people["y"].pk})
    rows = rows_of(pairs, people_ids=ids)
    pulse = rows.pop("Average check-in pulse (1–5)")
    assert all(value == "—" and n == "fewer than 3" for value, n in rows.values()), rows
    # The pulse counts the people who gave one on these mentorships, mentor A included:
    # x, A and y, (2 + 4 + 5 + 3) / 4 pulses = 3.5.
    assert pulse == [3.5, 3]
