"""HR's exam page: it links to each open certification goal's own exam page, a pass recorded
there for someone preparing on a goal closes that goal, and the demo's exam passes carry their
certification outcome events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from learning.models import CertificationGoal, ExamResult
from mentorships.models import Goal
from metrics import demo as metrics_demo
from metrics.models import OutcomeEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert_goal(client_for, pair, certification):
    client_for(pair.mentee).post(
        reverse("learning:certification_goal_create", args=[pair.pk]),
        {
            "certification": certification.pk,
            "target_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    return CertificationGoal.objects.get()


def _record_for_anyone(client, person, certification, *, passed: bool, on=None):
    return client.post(
        reverse("metrics:exam_results"),
        {
            "employee_email": person.email,
            "certification": certification.pk,
            "taken_on": (on or timezone.localdate()).isoformat(),
            "result": "yes" if passed else "no",
        },
    )


def test_it_links_the_programs_hr_to_each_open_goals_exam_page(
    client_for, hr_user, other_hr, cert_goal
) -> None:
    link = reverse("metrics:certification_exam", args=[cert_goal.pk])
    page = client_for(hr_user).get(reverse("metrics:exam_results")).content.decode()
    assert link in page and "Mia Mentee" in page
    # Another program's HR may not open that goal's page, so is not shown it.
    assert link not in client_for(other_hr).get(reverse("metrics:exam_results")).content.decode()


def test_it_stops_linking_a_goal_once_it_is_attained(client_for, hr_user, cert_goal) -> None:
    CertificationGoal.objects.update(attained_on=timezone.localdate())
    page = client_for(hr_user).get(reverse("metrics:exam_results")).content.decode()
    assert reverse("metrics:certification_exam", args=[cert_goal.pk]) not in page


def test_it_closes_the_goal_when_hr_records_a_pass_for_anyone(
    client_for, hr_user, pair, certification, cert_goal
) -> None:
    response = _record_for_anyone(client_for(hr_user), pair.mentee, certification, passed=True)
    assert response.status_code == 302
    cert_goal.refresh_from_db()
    assert cert_goal.attained_on == timezone.localdate()
    goal = Goal.objects.get(pk=cert_goal.goal_id)
    assert goal.status == "achieved"
    assert goal.milestones.order_by("-due_date").first().done_at is not None
    result = ExamResult.objects.get()
    assert (result.certification_goal_id, result.prepared_from) == (
        cert_goal.pk,
        cert_goal.started_on,
    )
    assert OutcomeEvent.objects.get().employee_id == pair.mentee_id


def test_it_files_a_failed_exam_under_the_goal_and_keeps_it_open(
    client_for, hr_user, pair, certification, cert_goal
) -> None:
    _record_for_anyone(client_for(hr_user), pair.mentee, certification, passed=False)
    cert_goal.refresh_from_db()
    assert cert_goal.attained_on is None
    assert ExamResult.objects.get().certification_goal_id == cert_goal.pk
    assert not OutcomeEvent.objects.exists()


def test_it_leaves_a_goal_started_after_the_exam_alone(
    client_for, hr_user, pair, certification, cert_goal
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    _record_for_anyone(client_for(hr_user), pair.mentee, certification, passed=True, on=yesterday)
    cert_goal.refresh_from_db()
    assert cert_goal.attained_on is None
    assert ExamResult.objects.get().certification_goal_id is None


def test_it_lists_open_goals_in_constant_queries(
    client_for, hr_user, pair, certification, cert_goal, django_assert_max_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(hr_user)
    url = reverse("metrics:exam_results")
    client.get(url)  # the first request of a session warms caches
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(5):
        mentorship = factories.MentorshipFactory(program=pair.program)
        goal = factories.GoalFactory(mentorship=mentorship, title=f"Goal {i}")
        CertificationGoal.objects.create(
            goal=goal, certification=certification, started_on=timezone.localdate()
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Record the exam result<") == 6


def test_it_gives_each_demo_exam_pass_its_outcome_event_once(hr_user, certification) -> None:
    today = timezone.localdate()
    people = [factories.UserFactory() for _ in range(3)]
    for i, person in enumerate(people):
        ExamResult.objects.create(
            employee=person, certification=certification, taken_on=today, passed=i != 1
        )
    for _ in range(2):
        metrics_demo.seed_exam_outcomes({"demo": {"hr": hr_user}})
    events = OutcomeEvent.objects.order_by("employee_id")
    assert [(e.employee_id, e.kind, e.occurred_on) for e in events] == [
        (people[0].pk, "certification", today),
        (people[2].pk, "certification", today),
    ]
    assert {e.certification_name for e in events} == {certification.name}


@pytest.mark.slow
def test_it_seeds_an_outcome_event_for_every_exam_pass_of_the_demo() -> None:
    call_command("seed_demo")
    passes = ExamResult.objects.filter(passed=True).select_related("certification")
    assert passes.exists()
    events = set(
        OutcomeEvent.objects.filter(kind="certification").values_list(
            "employee_id", "occurred_on", "natural_key"
        )
    )
    assert {(r.employee_id, r.taken_on, r.certification.name.lower()) for r in passes} <= events
