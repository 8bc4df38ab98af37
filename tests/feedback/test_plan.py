from datetime import date

from feedback.plan import assessment_plan, survey_dates


def test_it_opens_the_mid_point_survey_halfway_and_the_end_survey_on_the_last_day() -> None:
    dates = survey_dates(date(2026, 1, 1), date(2026, 7, 1))
    assert dates == {"mid_point": date(2026, 4, 1), "end": date(2026, 7, 1)}


def test_it_rounds_an_odd_midpoint_down() -> None:
    assert survey_dates(date(2026, 1, 1), date(2026, 1, 4))["mid_point"] == date(2026, 1, 2)


def test_it_plans_monthly_follow_ups_between_baseline_and_final() -> None:
    rounds = assessment_plan(date(2026, 1, 15), date(2026, 5, 1), "monthly")
    assert rounds == [
        ("baseline", date(2026, 1, 15)),
        ("follow_up", date(2026, 2, 15)),
        ("follow_up", date(2026, 3, 15)),
        ("follow_up", date(2026, 4, 15)),
        ("final", date(2026, 5, 1)),
    ]


def test_it_plans_quarterly_follow_ups_and_none_on_the_end_date() -> None:
    rounds = assessment_plan(date(2026, 1, 1), date(2027, 1, 1), "quarterly")
    assert rounds == [
        ("baseline", date(2026, 1, 1)),
        ("follow_up", date(2026, 4, 1)),
        ("follow_up", date(2026, 7, 1)),
        ("follow_up", date(2026, 10, 1)),
        ("final", date(2027, 1, 1)),
    ]


def test_it_plans_no_follow_up_for_a_program_shorter_than_one_step() -> None:
    rounds = assessment_plan(date(2026, 1, 1), date(2026, 3, 1), "quarterly")
    assert [kind for kind, _ in rounds] == ["baseline", "final"]
