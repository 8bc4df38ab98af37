"""Matching reads a mentee's gap to their target role as skills sought, when the program asks."""

import pytest

from careers import services
from matching.data import load_program_data
from programs.models import Enrolment, EnrolmentSkill, Skill
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(hr):
    program = factories.ProgramFactory(status="matching", coordinators=[hr])
    mentee = factories.UserFactory()
    enrolment = factories.EnrolmentFactory(program=program, user=mentee, role="mentee")
    EnrolmentSkill.objects.create(
        enrolment=enrolment, skill=Skill.objects.get(name="AWS"), level=2, target_level=2
    )
    factories.EnrolmentFactory(program=program, role="mentor")
    return program


def _sought(program) -> dict[str, int]:
    data = load_program_data(program)
    row = data.mentees.target_levels[0]
    return {name: int(row[k]) for k, name in enumerate(data.skill_names) if row[k]}


def test_it_leaves_sought_skills_alone_without_the_option(program, cloud_ops):
    enrolment = Enrolment.objects.get(program=program, role="mentee")
    services.target_role_set(enrolment=enrolment, role=cloud_ops, by=enrolment.user)
    assert _sought(program) == {"AWS": 2}


def test_it_seeks_the_gap_to_the_target_role_with_the_option(hr, program, cloud_ops):
    enrolment = Enrolment.objects.get(program=program, role="mentee")
    services.target_role_set(enrolment=enrolment, role=cloud_ops, by=enrolment.user)
    services.program_careers_save(
        program=program, by=hr, default_role=None, gap_as_sought_skills=True
    )
    sought = _sought(program)
    # Every required skill of the role is below its level; AWS is raised from 2 to 3.
    assert sought["AWS"] == 3 and sought["Terraform"] == 3 and sought["Cloud security"] == 2
    assert len(sought) == cloud_ops.requirements.count()
