"""Certifications: HR's catalogue, a certification as a goal with milestones on dates, and an
exam pass recorded as the certification outcome event the dashboards count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learning import schedule
from learning.models import Certification, CertificationGoal, ExamResult
from mentorships.models import Goal, Mentorship
from metrics.models import OutcomeEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_spreads_objectives_evenly_up_to_the_exam() -> None:
    start = date(2026, 1, 1)
    assert schedule.spread(start, date(2026, 1, 31), 2) == [date(2026, 1, 11), date(2026, 1, 21)]
    assert schedule.spread(start, date(2026, 1, 31), 0) == []
    # Fewer days than objectives: never before the day after the start, never after the end.
    assert schedule.spread(start, date(2026, 1, 3), 4) == [
        date(2026, 1, 2),
        date(2026, 1, 2),
        date(2026, 1, 2),
        date(2026, 1, 3),
    ]


def test_it_adds_a_certification_to_the_catalogue(client_for, hr_user, skill) -> None:
    response = client_for(hr_user).post(
        reverse("learning:certification_create"),
        {
            "name": "AWS Solutions Architect – Associate",
            "issuer": "Amazon Web Services",
            "objectives": "Design secure architectures\nDesign resilient architectures",
            "url": "https://aws.amazon.com/certification/",
            "skills": [skill.pk],
        },
    )
    assert response.status_code == 302
    found = Certification.objects.get()
    assert found.objective_list == ["Design secure architectures", "Design resilient architectures"]
    assert list(found.skills.all()) == [skill]


def test_it_refuses_a_second_certification_of_the_same_name(
    client_for, hr_user, certification
) -> None:
    response = client_for(hr_user).post(
        reverse("learning:certification_create"),
        {"name": "certified kubernetes administrator", "issuer": "X", "objectives": "One"},
    )
    assert response.status_code == 200
    assert "already in the catalogue" in response.content.decode()
    assert Certification.objects.count() == 1


def test_it_refuses_the_catalogue_to_non_hr(client_for, stranger, certification) -> None:
    client = client_for(stranger)
    assert client.get(reverse("learning:certification_create")).status_code == 403
    url = reverse("learning:certification_delete", args=[certification.pk])
    assert client.post(url).status_code == 403
    assert Certification.objects.filter(pk=certification.pk).exists()


def test_it_keeps_a_certification_a_pair_prepares_for(
    client_for, hr_user, pair, certification
) -> None:
    client_for(pair.mentee).post(
        reverse("learning:certification_goal_create", args=[pair.pk]),
        {"certification": certification.pk, "target_date": _in_days(40)},
    )
    response = client_for(hr_user).post(
        reverse("learning:certification_delete", args=[certification.pk]), follow=True
    )
    assert "stays in the catalogue" in response.content.decode()
    assert Certification.objects.filter(pk=certification.pk).exists()


def _in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_it_makes_a_goal_with_a_milestone_per_objective_on_spread_dates(
    client_for, pair, certification, skill
) -> None:
    today = timezone.localdate()
    response = client_for(pair.mentee).post(
        reverse("learning:certification_goal_create", args=[pair.pk]),
        {"certification": certification.pk, "target_date": _in_days(40)},
    )
    assert response.status_code == 302
    cg = CertificationGoal.objects.get()
    goal = Goal.objects.get(pk=cg.goal_id)
    assert goal.mentorship_id == pair.pk
    assert goal.title == "Certification: Certified Kubernetes Administrator"
    assert goal.target_date == today + timedelta(days=40)
    assert list(goal.skills.all()) == [skill]
    milestones = [(m.title, (m.due_date - today).days) for m in goal.milestones.order_by("id")]
    # Three objectives and the exam: 40 days in four steps of ten.
    assert milestones == [
        ("Cluster architecture", 10),
        ("Workloads and scheduling", 20),
        ("Troubleshooting", 30),
        ("Sit the Certified Kubernetes Administrator exam", 40),
    ]


@pytest.mark.parametrize("days", ["0", "-3", "2000"])
def test_it_refuses_a_target_date_not_ahead_or_too_far(client_for, pair, certification, days):
    response = client_for(pair.mentee).post(
        reverse("learning:certification_goal_create", args=[pair.pk]),
        {"certification": certification.pk, "target_date": _in_days(int(days))},
    )
    assert response.status_code == 200
    assert not Goal.objects.filter(certification_goal__isnull=False).exists()


def test_it_lets_only_the_mentee_add_a_certification_goal(
    client_for, pair, certification, stranger
) -> None:
    url = reverse("learning:certification_goal_create", args=[pair.pk])
    data = {"certification": certification.pk, "target_date": _in_days(30)}
    assert client_for(pair.mentor).post(url, data).status_code == 404
    assert client_for(stranger).post(url, data).status_code == 404
    assert not CertificationGoal.objects.exists()


@pytest.fixture
def cert_goal(client_for, pair, certification):
    client_for(pair.mentee).post(
        reverse("learning:certification_goal_create", args=[pair.pk]),
        {"certification": certification.pk, "target_date": _in_days(30)},
    )
    return CertificationGoal.objects.get()


def _exam(client, cert_goal, result: str, on: date | None = None):
    return client.post(
        reverse("metrics:certification_exam", args=[cert_goal.pk]),
        {"taken_on": (on or timezone.localdate()).isoformat(), "result": result},
    )


def test_it_records_a_pass_as_the_certification_outcome_event(client_for, pair, cert_goal) -> None:
    today = timezone.localdate()
    assert _exam(client_for(pair.mentor), cert_goal, "yes").status_code == 302
    event = OutcomeEvent.objects.get()
    assert (event.employee_id, event.kind, event.occurred_on) == (
        pair.mentee_id,
        "certification",
        today,
    )
    assert (event.certification_name, event.certification_issuer, event.recorded_by_id) == (
        "Certified Kubernetes Administrator",
        "CNCF",
        pair.mentor_id,
    )
    cert_goal.refresh_from_db()
    assert cert_goal.attained_on == today
    goal = Goal.objects.get(pk=cert_goal.goal_id)
    assert goal.status == "achieved"
    assert goal.milestones.order_by("-due_date").first().done_at is not None
    result = ExamResult.objects.get()
    assert (result.passed, result.prepared_from) == (True, cert_goal.started_on)


def test_it_marks_the_pairings_stored_health_stale_when_a_pass_ticks_the_exam_milestone(
    client_for, pair, cert_goal
) -> None:
    Mentorship.objects.filter(pk=pair.pk).update(health_stale=False)
    assert _exam(client_for(pair.mentor), cert_goal, "yes").status_code == 302
    assert Mentorship.objects.get(pk=pair.pk).health_stale is True


def test_it_records_a_failed_exam_without_an_outcome_event(client_for, pair, cert_goal) -> None:
    assert _exam(client_for(pair.mentee), cert_goal, "no").status_code == 302
    assert not OutcomeEvent.objects.exists()
    assert ExamResult.objects.get().passed is False
    cert_goal.refresh_from_db()
    assert cert_goal.attained_on is None


def test_it_keeps_an_outcome_event_already_imported(client_for, pair, cert_goal, hr_user):
    OutcomeEvent.objects.create(
        employee=pair.mentee,
        kind="certification",
        occurred_on=timezone.localdate(),
        certification_name="Certified Kubernetes Administrator",
        natural_key="certified kubernetes administrator",
    )
    assert _exam(client_for(pair.mentee), cert_goal, "yes").status_code == 302
    assert OutcomeEvent.objects.count() == 1
    assert ExamResult.objects.filter(passed=True).count() == 1


def test_it_lets_the_programs_hr_record_the_exam(client_for, hr_user, cert_goal) -> None:
    assert _exam(client_for(hr_user), cert_goal, "yes").status_code == 302
    assert OutcomeEvent.objects.count() == 1


def test_it_refuses_the_exam_to_others_with_404(client_for, cert_goal, stranger, other_hr) -> None:
    for user in (stranger, other_hr):
        assert _exam(client_for(user), cert_goal, "yes").status_code == 404
    assert not ExamResult.objects.exists() and not OutcomeEvent.objects.exists()


def test_it_refuses_an_exam_in_the_future_in_plain_words(client_for, pair, cert_goal) -> None:
    response = _exam(
        client_for(pair.mentee), cert_goal, "yes", timezone.localdate() + timedelta(days=2)
    )
    assert response.status_code == 200
    assert "can't be in the future" in response.content.decode().replace("&#x27;", "'")
    assert not ExamResult.objects.exists()


def test_it_refuses_the_same_exam_twice_in_plain_words(client_for, pair, cert_goal) -> None:
    client = client_for(pair.mentee)
    _exam(client, cert_goal, "no")
    response = _exam(client, cert_goal, "no")
    assert "already recorded" in response.content.decode()
    assert ExamResult.objects.count() == 1


def test_it_lets_hr_record_an_exam_for_anyone(client_for, hr_user, certification) -> None:
    person = factories.UserFactory(email="nonparticipant@example.com")
    today = timezone.localdate()
    response = client_for(hr_user).post(
        reverse("metrics:exam_results"),
        {
            "employee_email": "NonParticipant@example.com",
            "certification": certification.pk,
            "prepared_from": (today - timedelta(days=60)).isoformat(),
            "taken_on": today.isoformat(),
            "result": "yes",
        },
    )
    assert response.status_code == 302
    result = ExamResult.objects.get()
    assert (result.employee_id, result.certification_goal_id) == (person.pk, None)
    assert (today - result.prepared_from).days == 60
    assert OutcomeEvent.objects.get().employee_id == person.pk


def test_it_refuses_an_unknown_employee_in_plain_words(client_for, hr_user, certification):
    response = client_for(hr_user).post(
        reverse("metrics:exam_results"),
        {
            "employee_email": "nobody@example.com",
            "certification": certification.pk,
            "taken_on": timezone.localdate().isoformat(),
            "result": "yes",
        },
    )
    assert "No active employee has this email address." in response.content.decode()
    assert not ExamResult.objects.exists()


def test_it_refuses_recording_exams_for_anyone_to_non_hr(client_for, pair, certification) -> None:
    response = client_for(pair.mentor).post(
        reverse("metrics:exam_results"),
        {
            "employee_email": pair.mentee.email,
            "certification": certification.pk,
            "taken_on": timezone.localdate().isoformat(),
            "result": "yes",
        },
    )
    assert response.status_code == 403
    assert not ExamResult.objects.exists()


def test_it_shows_the_certification_goal_to_the_pair(client_for, pair, cert_goal) -> None:
    page = client_for(pair.mentor).get(pair.get_absolute_url()).content.decode()
    assert "Record the exam result" in page
    assert reverse("metrics:certification_exam", args=[cert_goal.pk]) in page


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_certifications_and_exam_results_in_constant_queries(
    client_for, hr_user, certification
) -> None:
    client = client_for(hr_user)
    urls = [reverse("learning:certifications"), reverse("metrics:exam_results")]
    ExamResult.objects.create(
        employee=hr_user, certification=certification, taken_on=date(2026, 1, 5), passed=True
    )
    for url in urls:
        _queries(client, url)  # the first request of a session warms caches
    before = {url: _queries(client, url) for url in urls}
    today = timezone.localdate()
    for i in range(12):
        cert = Certification.objects.create(name=f"Cert {i}", issuer="X", objectives="One")
        ExamResult.objects.create(
            employee=factories.UserFactory(),
            certification=cert,
            taken_on=today - timedelta(days=i),
            passed=bool(i % 2),
        )
    assert {url: _queries(client, url) for url in urls} == before
