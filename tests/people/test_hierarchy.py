"""Reporting lines walked in the database: a subtree or the line above is one query, whatever
the size of the organisation (docs/benchmarks.md, the team page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import reporting_path
from people.models import User
from people.selectors import (
    below_path,
    line_above,
    manages,
    subtree,
    subtree_ids,
    subtrees_up_the_line,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    """head ─ lead ─ eng1, eng2 ─ intern (under eng2); a second head with their own report."""
    head = UserFactory()
    lead = UserFactory(manager=head)
    eng1 = UserFactory(manager=lead)
    eng2 = UserFactory(manager=lead)
    intern = UserFactory(manager=eng2)
    other_head = UserFactory()
    other = UserFactory(manager=other_head)
    return locals()


def test_it_finds_everyone_below_a_manager(org):
    expected = {org["lead"].pk, org["eng1"].pk, org["eng2"].pk, org["intern"].pk}
    assert subtree_ids(org["head"]) == expected


def test_it_adds_the_manager_only_when_asked(org):
    assert org["head"].pk in subtree_ids(org["head"], include_self=True)
    assert org["head"].pk not in subtree_ids(org["head"])


def test_it_finds_the_same_people_below_a_path_passed_whole_to_the_sql(org):
    for name in ("head", "lead", "eng2", "intern"):
        person = User.objects.get(pk=org[name].pk)
        below = set(below_path(person.reporting_path, person.pk).values_list("pk", flat=True))
        assert below == subtree_ids(person)


def test_it_keeps_the_subtree_in_sql_for_counting_and_paging(org):
    with CaptureQueriesContext(connection) as queries:
        assert subtree(org["lead"]).count() == 3  # the manager's path, then the count
        assert subtree(org["lead"]).count() == 3  # the path is read once per object
    assert len(queries) == 3


def test_it_reads_a_subtree_in_two_queries_however_deep_the_line(org):
    boss = org["intern"]
    for _ in range(30):  # a line 30 deep below the intern
        boss = UserFactory(manager=boss)
    with CaptureQueriesContext(connection) as queries:
        ids = subtree_ids(org["head"])
    assert len(queries) == 2
    assert boss.pk in ids


def path(user) -> str:
    return User.objects.get(pk=user.pk).reporting_path


def test_it_stores_each_persons_line_from_the_top(org):
    head, lead, intern = org["head"], org["lead"], org["intern"]
    assert path(head) == f"/{head.pk}/"
    assert path(intern) == f"/{head.pk}/{lead.pk}/{org['eng2'].pk}/{intern.pk}/"


def test_it_moves_everyone_below_when_a_manager_moves(org):
    lead = org["lead"]
    lead.manager = org["other_head"]
    lead.save()  # with the path this object held in memory: ignored, recomputed
    top = f"/{org['other_head'].pk}/{lead.pk}/"
    assert path(org["intern"]) == f"{top}{org['eng2'].pk}/{org['intern'].pk}/"
    assert subtree_ids(org["other_head"]) >= {lead.pk, org["intern"].pk}
    assert subtree_ids(org["head"]) == set()
    assert manages(org["other_head"], org["intern"].pk)
    assert not manages(org["head"], org["intern"].pk)


def test_it_keeps_the_paths_through_bulk_updates_and_removals(org):
    User.objects.filter(pk=org["eng2"].pk).update(manager=org["other"])
    expected = f"/{org['other_head'].pk}/{org['other'].pk}/{org['eng2'].pk}/{org['intern'].pk}/"
    assert path(org["intern"]) == expected
    User.objects.filter(pk=org["other"].pk).update(manager=None)
    assert path(org["intern"]).startswith(f"/{org['other'].pk}/{org['eng2'].pk}/")
    assert line_above(org["intern"].pk) == [org["eng2"].pk, org["other"].pk]


def test_it_ignores_a_path_written_by_the_program(org):
    User.objects.filter(pk=org["intern"].pk).update(reporting_path="/999/")
    assert path(org["intern"]).endswith(f"/{org['eng2'].pk}/{org['intern'].pk}/")


def test_it_fills_the_paths_of_people_already_there(org):
    User.objects.update(reporting_path="")  # as before the migration (recomputed at once)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_user SET manager_id = manager_id")
    reporting_path.backfill(connection)
    assert subtree_ids(org["head"]) == {org[k].pk for k in ("lead", "eng1", "eng2", "intern")}


def test_it_never_includes_people_outside_the_line(org):
    assert org["other"].pk not in subtree_ids(org["head"])
    assert subtree_ids(org["other"]) == set()


def test_it_says_who_manages_whom_walking_up_from_the_employee(org):
    assert manages(org["head"], org["intern"].pk)
    assert manages(org["eng2"], org["intern"].pk)
    assert not manages(org["eng1"], org["intern"].pk)
    assert not manages(org["other_head"], org["intern"].pk)
    assert not manages(org["intern"], org["intern"].pk)


def test_it_lists_the_line_above_nearest_first(org):
    assert line_above(org["intern"].pk) == [org["eng2"].pk, org["lead"].pk, org["head"].pk]
    assert line_above(org["head"].pk) == []


def test_it_gives_the_subtrees_up_the_line_for_dashboard_comparisons(org):
    subtrees = subtrees_up_the_line(org["eng2"])
    assert subtrees[0] == frozenset({org["intern"].pk})
    assert subtrees[1] == frozenset(subtree_ids(org["lead"]))
    assert subtrees[2] == frozenset(subtree_ids(org["head"]))
    assert len(subtrees) == 3
