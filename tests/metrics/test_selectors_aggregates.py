"""The dashboards' shortcuts against the figures worked out the plain way, on a generated
organisation: skill growth of a manager's subtree (changes looked up per mentee), the people of
a scope (the smaller side looked up), and rows loaded once per request."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from statistics import fmean

import pytest
from django.utils import timezone

from feedback.models import AssessmentRequest, AssessmentRound, SkillRating
from feedback.selectors import skill_growth_rows
from metrics import selectors
from metrics.selectors import Once, Scope
from tests import factories

MENTEES = 14


@pytest.fixture
def growth_org(db) -> dict:
    """Three programs (two starting in the same month: one cohort), three skills, fourteen
    mentees with baseline, follow-up and final ratings by themselves and their mentor, at
    random levels (seeded); a few requests left uncompleted."""
    rng = random.Random(17)
    today = date.today()
    start = today - timedelta(days=300)
    programs = [
        factories.ProgramFactory(start_date=start, end_date=today - timedelta(days=10)),
        factories.ProgramFactory(
            start_date=start + timedelta(days=2), end_date=today - timedelta(days=5)
        ),
        factories.ProgramFactory(
            start_date=start - timedelta(days=60), end_date=today - timedelta(days=40)
        ),
    ]
    skills = [factories.SkillFactory(name=f"Generated skill {i}") for i in range(3)]
    mentees = [factories.UserFactory() for _ in range(MENTEES)]
    mentor = factories.UserFactory()
    done = timezone.now()
    for program in programs:
        rounds = [
            AssessmentRound.objects.create(
                program=program, kind=kind, due_on=program.start_date + timedelta(days=days)
            )
            for kind, days in (("baseline", 5), ("follow_up", 90), ("final", 200))
        ]
        for mentee in rng.sample(mentees, 10):
            for rnd in rounds:
                for rater, role in ((mentee, "mentee"), (mentor, "mentor")):
                    request = AssessmentRequest.objects.create(
                        round=rnd,
                        mentee=mentee,
                        rater=rater,
                        rater_role=role,
                        completed_at=None if rng.random() < 0.1 else done,
                    )
                    for skill in rng.sample(skills, 2):
                        SkillRating.objects.create(
                            request=request, skill=skill, level=rng.randint(1, 5)
                        )
    return {"programs": programs, "mentees": mentees, "today": today}


def _by_hand(rows: list[dict], programs: dict, inside: set[int]) -> dict:
    """skill_growth's figures from feedback's Python rows: (level, label, role) -> (mean, n)."""
    changes: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
    names = {}
    for r in rows:
        if r["change"] is None or r["mentee_id"] not in inside:
            continue
        names[r["skill_id"]] = r["skill_name"]
        role = {"mentee": "self", "mentor": "mentor"}[r["rater_role"]]
        program = programs[r["program_id"]]
        for key in (
            ("Skill", r["skill_name"], role),
            ("Program", program.name, role),
            ("Cohort", program.cohort, role),
        ):
            changes[key].append((r["mentee_id"], r["change"]))
    return {
        key: (round(fmean(c for _m, c in found), 2), len({m for m, _c in found}))
        for key, found in changes.items()
    }


def _figures(data: dict) -> dict:
    found = {}
    for level, items in (
        ("Skill", data["skills"]),
        ("Program", data["programs"]),
        ("Cohort", data["cohorts"]),
    ):
        for item in items:
            for role in ("self", "mentor"):
                if item[role]["n"]:
                    found[level, item["label"], role] = (item[role]["mean"], item[role]["n"])
    return found


@pytest.mark.parametrize("size", [0, 1, 5, MENTEES])
def test_it_computes_skill_growth_of_a_subtree_as_the_plain_rows_do(growth_org, size) -> None:
    rng = random.Random(size)
    kept = frozenset(u.pk for u in rng.sample(growth_org["mentees"], size))
    ids = tuple(sorted(p.pk for p in growth_org["programs"]))
    scope = Scope(program_ids=ids, people_ids=kept, today=growth_org["today"])
    programs = selectors.scoped_programs(scope)
    expected = _by_hand(skill_growth_rows(), programs, set(kept))
    assert _figures(selectors.skill_growth(scope, programs)) == expected


def test_it_computes_an_organisation_and_its_subtrees_alike_in_one_request(growth_org) -> None:
    ids = tuple(sorted(p.pk for p in growth_org["programs"]))
    whole = Scope(program_ids=ids, today=growth_org["today"])
    rows = skill_growth_rows()
    everyone = {u.pk for u in growth_org["mentees"]}
    assert _figures(selectors.skill_growth(whole)) == _by_hand(
        rows, selectors.scoped_programs(whole), everyone
    )
    for size in (3, 9):
        kept = frozenset(sorted(everyone)[:size])
        # The same request: the rows, grouped and looked up per mentee, shared.
        part = Scope(program_ids=ids, people_ids=kept, today=whole.today, cache=whole.cache)
        part.cache.pop("people", None)
        programs = selectors.scoped_programs(part)
        assert _figures(selectors.skill_growth(part, programs)) == _by_hand(rows, programs, kept)


def test_it_lists_who_stands_behind_a_subtree_s_growth_figure(growth_org) -> None:
    kept = frozenset(u.pk for u in growth_org["mentees"][:6])
    ids = tuple(sorted(p.pk for p in growth_org["programs"]))
    scope = Scope(program_ids=ids, people_ids=kept, today=growth_org["today"])
    data = selectors.skill_growth(scope)
    skill = data["skills"][0]
    expected = {
        (r["mentee_id"], r["program_id"], r["skill_id"])
        for r in skill_growth_rows()
        if r["change"] is not None
        and r["mentee_id"] in kept
        and r["skill_name"] == skill["label"]
        and r["rater_role"] == "mentee"
    }
    assert skill["self"]["who"]() == expected


@pytest.mark.parametrize("size", [1, 4, MENTEES + 2])
def test_it_finds_the_people_of_a_scope_from_either_side(growth_org, size) -> None:
    everyone = sorted(selectors.User.objects.values_list("pk", flat=True))
    kept = frozenset(everyone[:size])
    scope = Scope(people_ids=kept, today=growth_org["today"])
    asked = set(everyone[2:9])
    found = selectors._people(scope, asked)
    assert set(found) == kept & asked
    assert set(selectors._people(scope)) == kept


def test_it_loads_the_programs_once_per_request_for_the_same_filters(
    growth_org, django_assert_num_queries
) -> None:
    scope = Scope(today=growth_org["today"])
    with django_assert_num_queries(1):
        first = selectors.scoped_programs(scope)
        again = selectors.scoped_programs(Scope(today=scope.today, cache=scope.cache))
    assert first == again and len(first) == 3


def test_it_works_out_who_stands_behind_a_figure_once() -> None:
    calls = []
    who = Once(lambda: calls.append(1) or frozenset({(1,)}))
    assert who() == who() == frozenset({(1,)})
    assert calls == [1]


def test_it_matches_a_whole_organisation_s_groups_once_per_request(org) -> None:
    first = Scope(program_ids=(org.program.pk,), today=org.today)
    groups = selectors.cohorts(first)
    shared = {k: v for k, v in first.cache.items() if isinstance(k, tuple) and k[0] == "shared"}
    again = Scope(program_ids=first.program_ids, today=org.today, cache=shared)
    assert selectors.cohorts(again) is groups
    fresh = selectors.cohorts(Scope(program_ids=first.program_ids, today=org.today))
    assert (fresh.participants, fresh.comparison) == (groups.participants, groups.comparison)


def test_it_keeps_every_skill_row_for_a_whole_organisation(org) -> None:
    scope = Scope(program_ids=(org.program.pk,), today=org.today)
    rows = selectors.skill_rows(scope, selectors.scoped_programs(scope))
    everyone = selectors.EnrolmentSkill.objects.filter(
        enrolment__program=org.program, enrolment__status__in=("pending", "approved")
    )
    assert len(rows) == everyone.count() > 0
