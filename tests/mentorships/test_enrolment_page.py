"""The HR enrolment list's own read (`enrolment_page`: counts per role and departments in one
query, the page's rows in one statement of hand-written SQL) against the ORM definition it
replaces: `EnrolmentFilter` over `program_enrolments`, counted, sliced, then `enrolment_rows`;
and `department_choices`. On edge cases, every filter, pages that span roles, both ways of
reading a role's slice; on SQLite and PostgreSQL."""

import random

import pytest
from django.http import QueryDict

from mentorships import selectors
from mentorships.views import _enrolment_filter_form, _enrolment_filters
from people.selectors import department_choices
from programs.filters import EnrolmentFilter
from tests import factories

pytestmark = pytest.mark.django_db


def _by_definition(program, query: str, number: int, size: int) -> tuple[int, list[dict]]:
    data = QueryDict(query) or None
    qs = EnrolmentFilter(data, queryset=selectors.program_enrolments(program)).qs
    values = qs.values(*selectors.ENROLMENT_ROW_FIELDS)[(number - 1) * size : number * size]
    return qs.count(), selectors.enrolment_rows(values)


def _read(program, query: str, number: int) -> tuple[int, list[dict], list]:
    filters = _enrolment_filters(_enrolment_filter_form()(QueryDict(query) or None))
    page, departments = selectors.enrolment_page(program, filters, number)
    return page.paginator.count, list(page.object_list), departments


def _assert_same(program, queries: list[str], size: int) -> None:
    for query in queries:
        total = _by_definition(program, query, 1, size)[0]
        for number in range(1, max(1, -(-total // size)) + 1):
            count, rows, departments = _read(program, query, number)
            assert (count, rows) == _by_definition(program, query, number, size), (query, number)
            assert departments == department_choices()


def _edge_cases(program) -> dict:
    elsewhere = factories.ProgramFactory(status="active")
    security = factories.DepartmentFactory(name="Security & Risk")
    people = {}

    def enrol(name: str, role: str = "mentee", status: str = "approved", **user):
        person = factories.UserFactory(full_name=name, **user)
        factories.EnrolmentFactory(program=program, user=person, role=role, status=status)
        people[name] = person
        return person

    # The same name twice (ordered by enrolment), no department, odd characters to escape.
    enrol("Alex Same")
    enrol("Alex Same", department=None)
    enrol("Zoë <b> & co", department=security, email="zoe_100%@example.com")
    enrol("Pending Pat", status="pending")
    enrol("Withdrawn Wu", status="withdrawn", department=security)
    mentor = enrol("Mona Mentor", role="mentor")
    busy = enrol("Bea Busy", role="mentor", department=security)
    enrol("Idle Ida", role="mentor", status="pending")
    peer = enrol("Pete Peer", role="peer")
    enrol("Penny Peer", role="peer")
    # Live pairings (proposed, active, paused) count; ended ones and other programs' do not.
    factories.MentorshipFactory(program=program, mentor=mentor, mentee=people["Alex Same"])
    factories.MentorshipFactory(program=program, mentor=busy, mentee=people["Pending Pat"])
    factories.MentorshipFactory(
        program=program, mentor=busy, mentee=people["Zoë <b> & co"], status="paused"
    )
    factories.MentorshipFactory(program=program, mentor=busy, status="ended")
    factories.MentorshipFactory(program=program, mentor=peer, status="proposed")
    factories.MentorshipFactory(program=elsewhere, mentor=mentor, mentee=people["Penny Peer"])
    # Skills: several by name, without a target, none.
    alex = program.enrolments.get(user=people["Alex Same"])
    for skill, level, target in (("SQL", 2, None), ("Alpha <b>", 1, 3), ("beta", 4, 5)):
        factories.EnrolmentSkillFactory(
            enrolment=alex,
            skill=factories.SkillFactory(name=skill),
            level=level,
            target_level=target,
        )
    mentor_enrolment = program.enrolments.get(user=mentor)
    factories.EnrolmentSkillFactory(enrolment=mentor_enrolment, target_level=None)
    return {"security": security}


QUERIES = [
    "",
    "role=mentor",
    "role=peer&status=approved",
    "status=pending",
    "q=same",
    "q=ALEX",
    "q=%25",  # a literal % in a name or email
    "q=_1",
    "q=%3Cb%3E",
    "q=+zo",
    "role=wizard&department=x",  # refused values: not applied
    "department=999999",
    "q=nobody",
]


@pytest.mark.parametrize("by_enrolment_max", [0, 1000])
@pytest.mark.parametrize("size", [2, 3, 50])
def test_it_reads_pages_as_their_definition_on_the_edge_cases(
    program, monkeypatch, by_enrolment_max, size
):
    monkeypatch.setattr(selectors, "BY_ENROLMENT_MAX", by_enrolment_max)
    monkeypatch.setattr(selectors, "ENROLMENT_PAGE_SIZE", size)
    security = _edge_cases(program)["security"]
    queries = [*QUERIES, f"department={security.pk}", f"department={security.pk}&q=b"]
    _assert_same(program, queries, size)


def test_it_reads_pages_as_their_definition_on_a_random_program(program, monkeypatch):
    rng = random.Random(17)
    monkeypatch.setattr(selectors, "ENROLMENT_PAGE_SIZE", 7)
    monkeypatch.setattr(selectors, "BY_ENROLMENT_MAX", 15)
    departments = [factories.DepartmentFactory(name=f"Dept {i}") for i in range(3)]
    skills = [factories.SkillFactory(name=f"Skill {i}") for i in range(4)]
    users = []
    for _ in range(45):
        user = factories.UserFactory(
            full_name=rng.choice(["Ann", "Bob", "Cy", "Dee"]) + f" {rng.randrange(6)}",
            department=rng.choice([*departments, None]),
        )
        enrolment = factories.EnrolmentFactory(
            program=program,
            user=user,
            role=rng.choice(["mentor", "mentee", "mentee", "peer"]),
            status=rng.choice(["approved", "approved", "pending", "withdrawn"]),
        )
        for skill in rng.sample(skills, rng.randrange(3)):
            factories.EnrolmentSkillFactory(
                enrolment=enrolment, skill=skill, target_level=rng.choice([None, 5])
            )
        users.append(user)
    for mentee in rng.sample(users, 15):
        factories.MentorshipFactory(
            program=program,
            mentor=rng.choice([u for u in users if u != mentee]),
            mentee=mentee,
            status=rng.choice(["proposed", "active", "paused", "ended"]),
        )
    queries = ["", "role=mentee", "role=mentor", "status=approved", "q=n 1", "q=b"]
    queries += [f"department={d.pk}" for d in departments]
    _assert_same(program, queries, 7)


def test_it_reads_an_empty_program_and_a_page_past_the_end(program):
    count, rows, departments = _read(program, "", 1)
    assert (count, rows, departments) == (0, [], department_choices())
    factories.EnrolmentFactory(program=program)
    count, rows, _departments = _read(program, "", 9)
    assert (count, [r["pk"] for r in rows]) == (1, [program.enrolments.get().pk])


def test_it_reads_a_page_and_its_counts_in_two_queries(
    program, django_assert_num_queries, monkeypatch
):
    from django.db import connection

    monkeypatch.setattr(selectors, "ENROLMENT_PAGE_SIZE", 3)
    _edge_cases(program)
    # The skills come in the page's statement on PostgreSQL, in a query of their own elsewhere.
    expected = 2 if connection.vendor == "postgresql" else 3
    for query in ("", "q=a", "role=peer&status=approved"):
        with django_assert_num_queries(expected):
            _read(program, query, 2)
