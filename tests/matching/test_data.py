import numpy as np
import pytest

from matching.data import load_program_data
from matching.models import PairRule
from tests import factories

from .helpers import mentee, mentor, program

pytestmark = pytest.mark.django_db


@pytest.fixture
def skill():
    return factories.SkillFactory(name="Kubernetes")


def _allowed(data, mentee_user, mentor_user) -> bool:
    return bool(data.allowed[data.mentee_index[mentee_user.pk], data.mentor_index[mentor_user.pk]])


def test_it_maps_skills_levels_and_preferences(skill):
    prog = program()
    m = mentor(prog, {skill: 5})
    e = mentee(prog, {skill: (1, 4)}, prefer_other_department=True)
    data = load_program_data(prog)
    i, j = data.mentee_index[e.pk], data.mentor_index[m.pk]
    k = data.skill_names.index("Kubernetes")
    assert data.mentors.proficiency[j, k] == 5
    assert (data.mentees.current_levels[i, k], data.mentees.target_levels[i, k]) == (1, 4)
    assert data.mentees.diversity_preference[i] == 1.0
    assert data.mentees.department[i] == e.department_id


def test_it_converts_timezones_to_utc_offsets(skill):
    prog = program()
    mentor(prog, {skill: 5}, user=factories.UserFactory(timezone="Asia/Kolkata"))
    data = load_program_data(prog)
    assert data.mentors.utc_offset[0] == 5.5


def test_it_forbids_the_mentees_manager_and_everyone_above(skill):
    prog = program()
    boss = factories.UserFactory()
    manager = factories.UserFactory(manager=boss)
    e = mentee(prog, {skill: (1, 4)}, user=factories.UserFactory(manager=manager))
    for user in (boss, manager):
        mentor(prog, {skill: 5}, user=user)
    outsider = mentor(prog, {skill: 5})
    data = load_program_data(prog)
    assert not _allowed(data, e, boss)
    assert not _allowed(data, e, manager)
    assert _allowed(data, e, outsider)


def test_it_forbids_pairs_that_already_ended(skill):
    prog = program()
    m, other = mentor(prog, {skill: 5}), mentor(prog, {skill: 5})
    e = mentee(prog, {skill: (1, 4)})
    factories.MentorshipFactory(program=prog, mentor=m, mentee=e, status="ended")
    data = load_program_data(prog)
    assert not _allowed(data, e, m)
    assert _allowed(data, e, other)


def test_it_forbids_people_either_side_asked_to_avoid(skill):
    prog = program()
    a, b, c = (mentor(prog, {skill: 5}) for _ in range(3))
    e = mentee(prog, {skill: (1, 4)})
    e.enrolments.get(program=prog).avoid.add(a)
    b.enrolments.get(program=prog).avoid.add(e)
    data = load_program_data(prog)
    assert not _allowed(data, e, a)
    assert not _allowed(data, e, b)
    assert _allowed(data, e, c)


def test_it_applies_hr_forbid_and_pin_rules(skill, hr_user):
    prog = program()
    a, b, c = (mentor(prog, {skill: 5}) for _ in range(3))
    forbidden, pinned = mentee(prog, {skill: (1, 4)}), mentee(prog, {skill: (1, 4)})
    PairRule.objects.create(program=prog, mentee=forbidden, mentor=a, kind="forbid")
    PairRule.objects.create(program=prog, mentee=pinned, mentor=b, kind="pin")
    data = load_program_data(prog)
    assert not _allowed(data, forbidden, a)
    assert _allowed(data, forbidden, b)
    assert [_allowed(data, pinned, x) for x in (a, b, c)] == [False, True, False]


def test_it_subtracts_live_mentorships_from_capacity(skill):
    prog = program()
    m = mentor(prog, {skill: 5}, capacity=3)
    done = mentor(prog, {skill: 5}, capacity=1)
    factories.MentorshipFactory(
        program=prog, mentor=m, mentee=factories.UserFactory(), status="active"
    )
    factories.MentorshipFactory(
        program=prog, mentor=m, mentee=factories.UserFactory(), status="proposed"
    )
    factories.MentorshipFactory(
        program=prog, mentor=done, mentee=factories.UserFactory(), status="completed"
    )
    data = load_program_data(prog)
    assert data.capacity[data.mentor_index[m.pk]] == 1
    assert data.capacity[data.mentor_index[done.pk]] == 1


def test_it_caps_group_capacity_at_the_maximum_group_size(skill):
    prog = program(format="group", min_group_size=2, max_group_size=3)
    m = mentor(prog, {skill: 5}, capacity=5)
    factories.MentorshipFactory(
        program=prog, mentor=m, mentee=factories.UserFactory(), status="active"
    )
    data = load_program_data(prog)
    assert data.capacity[data.mentor_index[m.pk]] == 2


def test_it_leaves_out_mentees_with_a_live_mentorship(skill):
    prog = program()
    m = mentor(prog, {skill: 5})
    busy, free = mentee(prog, {skill: (1, 4)}), mentee(prog, {skill: (1, 4)})
    factories.MentorshipFactory(program=prog, mentor=m, mentee=busy, status="paused")
    data = load_program_data(prog)
    assert busy.pk not in data.mentee_index
    assert free.pk in data.mentee_index


def test_it_ignores_unapproved_enrolments(skill):
    prog = program()
    mentee(prog, {skill: (1, 4)}, status="pending")
    data = load_program_data(prog)
    assert data.mentees.n == 0


def test_it_loads_in_constant_queries(skill, django_assert_max_num_queries):
    prog = program()
    for _ in range(3):
        mentor(prog, {skill: 5})
        mentee(prog, {skill: (1, 4)})
    with django_assert_max_num_queries(10):
        load_program_data(prog)
    for _ in range(15):
        mentor(prog, {skill: 5})
        mentee(prog, {skill: (1, 4)})
    with django_assert_max_num_queries(10):
        data = load_program_data(prog)
    assert data.mentees.n == 18


def test_it_keeps_the_reason_masks_sparse_and_reads_them_like_dense_ones(skill, hr_user):
    prog = program()
    a, b, c = (mentor(prog, {skill: 5}) for _ in range(3))
    avoider, pinned = mentee(prog, {skill: (1, 4)}), mentee(prog, {skill: (1, 4)})
    avoider.enrolments.get(program=prog).avoid.add(a)
    PairRule.objects.create(program=prog, mentee=pinned, mentor=b, kind="pin")
    data = load_program_data(prog)
    i, p = data.mentee_index[avoider.pk], data.mentee_index[pinned.pk]
    ja, jb, jc = (data.mentor_index[x.pk] for x in (a, b, c))
    assert not isinstance(data.blocks.avoid, np.ndarray)  # blocked cells only, not n·m bytes
    assert data.blocks.avoid[i, ja] and not data.blocks.avoid[i, jb]
    assert data.blocks.avoid[i].tolist() == [k == ja for k in range(3)]
    assert data.blocks.pinned_elsewhere[p].tolist() == [k != jb for k in range(3)]
    assert not data.blocks.pinned_elsewhere[i].any()
    assert (data.blocks.avoid.dense() | data.blocks.pinned_elsewhere.dense() == ~data.allowed).all()
