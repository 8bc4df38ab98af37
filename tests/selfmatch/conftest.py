import pytest

from tests import factories

from .helpers import mentee, mentor, selfmatch_program


@pytest.fixture
def skill():
    return factories.SkillFactory(name="Terraform")


@pytest.fixture
def world(skill):
    """A self-match program: two mentors (one place each) and two mentees who want Terraform."""
    prog, hr = selfmatch_program()
    mentors = [mentor(prog, {skill: 5}, capacity=1), mentor(prog, {skill: 4}, capacity=1)]
    mentees = [mentee(prog, {skill: (1, 4)}), mentee(prog, {skill: (2, 4)})]
    return prog, hr, mentors, mentees
