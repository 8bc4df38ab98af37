"""Every figure checked against the numbers worked out by hand in conftest.py."""

from __future__ import annotations

from core.privacy import suppress
from metrics import selectors
from metrics.selectors import Scope
from people.selectors import subtree_ids


def scope_for(org, **kwargs) -> Scope:
    kwargs.setdefault("today", org.today)
    return Scope(program_ids=(org.program.pk,), **kwargs)


def plain(figure: dict) -> dict:
    """A figure without the contributions behind it (those are for the Builder's suppression)."""
    return {k: v for k, v in figure.items() if k != "who"}


def ids(org, *keys: str) -> set[int]:
    return {org.people[k].pk for k in keys}


def test_it_suppresses_figures_from_fewer_than_three_people() -> None:
    assert suppress(42.0, 2) is None
    assert suppress(42.0, 0) is None
    assert suppress(42.0, 3) == 42.0
    assert suppress(7, 5, min_n=6) is None


def test_it_matches_the_comparison_group_on_department_and_tenure(org) -> None:
    groups = selectors.cohorts(scope_for(org))
    assert set(groups.participants) == ids(org, "M1", "M2", "m1", "m2", "m3", "m4")
    assert set(groups.comparison) == ids(org, "c1", "c2", "c3", "c4")


def test_it_computes_retention_at_6_and_12_months_for_both_groups(org) -> None:
    data = selectors.retention(scope_for(org))
    six, twelve = data["rows"]
    assert plain(six["participants"]) == {"retained": 5, "n": 6, "rate": 83.3}
    assert plain(twelve["participants"]) == {"retained": 4, "n": 6, "rate": 66.7}
    assert plain(six["comparison"]) == {"retained": 3, "n": 4, "rate": 75.0}
    assert plain(twelve["comparison"]) == {"retained": 2, "n": 4, "rate": 50.0}


def test_it_counts_only_people_whose_window_has_elapsed(org) -> None:
    from datetime import timedelta

    early = scope_for(org, today=org.start + timedelta(days=250))
    data = selectors.retention(early)
    assert data["rows"][0]["participants"]["n"] == 6
    assert data["rows"][1]["participants"]["n"] == 0
    assert data["rows"][1]["participants"]["rate"] is None


def test_it_computes_career_outcome_rates_in_the_program_window(org) -> None:
    rows = {r["kind"]: r for r in selectors.career_outcomes(scope_for(org))["rows"]}
    assert plain(rows["promotion"]["participants"]) == {"count": 1, "n": 6, "rate": 16.7}
    assert plain(rows["promotion"]["comparison"]) == {"count": 1, "n": 4, "rate": 25.0}
    assert rows["internal_move"]["participants"]["rate"] == 16.7
    assert rows["internal_move"]["comparison"]["rate"] == 0.0
    assert plain(rows["certification"]["participants"]) == {"count": 2, "n": 6, "rate": 33.3}
    assert rows["certification"]["comparison"]["count"] == 0


def test_it_limits_a_manager_scope_to_their_subtree(org) -> None:
    scope = scope_for(org, people_ids=frozenset(subtree_ids(org.boss)))
    data = selectors.retention(scope)
    assert data["participants_n"] == 3  # m1, m2, m3
    assert data["comparison_n"] == 1  # c1
    assert plain(data["rows"][0]["participants"]) == {"retained": 2, "n": 3, "rate": 66.7}


def test_it_filters_by_department(org) -> None:
    from people.models import Department

    ops = Department.objects.get(name="Operations")
    data = selectors.retention(scope_for(org, department_id=ops.pk))
    assert data["participants_n"] == 0 and data["comparison_n"] == 0


def test_it_filters_by_cohort(org) -> None:
    assert selectors.scoped_programs(scope_for(org, cohort=org.start.strftime("%Y-%m")))
    assert not selectors.scoped_programs(scope_for(org, cohort="1999-01"))


def test_it_computes_engagement_by_hand(org) -> None:
    # More cases, each figure's arithmetic spelled out, in test_engagement.py.
    d = selectors.checkin_activity(scope_for(org))
    assert d["mentorships"] == 4
    assert d["checkins"] == 6
    assert d["checkins_per_month"] == round(6 / (1100 / 30.44), 2)
    assert (d["live"], d["on_track"], d["on_track_rate"]) == (2, 1, 50.0)
    resets = selectors.reset_counts(scope_for(org))
    assert {r["reason"]: r["count"] for r in resets["resets"]} == {
        "not_working": 1,
        "reassigned": 0,
    }
    assert resets["reset_requests"] == 1
    pulse = selectors.pulse_summary(scope_for(org))
    assert (pulse["pulse_avg"], pulse["pulse_people"]) == (4.0, 3)


def test_it_computes_skill_supply_and_demand(org) -> None:
    d = selectors.supply_demand(scope_for(org))
    skills = {s["skill"]: s for s in d["skills"]}
    assert (skills["Kube test skill"]["demand"], skills["Kube test skill"]["mean_gap"]) == (3, 2.0)
    assert (skills["Kube test skill"]["supply"], skills["Kube test skill"]["shortfall"]) == (5, -2)
    assert (skills["BGP test skill"]["supply"], skills["BGP test skill"]["demand"]) == (2, 1)
    assert (skills["Threat test skill"]["supply"], skills["Threat test skill"]["shortfall"]) == (
        0,
        1,
    )
    cats = {c["category"]: c for c in d["categories"]}
    assert (cats["cloud"]["demand"], cats["cloud"]["supply"], cats["cloud"]["seekers"]) == (3, 5, 3)
    assert cats["cybersecurity"]["shortfall"] == 1
    assert [s["skill"] for s in d["invest"]] == ["Threat test skill"]


def test_it_finds_concentrated_knowledge_and_suggests_pairings(org) -> None:
    d = selectors.knowledge_concentration(scope_for(org))
    rows = {s["skill"]: s for s in d["skills"]}
    assert set(rows) == {"Kube test skill", "BGP test skill", "Threat test skill"}
    k8s = rows["Kube test skill"]
    assert (k8s["experts"], k8s["needed_by"], k8s["expert"]) == (1, 3, "Mentor One")
    # Mentor Two reports to the expert, so only Mentee Three (level 3) is suggested.
    assert k8s["suggested"] == [{"name": "Mentee Three", "level": 3}]
    assert (rows["BGP test skill"]["experts"], rows["BGP test skill"]["needed_by"]) == (0, 1)


def test_it_leaves_names_out_when_pairings_are_not_wanted(org) -> None:
    d = selectors.knowledge_concentration(scope_for(org), pairings=False)
    assert all(s["expert"] is None and s["suggested"] == [] for s in d["skills"])


def test_it_computes_skill_growth_per_skill_program_and_cohort(org, assessments) -> None:
    d = selectors.skill_growth(scope_for(org))
    expected = {"self": {"mean": 1.0, "n": 3}, "mentor": {"mean": 1.5, "n": 2}}
    (skill,) = d["skills"]
    assert skill["label"] == "Kube test skill"
    assert {k: plain(skill[k]) for k in ("self", "mentor")} == expected
    (program,) = d["programs"]
    assert program["label"] == "Onboarding" and plain(program["self"]) == expected["self"]
    (cohort,) = d["cohorts"]
    assert (
        cohort["label"] == org.start.strftime("%Y-%m")
        and plain(cohort["mentor"]) == expected["mentor"]
    )


def test_it_limits_skill_growth_to_the_manager_subtree(org, assessments) -> None:
    scope = scope_for(org, people_ids=frozenset(ids(org, "m1")))
    (skill,) = selectors.skill_growth(scope)["skills"]
    assert plain(skill["self"]) == {"mean": 2.0, "n": 1}
