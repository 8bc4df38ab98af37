"""The dashboards' certification figures: pass rate and time to certify, participants vs the
comparison group, each hidden below 3 people (metrics.dashboards.Builder)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from core.privacy import SUPPRESSED
from learning.models import Certification, ExamResult
from metrics import selectors
from metrics.dashboards import Audience, Builder
from metrics.selectors import Scope
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def org(hr_user):
    """A program started 200 days ago; participants and non-participants of one department,
    all hired 400 days ago (the same tenure at the program's start)."""
    dept = factories.DepartmentFactory(name="Infrastructure")
    program = factories.ProgramFactory(
        status="active",
        start_date=TODAY - timedelta(days=200),
        end_date=TODAY + timedelta(days=100),
        coordinators=[hr_user],
    )
    hired = TODAY - timedelta(days=400)

    def person(i: int, kind: str):
        return factories.UserFactory(
            email=f"{kind}{i}@example.com", department=dept, hire_date=hired
        )

    mentors = [person(i, "mentor") for i in range(3)]
    mentees = [person(i, "mentee") for i in range(3)]
    for mentor, mentee in zip(mentors, mentees, strict=True):
        factories.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    others = [person(i, "other") for i in range(4)]
    cert = Certification.objects.create(name="CCNA", issuer="Cisco", objectives="Routing")
    return {"program": program, "mentees": mentees, "others": others, "cert": cert}


def _exam(org, user, passed: bool, days_ago: int, prepared_days: int | None = None):
    taken = TODAY - timedelta(days=days_ago)
    ExamResult.objects.create(
        employee=user,
        certification=org["cert"],
        taken_on=taken,
        passed=passed,
        prepared_from=None if prepared_days is None else taken - timedelta(days=prepared_days),
    )


def _rows(org) -> dict[str, list]:
    scope = Scope(program_ids=(org["program"].pk,), today=TODAY)
    builder = Builder(scope, Audience.HR)
    section = builder.certifications(selectors.cohorts(scope, builder.programs))
    return {row[0]: row[1:] for row in section.rows}


def test_it_shows_the_pass_rate_and_median_days_from_three_people(org) -> None:
    m = org["mentees"]
    _exam(org, m[0], True, 10, prepared_days=60)
    _exam(org, m[1], False, 50)
    _exam(org, m[1], True, 20, prepared_days=90)
    _exam(org, m[2], True, 5, prepared_days=30)
    rows = _rows(org)
    assert rows["Certification exam pass rate"][:2] == ["100.0%", 3]
    assert rows["Median days from starting to prepare to passing"][:2] == [60, 3]


def test_it_hides_figures_of_fewer_than_three_people(org) -> None:
    m, o = org["mentees"], org["others"]
    _exam(org, m[0], True, 10, prepared_days=60)
    _exam(org, m[1], False, 10)
    for person in o[:3]:
        _exam(org, person, True, 10, prepared_days=100)
    rows = _rows(org)
    pass_rate = rows["Certification exam pass rate"]
    assert pass_rate[:2] == ["—", SUPPRESSED]
    assert pass_rate[2:] == ["100.0%", 3]
    days = rows["Median days from starting to prepare to passing"]
    assert days == ["—", SUPPRESSED, 100, 3]


def test_it_counts_only_exams_from_the_programs_start(org) -> None:
    for person in org["mentees"]:
        _exam(org, person, True, 300, prepared_days=10)  # before the program began
    rows = _rows(org)
    assert rows["Certification exam pass rate"][:2] == ["—", SUPPRESSED]


def test_it_shows_the_section_on_the_hr_dashboard(client_for, hr_user, org) -> None:
    page = client_for(hr_user).get(reverse("metrics:hr")).content.decode()
    assert "Certification exams" in page and "Certification exam pass rate" in page
