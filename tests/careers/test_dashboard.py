"""Dashboards: progress toward target roles (with suppression), moves along a career path, and
knowledge concentration flagging a skill many roles require but one expert holds."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from careers import services
from careers.models import RoleSkill, WorkRole
from metrics import selectors as metrics
from metrics.models import DashboardSnapshot, OutcomeEvent
from metrics.selectors import Scope
from programs.models import Enrolment, EnrolmentSkill, Skill
from tests import factories

pytestmark = pytest.mark.django_db


def _mentees(program, role, levels: list[int], hr) -> list:
    """One mentee per level: AWS at that level when they chose the target."""
    aws = Skill.objects.get(name="AWS")
    people = []
    for level in levels:
        person = factories.UserFactory()
        enrolment = factories.EnrolmentFactory(program=program, user=person, role="mentee")
        EnrolmentSkill.objects.create(enrolment=enrolment, skill=aws, level=level)
        services.target_role_set(enrolment=enrolment, role=role, by=person)
        people.append(person)
    return people


@pytest.fixture
def role(hr):
    role = WorkRole.objects.create(title="Cloud ops", family="cloud")
    RoleSkill.objects.create(role=role, skill=Skill.objects.get(name="AWS"), level=3)
    RoleSkill.objects.create(role=role, skill=Skill.objects.get(name="Terraform"), level=2)
    return role


@pytest.fixture
def program(hr):
    return factories.ProgramFactory(
        status="active",
        coordinators=[hr],
        start_date=date.today() - timedelta(days=60),
        end_date=date.today() + timedelta(days=120),
    )


def test_it_shows_the_share_of_required_skills_met_at_start_and_now(hr, role, program):
    people = _mentees(program, role, [3, 3, 1], hr)
    # Since then one mentee reached Terraform 2: 2 of 2 met for them.
    EnrolmentSkill.objects.create(
        enrolment=Enrolment.objects.get(user=people[0], program=program),
        skill=Skill.objects.get(name="Terraform"),
        level=2,
    )
    scope = Scope(program_ids=(program.pk,))
    data = metrics.target_roles(scope, metrics.scoped_programs(scope), metrics.cohorts(scope))
    (row,) = data["programs"]
    # At start: 1/2, 1/2, 0/2 -> mean 1/3 = 33.3 %. Now: 2/2, 1/2, 0/2 -> 50 %.
    assert (row["n"], row["start"], row["now"]) == (3, 33.3, 50.0)


def test_it_shows_the_progress_on_the_program_dashboard_and_hides_it_under_three(
    client_for, hr, role, program
):
    _mentees(program, role, [3, 1], hr)
    url = reverse("metrics:program", args=[program.slug])
    page = client_for(hr).get(url).content.decode()
    assert "Progress toward target roles" in page
    assert "50.0%" not in page and "25.0%" not in page
    _mentees(program, role, [3], hr)
    # The dashboards' figures are of the day (metrics.snapshots): the next day's build.
    DashboardSnapshot.objects.all().delete()
    page = client_for(hr).get(url).content.decode()
    assert "33.3%" in page


def test_it_counts_a_promotion_along_a_career_path(hr, starter, program):
    mentees = [factories.UserFactory() for _ in range(3)]
    for person in mentees:
        factories.MentorshipFactory(program=program, mentee=person)
        factories.EnrolmentFactory(program=program, user=person, role="mentee")
    OutcomeEvent.objects.create(
        employee=mentees[0],
        kind="internal_move",
        occurred_on=date.today() - timedelta(days=5),
        from_role="Help desk analyst",
        to_role="Systems Administrator",
    )
    OutcomeEvent.objects.create(
        employee=mentees[1],
        kind="promotion",
        occurred_on=date.today() - timedelta(days=5),
        from_role="Help desk analyst",
        to_role="Data analyst",  # not a career path
    )
    scope = Scope(program_ids=(program.pk,))
    data = metrics.target_roles(scope, metrics.scoped_programs(scope), metrics.cohorts(scope))
    assert data["moves"]["count"] == 1


def test_it_flags_first_a_skill_many_roles_require_held_by_one_expert(hr, program):
    wanted, popular = Skill.objects.get(name="Ansible"), Skill.objects.get(name="Go")
    for i in range(3):
        role = WorkRole.objects.create(title=f"Role {i}")
        RoleSkill.objects.create(role=role, skill=wanted, level=3)
    for skill in (wanted, popular):
        mentor = factories.EnrolmentFactory(program=program, role="mentor")
        EnrolmentSkill.objects.create(enrolment=mentor, skill=skill, level=5)
    for _ in range(2):  # Go is sought by more mentees, but Ansible is required by roles
        mentee = factories.EnrolmentFactory(program=program, role="mentee")
        EnrolmentSkill.objects.create(enrolment=mentee, skill=popular, level=1)
    found = metrics.knowledge_concentration(Scope(program_ids=(program.pk,)), pairings=False)
    first, second = found["skills"][:2]
    assert (first["skill"], first["required_by_roles"]) == ("Ansible", 3)
    assert second["skill"] == "Go"
