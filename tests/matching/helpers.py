"""Small builders for matching tests: a program with mentors and mentees who have skills."""

from programs.models import Skill
from tests import factories


def program(**fields):
    fields.setdefault("status", "matching")
    return factories.ProgramFactory(**fields)


def mentor(prog, skills: dict[Skill, int] | None = None, **fields):
    fields.setdefault("capacity", 2)
    fields.setdefault("years_experience", 12)
    enrolment = factories.EnrolmentFactory(program=prog, role="mentor", **fields)
    for skill, level in (skills or {}).items():
        factories.EnrolmentSkillFactory(
            enrolment=enrolment, skill=skill, level=level, target_level=None
        )
    return enrolment.user


def mentee(
    prog, skills: dict[Skill, tuple[int, int]] | None = None, role: str = "mentee", **fields
):
    fields.setdefault("years_experience", 2)
    enrolment = factories.EnrolmentFactory(program=prog, role=role, **fields)
    for skill, (level, target) in (skills or {}).items():
        factories.EnrolmentSkillFactory(
            enrolment=enrolment, skill=skill, level=level, target_level=target
        )
    return enrolment.user
