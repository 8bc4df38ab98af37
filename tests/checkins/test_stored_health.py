"""The stored health of live pairings (checkins.MentorshipHealth): equal to the rules computed
afresh, kept by the services that change its inputs, the board and the sweep."""

import importlib
import random
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from checkins import services
from checkins.models import CheckIn, MentorshipHealth
from checkins.selectors import (
    BoardRows,
    board_counts,
    board_look,
    health_for_mentorships,
    stale_health_ids,
    stored_info,
)
from checkins.templatetags.checkin_tags import health_board_rows
from mentorships import services as mentorship_services
from mentorships.models import LIVE_STATUSES, Goal, Mentorship
from programs.models import Program
from tests import factories
from tests.checkins.factories import CheckInFactory, PulseFactory
from tests.markup import tags_only

pytestmark = pytest.mark.django_db
TODAY = date.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def build_varied_world(hr_user, seed: int = 3) -> list[Mentorship]:
    """Pairings of three cadences and every status, started long ago, lately or not yet, with
    and without check-ins, pulses high and low inside and outside the 90 days, milestones past,
    future, done and not."""
    rng = random.Random(seed)
    made = []
    for cadence in ("weekly", "fortnightly", "monthly"):
        program = factories.ProgramFactory(
            status="active", coordinators=[hr_user], meeting_cadence=cadence
        )
        for i in range(12):
            status = ["active"] * 6 + ["proposed", "paused", "completed", "ended"]
            m = factories.MentorshipFactory(
                program=program,
                status=status[i % len(status)],
                started_on=None if i % 11 == 5 else days(-rng.randint(-10, 150)),
            )
            for _ in range(rng.choice([0, 0, 1, 2, 3])):
                c = CheckInFactory(mentorship=m, date=days(-rng.randint(0, 130)))
                if rng.random() < 0.7:
                    PulseFactory(checkin=c, score=rng.choice([1, 2, 3, 5]))
            goal = factories.GoalFactory(mentorship=m)
            for _ in range(rng.choice([0, 1, 2, 3])):
                factories.MilestoneFactory(
                    goal=goal,
                    due_date=days(rng.randint(-30, 60)),
                    done_at=None if rng.random() < 0.6 else timezone.now() - timedelta(days=40),
                )
            made.append(m)
    return made


def assert_stored_equals_rules(today: date) -> None:
    live = Mentorship.objects.filter(status__in=LIVE_STATUSES)
    fresh = health_for_mentorships(live, today)
    stored = {row.mentorship_id: row for row in MentorshipHealth.objects.all()}
    assert set(stored) == set(fresh)
    for pk, info in fresh.items():
        assert stored_info(stored[pk], today) == info, (pk, today)


def test_it_stores_what_the_rules_compute_on_every_day_the_sweep_runs(hr_user):
    """Day after day for five months, after each day's sweep every stored row equals the
    rules computed afresh: the rows the sweep left alone were right until their day."""
    build_varied_world(hr_user)
    recomputed = []
    for offset in range(0, 150):
        today = days(offset)
        recomputed.append(services.health_sweep(today=today))
        assert_stored_equals_rules(today)
    assert recomputed[0] == 36  # every pairing once (the ended ones to have no row)
    assert 0 < sum(recomputed[1:]) < 30 * 149 // 4  # only those whose day came


def test_it_recomputes_a_pairing_when_a_checkin_is_logged(pairing, mentee):
    services.health_sweep(today=TODAY)
    assert MentorshipHealth.objects.get(pk=pairing.pk).last_checkin_on is None
    services.checkin_create(
        mentorship=pairing,
        author=mentee,
        when=days(-1),
        duration_minutes=30,
        activity="other",
        skills=[],
        goals=[],
        milestones=[],
        pulse=1,
    )
    row = MentorshipHealth.objects.get(pk=pairing.pk)
    assert (row.last_checkin_on, row.avg_pulse, row.state) == (days(-1), 1.0, "at_risk")
    assert not Mentorship.objects.get(pk=pairing.pk).health_stale


def test_it_recomputes_a_pairing_when_a_pulse_is_given(pairing, mentor):
    checkin = CheckInFactory(mentorship=pairing, date=days(-1))
    services.health_sweep(today=TODAY)
    services.pulse_give(checkin=checkin, user=mentor, score=5)
    assert MentorshipHealth.objects.get(pk=pairing.pk).avg_pulse == 5.0
    services.pulse_give(checkin=checkin, user=mentor, score=2)
    assert MentorshipHealth.objects.get(pk=pairing.pk).state == "at_risk"


def test_it_marks_a_pairing_stale_when_its_milestones_change(pairing, mentee):
    CheckInFactory(mentorship=pairing, date=days(-1))
    services.health_sweep(today=TODAY)
    goal = factories.GoalFactory(mentorship=pairing)
    (late,) = mentorship_services.milestones_add(goal=goal, by=mentee, rows=[("Ship", days(-2))])
    assert Mentorship.objects.get(pk=pairing.pk).health_stale
    assert stale_health_ids(TODAY, pairing.program) == [pairing.pk]
    services.health_sweep(today=TODAY)
    row = MentorshipHealth.objects.get(pk=pairing.pk)
    assert (row.milestones_overdue, row.state) == (1, "at_risk")
    mentorship_services.milestone_mark_done(milestone=late, by=mentee)
    services.health_sweep(today=TODAY)
    row = MentorshipHealth.objects.get(pk=pairing.pk)
    assert (row.milestones_done, row.milestones_overdue, row.state) == (1, 0, "on_track")
    mentorship_services.milestone_undo(milestone=late, by=mentee)
    assert Mentorship.objects.get(pk=pairing.pk).health_stale


def test_it_follows_a_status_change_and_drops_an_ended_pairing(pairing, hr_user):
    services.health_sweep(today=TODAY)
    mentorship_services.mentorship_pause(mentorship=pairing, reason="Parental leave", by=hr_user)
    services.health_sweep(today=TODAY)
    assert MentorshipHealth.objects.get(pk=pairing.pk).state == "inactive"
    mentorship_services.mentorship_end(mentorship=pairing, reason="other", by=hr_user)
    services.health_sweep(today=TODAY)
    assert not MentorshipHealth.objects.filter(pk=pairing.pk).exists()
    assert not Mentorship.objects.get(pk=pairing.pk).health_stale


def test_it_recomputes_a_program_whose_cadence_changed(pairing):
    CheckInFactory(mentorship=pairing, date=days(-10))
    services.health_sweep(today=TODAY)
    assert MentorshipHealth.objects.get(pk=pairing.pk).state == "on_track"
    Program.objects.filter(pk=pairing.program_id).update(meeting_cadence="weekly")
    assert services.health_sweep(today=TODAY) == 1
    row = MentorshipHealth.objects.get(pk=pairing.pk)
    assert (row.cadence, row.state) == ("weekly", "overdue")


def test_the_sweep_run_twice_changes_nothing_the_second_time(hr_user):
    build_varied_world(hr_user, seed=5)
    services.health_sweep(today=days(30))
    first = list(MentorshipHealth.objects.order_by("pk").values())
    assert services.health_sweep(today=days(30)) == 0
    assert list(MentorshipHealth.objects.order_by("pk").values()) == first


def test_the_board_computes_pairings_it_never_saw_before_reading(client_for, program, hr_user):
    m = factories.MentorshipFactory(program=program, started_on=days(-40))
    response = client_for(hr_user).get(reverse("checkins:health_board", args=[program.slug]))
    ((shown, info),) = response.context["page"].object_list
    assert (shown.pk, info.state, info.days_since_checkin) == (m.pk, "at_risk", 40)
    assert MentorshipHealth.objects.get(pk=m.pk).state == "at_risk"


def test_the_board_orders_and_counts_like_the_rules(client_for, hr_user):
    build_varied_world(hr_user, seed=11)
    program = Program.objects.filter(meeting_cadence="weekly").get()
    live = Mentorship.objects.filter(program=program, status__in=LIVE_STATUSES)
    fresh = health_for_mentorships(live, TODAY)
    expected = sorted(
        fresh, key=lambda pk: (fresh[pk].severity, -(fresh[pk].days_since_checkin or 0), pk)
    )
    response = client_for(hr_user).get(reverse("checkins:health_board", args=[program.slug]))
    rows = response.context["page"].object_list
    assert [m.pk for m, _ in rows] == expected
    assert [info for _, info in rows] == [fresh[pk] for pk in expected]
    labels = [fresh[pk].label for pk in expected]
    counts = {label: labels.count(label) for label in labels}  # in board order
    assert list(response.context["counts"].items()) == list(counts.items())


def test_the_data_migration_fills_the_live_pairings(hr_user):
    build_varied_world(hr_user, seed=8)
    MentorshipHealth.objects.all().delete()
    fill = importlib.import_module("checkins.migrations.0005_fill_mentorship_health").fill
    fill(apps, None)
    assert not Mentorship.objects.filter(health_stale=True).exists()
    assert_stored_equals_rules(TODAY)


def test_the_admin_keeps_the_stored_health_when_it_edits_or_deletes_a_checkin(pairing):
    checkin = CheckInFactory(mentorship=pairing, date=days(-1))
    services.health_sweep(today=TODAY)
    model_admin = admin.site._registry[CheckIn]
    checkin.date = days(-12)
    model_admin.save_model(None, checkin, None, True)
    assert MentorshipHealth.objects.get(pk=pairing.pk).last_checkin_on == days(-12)
    model_admin.delete_model(None, checkin)
    assert stale_health_ids(TODAY, pairing.program) == [pairing.pk]


def test_the_admin_marks_a_pairing_stale_when_it_edits_its_status_or_milestones(pairing):
    goal = factories.GoalFactory(mentorship=pairing)
    services.health_sweep(today=TODAY)
    pairing.status = "paused"
    admin.site._registry[Mentorship].save_model(None, pairing, None, True)
    assert Mentorship.objects.get(pk=pairing.pk).health_stale
    services.health_sweep(today=TODAY)
    admin.site._registry[Goal].delete_model(None, goal)
    assert Mentorship.objects.get(pk=pairing.pk).health_stale


def test_the_hourly_task_sweeps_once_and_then_finds_nothing(pairing):
    from checkins.tasks import health_sweep

    assert health_sweep() == {"recomputed": 1}
    assert health_sweep() == {"recomputed": 0}
    assert MentorshipHealth.objects.get(pk=pairing.pk).computed_on == timezone.localdate()


def test_it_shows_the_average_pulse_as_floatformat_would():
    from django.template.defaultfilters import floatformat

    from checkins.selectors import HealthInfo

    for scores in ([1], [2, 3], [1, 2, 2], [4, 5, 5, 5], [1, 1, 2, 5, 5, 5, 3, 2], [3, 4, 4, 4]):
        avg = sum(scores) / len(scores)
        info = HealthInfo("on_track", None, None, None, avg, 0, 0, 0)
        assert info.avg_pulse_text == floatformat(avg, 1)
    assert HealthInfo("on_track", None, None, None, None, 0, 0, 0).avg_pulse_text == "—"


# The board's rows as its template rendered them before they were rendered in Python.
TEMPLATE_ROWS = Path(__file__).with_name("health_board_rows_before.html")


def test_the_board_renders_its_rows_as_its_template_did(hr_user):
    made = build_varied_world(hr_user, seed=4)
    made[0].mentor.__class__.objects.filter(pk=made[0].mentor_id).update(
        full_name='<b>O\'Neil & "Co"</b>'
    )
    services.health_sweep(today=TODAY)
    template = Template(TEMPLATE_ROWS.read_text())
    for program in Program.objects.all():
        counts, _ = board_counts(program)
        rows = BoardRows(program, sum(counts.values()), TODAY)[0:50]
        page = SimpleNamespace(object_list=rows)
        before = template.render(Context({"page": page, "csrf_token": "TOKEN"}))
        after = health_board_rows(Context({"csrf_token": "TOKEN"}), rows)
        assert tags_only(after) == tags_only(before)


def test_it_reads_the_stale_ids_and_counts_in_one_query_as_the_two_reads_did(
    hr_user, django_assert_num_queries
):
    made = build_varied_world(hr_user, seed=5)
    services.health_sweep(today=TODAY)
    Mentorship.objects.filter(pk__in=[m.pk for m in made[::4]]).update(health_stale=True)
    for today in (TODAY, days(9), days(40)):
        for program in Program.objects.all():
            board_look(program, today)  # the counts computed and stored (if they were not)
            with django_assert_num_queries(1):
                stale, counts, off = board_look(program, today)
            assert (stale, (counts, off)) == (
                stale_health_ids(today, program),
                board_counts(program),
            )
            assert list(counts) == list(board_counts(program)[0])  # board order


def test_a_page_reads_the_health_the_rules_compute_on_every_day_from_one_stored_state(hr_user):
    """Rows stored once on the first day, never swept again: on each later day a page's
    health_of still equals the rules computed afresh (it reads a row only while it is true)."""
    from checkins.selectors import health_for, health_of

    build_varied_world(hr_user, seed=7)
    services.health_sweep(today=TODAY)
    pairings = list(Mentorship.objects.select_related("program"))
    for offset in range(0, 120, 3):
        today = days(offset)
        for m in pairings:
            assert health_of(m, today) == health_for(m, today), (m.pk, today)


def test_a_page_reads_a_fresh_stored_health_in_one_query(pairing, django_assert_num_queries):
    from checkins.selectors import health_of

    services.health_sweep(today=TODAY)
    m = Mentorship.objects.select_related("program").get(pk=pairing.pk)
    with django_assert_num_queries(1):
        health_of(m, TODAY)


def test_a_page_computes_the_health_of_a_flagged_pairing_afresh(pairing, mentee):
    from checkins.selectors import health_for, health_of

    services.health_sweep(today=TODAY)
    CheckIn.objects.create(
        mentorship=pairing, author=mentee, date=days(-2), duration_minutes=30, activity="other"
    )  # written past the services: the row is wrong, and flagged
    mentorship_services.mentorships_mark_health_stale(ids=[pairing.pk])
    m = Mentorship.objects.select_related("program").get(pk=pairing.pk)
    assert health_of(m, TODAY).last_checkin_on == days(-2) == health_for(m, TODAY).last_checkin_on
