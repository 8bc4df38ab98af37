"""The gap and the plan, computed by hand (careers.gap, no database)."""

from datetime import date

from careers.gap import (
    Gap,
    Item,
    Requirement,
    compute_gap,
    current_level,
    propose_plan,
    role_items,
    share_met,
)

# A role: AWS at 3, Terraform at 3, Linux at 2.
NEEDS = [Requirement(1, "AWS", 3), Requirement(2, "Terraform", 3), Requirement(3, "Linux", 2)]
ITEMS = [
    Item(10, 1, 2, "Private subnet"),
    Item(11, 1, 3, "AZ restore"),
    Item(12, 1, 4, "Multi-region design"),  # above the required level: not in the role
    Item(13, 3, 2, "Full disk"),
    Item(14, 9, 1, "Other skill"),  # a skill the role doesn't require
]


def test_it_lists_skills_below_the_required_level_largest_shortfall_first():
    gap = compute_gap(NEEDS, {1: 2, 2: 0, 3: 2})
    # Terraform 0 -> 3 (3 short) before AWS 2 -> 3 (1 short); Linux 2 >= 2 is met.
    assert [(g.name, g.current, g.required) for g in gap.skills] == [
        ("Terraform", 0, 3),
        ("AWS", 2, 3),
    ]
    assert (gap.met, gap.required) == (1, 3)
    assert gap.share_met == 1 / 3


def test_it_counts_a_level_above_the_requirement_as_met():
    assert share_met(NEEDS, {1: 5, 2: 3, 3: 1}) == (2, 3)


def test_it_includes_checklist_items_up_to_the_required_level_only():
    assert [i.id for i in role_items(NEEDS, ITEMS)] == [10, 11, 13]


def test_it_leaves_evidenced_items_out_of_the_gap():
    gap = compute_gap(NEEDS, {1: 3, 2: 3, 3: 2}, ITEMS, evidenced={10, 13})
    assert gap.skills == ()
    assert [i.id for i in gap.open_items] == [11]
    assert not gap.is_closed


def test_it_is_closed_when_every_skill_and_item_is_met():
    gap = compute_gap(NEEDS, {1: 3, 2: 4, 3: 2}, ITEMS, evidenced={10, 11, 13})
    assert gap.is_closed and gap.share_met == 1.0


def test_it_has_no_share_for_a_role_without_requirements():
    assert compute_gap([], {}).share_met is None


def test_it_prefers_the_mentor_rating_then_the_self_rating_then_the_declared_level():
    assert current_level(mentor_rating=2, self_rating=4, declared=1) == 2
    assert current_level(mentor_rating=None, self_rating=4, declared=1) == 4
    assert current_level(mentor_rating=None, self_rating=None, declared=1) == 1
    assert current_level(mentor_rating=None, self_rating=None, declared=None) == 0


def test_it_spaces_milestones_one_per_cadence_date_in_gap_order():
    gap = compute_gap(NEEDS, {1: 2, 2: 1, 3: 2})
    dates = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    plan = propose_plan(gap, dates, role_title="Cloud ops")
    # Terraform 1 -> 3: levels 2 and 3 on the first two dates; then AWS 2 -> 3 on the third.
    assert [(p.title, p.milestones) for p in plan] == [
        (
            "Terraform: reach level 3 for Cloud ops",
            [
                ("Terraform at level 2", date(2026, 2, 1)),
                ("Terraform at level 3", date(2026, 3, 1)),
            ],
        ),
        ("AWS: reach level 3 for Cloud ops", [("AWS at level 3", date(2026, 4, 1))]),
    ]
    assert plan[0].target_date == date(2026, 3, 1)


def test_it_puts_steps_beyond_the_last_date_on_the_last_date():
    gap = compute_gap(NEEDS, {})  # 3 + 3 + 2 = 8 steps
    plan = propose_plan(gap, [date(2026, 2, 1), date(2026, 3, 1)], role_title="R")
    dues = [due for p in plan for _title, due in p.milestones]
    assert dues == [date(2026, 2, 1)] + [date(2026, 3, 1)] * 7


def test_it_proposes_nothing_for_an_empty_gap():
    assert propose_plan(Gap((), (), 3, 3), [date(2026, 2, 1)], role_title="R") == []
