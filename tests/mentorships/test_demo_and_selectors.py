import random
from datetime import date

import pytest

from mentorships import demo, selectors, services
from mentorships.checkpoints import checkpoint_dates
from mentorships.models import Goal, Mentorship, Milestone
from people.demo import seed_org
from programs.demo import seed_enrolments, seed_programs
from programs.models import Skill
from programs.skills_seed import SKILLS
from tests import factories
from tests.mentorships.conftest import enrol


def test_it_suggests_quarterly_checkpoints_until_the_end_skipping_past_ones():
    days = checkpoint_dates(
        start=date(2026, 1, 10), end=date(2026, 12, 31), months=3, not_before=date(2026, 5, 1)
    )
    assert days == [date(2026, 7, 10), date(2026, 10, 10)]


@pytest.mark.django_db
def test_it_reports_mentor_load(program, hr_user):
    mentor = enrol(program, role="mentor", capacity=3)
    idle = enrol(program, role="mentor", capacity=2)
    services.mentorship_create(program=program, mentor=mentor, mentee=enrol(program), by=hr_user)
    assert selectors.mentor_load(program) == {mentor.pk: (1, 3), idle.pk: (0, 2)}


@pytest.mark.django_db
def test_it_counts_mentors_at_capacity_as_mentor_load_does(program, hr_user):
    full = enrol(program, role="mentor", capacity=1)
    enrol(program, role="mentor", capacity=3)  # idle
    peer = enrol(program, role="peer", capacity=5)  # a peer holds one pairing at most
    enrol(program, role="mentor", capacity=1, status="pending")  # not approved: not counted
    services.mentorship_create(program=program, mentor=full, mentee=enrol(program), by=hr_user)
    factories.MentorshipFactory(program=program, mentor=peer, mentee=enrol(program))
    load = selectors.mentor_load(program)
    _, full_n, total_n, _ = selectors.pairings_overview(program)
    assert (full_n, total_n) == (sum(1 for used, cap in load.values() if used >= cap), len(load))
    assert (full_n, total_n) == (2, 3)


@pytest.mark.django_db
def test_it_counts_mentors_over_capacity_and_only_this_programs_live_pairings(program):
    over = enrol(program, role="mentor", capacity=1)
    below = enrol(program, role="mentor", capacity=3)
    elsewhere = factories.ProgramFactory(status="active")
    for _ in range(2):  # two live pairings for a capacity of one: full
        factories.MentorshipFactory(program=program, mentor=over, mentee=enrol(program))
    factories.MentorshipFactory(program=program, mentor=below, mentee=enrol(program))
    factories.MentorshipFactory(program=program, mentor=below, status="ended")
    for _ in range(3):  # another program's pairings don't fill this one's capacity
        factories.MentorshipFactory(program=elsewhere, mentor=below)
    load = selectors.mentor_load(program)
    _, full_n, total_n, _ = selectors.pairings_overview(program)
    assert (full_n, total_n) == (sum(1 for used, cap in load.values() if used >= cap), 2) == (1, 2)


@pytest.mark.django_db
def test_it_reads_the_pairings_overview_as_the_separate_reads_did(program, hr_user):
    mentor = enrol(program, role="mentor", capacity=2)
    enrol(program, role="mentor", capacity=1)  # idle
    waiting = [enrol(program) for _ in range(3)]
    enrol(program, status="pending")  # not approved: not waiting for a pair
    services.mentorship_create(program=program, mentor=mentor, mentee=waiting[0], by=hr_user)
    ended = services.mentorship_create(
        program=program, mentor=mentor, mentee=waiting[1], by=hr_user
    )
    services.mentorship_end(mentorship=ended, reason="other", by=hr_user)
    factories.MentorshipFactory(program=program, status="paused")
    counts, full_n, total_n, unpaired = selectors.pairings_overview(program)
    assert counts == selectors.status_counts(program) == {"active": 1, "ended": 1, "paused": 1}
    assert (full_n, total_n) == (0, 2)
    assert unpaired == selectors.unpaired_mentees(program).count() == 2


@pytest.mark.django_db
def test_it_reads_the_pairings_overview_of_an_empty_program(program):
    assert selectors.pairings_overview(program) == ({}, 0, 0, 0)


@pytest.mark.django_db
def test_it_reads_the_pairings_overview_in_one_query(program, django_assert_num_queries):
    for _ in range(4):
        enrol(program, role="mentor", capacity=2)
    selectors.pairings_overview(program)  # computed and stored: three queries
    with django_assert_num_queries(1):
        selectors.pairings_overview(program)


@pytest.mark.django_db
def test_it_returns_a_mentorship_only_to_its_participants(pairing, stranger):
    from django.http import Http404

    assert selectors.mentorship_for_user_or_404(pairing.mentee, pairing.pk) == pairing
    with pytest.raises(Http404):
        selectors.mentorship_for_user_or_404(stranger, pairing.pk)


@pytest.mark.django_db
def test_it_annotates_goal_progress(pairing):
    goal = factories.GoalFactory(mentorship=pairing)
    factories.MilestoneFactory(goal=goal, done_at="2026-01-01T00:00Z")
    factories.MilestoneFactory(goal=goal)
    row = selectors.goals_with_progress(pairing).get()
    assert (row.milestones_done, row.milestones_total) == (1, 2)


@pytest.mark.django_db
def test_it_counts_a_pairings_milestones_over_all_its_goals_and_no_other(pairing, program):
    for milestones_done in ([True, True, False], [False], [True], []):
        goal = factories.GoalFactory(mentorship=pairing)
        for done in milestones_done:
            factories.MilestoneFactory(goal=goal, done_at="2026-01-01T00:00Z" if done else None)
    other = factories.MilestoneFactory(goal__mentorship__program=program).goal.mentorship
    rows = {m.pk: m for m in selectors.with_progress(Mentorship.objects.all())}
    row = rows[pairing.pk]
    assert (row.goal_count, row.milestones_total, row.milestones_done) == (4, 5, 3)
    assert (rows[other.pk].milestones_total, rows[other.pk].milestones_done) == (1, 0)
    listed = {m.pk: m for m in selectors.program_pairings(program)}
    assert (listed[pairing.pk].milestones_total, listed[pairing.pk].milestones_done) == (5, 3)


@pytest.mark.django_db
def test_it_seeds_demo_pairings_idempotently():
    # Transactional tests flush the data migration's skills; put them back.
    for category, names in SKILLS.items():
        for name in names:
            Skill.objects.get_or_create(name=name, defaults={"category": category})
    rng = random.Random(42)
    people = seed_org(rng)
    programs = seed_programs(people["hr"])
    seed_enrolments(programs, people, rng)
    context = {"demo": people, "programs": programs, "rng": rng}
    demo.seed(context)
    counts = (Mentorship.objects.count(), Goal.objects.count(), Milestone.objects.count())
    demo.seed(context)
    assert (Mentorship.objects.count(), Goal.objects.count(), Milestone.objects.count()) == counts
    assert Mentorship.objects.filter(
        mentor=people["mentor"], mentee=people["mentee"], status="active"
    ).exists()
    assert counts[0] >= 11 and Milestone.objects.filter(done_at__isnull=False).exists()
