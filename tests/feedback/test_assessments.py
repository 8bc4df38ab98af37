from datetime import date, timedelta

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import AssessmentRequest, AssessmentRound, SkillRating
from tests.factories import ProgramFactory
from tests.feedback.factories import request_for, sent_round


@pytest.fixture
def rating_request(program, pair):
    return request_for(sent_round(program), pair.mentee, pair.mentor, "mentor")


def _levels(req: AssessmentRequest, level: int | str = 3) -> dict:
    from feedback.selectors import sought_skills

    return {f"skill_{es.skill_id}": level for es in sought_skills(req)}


def test_it_shows_the_rater_one_row_per_sought_skill(client_for, rating_request) -> None:
    html = (
        client_for(rating_request.rater)
        .get(reverse("feedback:assessment", args=[rating_request.pk]))
        .content.decode()
    )
    assert "Kubernetes" in html and "Terraform" in html


def test_it_saves_the_raters_levels(client_for, rating_request) -> None:
    url = reverse("feedback:assessment", args=[rating_request.pk])
    response = client_for(rating_request.rater).post(url, _levels(rating_request, 4))
    assert response.status_code == 302
    rating_request.refresh_from_db()
    assert rating_request.completed_at is not None
    assert list(SkillRating.objects.values_list("level", flat=True)) == [4, 4]


@pytest.mark.parametrize("who", ["stranger", "hr_user", "mentee"])
def test_it_hides_a_request_from_everyone_but_the_rater(
    request, client_for, rating_request, pair, who
) -> None:
    user = pair.mentee if who == "mentee" else request.getfixturevalue(who)
    url = reverse("feedback:assessment", args=[rating_request.pk])
    c = client_for(user)
    assert c.get(url).status_code == 404
    assert c.post(url, _levels(rating_request)).status_code == 404
    rating_request.refresh_from_db()
    assert rating_request.completed_at is None
    assert not SkillRating.objects.exists()


def test_it_reports_a_missing_skill_inline(client_for, rating_request) -> None:
    data = _levels(rating_request)
    data.pop(next(iter(data)))
    response = client_for(rating_request.rater).post(
        reverse("feedback:assessment", args=[rating_request.pk]), data
    )
    assert response.status_code == 200
    assert "Choose a level from 1 to 5 for Kubernetes." in response.content.decode()
    assert not SkillRating.objects.exists()


def test_it_rejects_a_level_out_of_range(client_for, rating_request) -> None:
    response = client_for(rating_request.rater).post(
        reverse("feedback:assessment", args=[rating_request.pk]), _levels(rating_request, "6")
    )
    assert response.status_code == 200
    assert not SkillRating.objects.exists()


def test_it_is_read_only_after_completion(client_for, rating_request) -> None:
    url = reverse("feedback:assessment", args=[rating_request.pk])
    c = client_for(rating_request.rater)
    c.post(url, _levels(rating_request, 2))
    response = c.post(url, _levels(rating_request, 5))
    assert "can't be changed" in response.content.decode()
    assert set(SkillRating.objects.values_list("level", flat=True)) == {2}


def test_it_schedules_a_round_from_the_rounds_page(client_for, hr_user, program) -> None:
    url = reverse("feedback:assessment_rounds", args=[program.slug])
    due = program.start_date + timedelta(days=10)
    response = client_for(hr_user).post(
        url, {"kind": "follow_up", "due_on": due.isoformat(), "include_manager": "on"}
    )
    assert response.status_code == 302
    round_ = AssessmentRound.objects.get(program=program)
    assert (round_.kind, round_.due_on, round_.include_manager, round_.created_by) == (
        "follow_up",
        due,
        True,
        hr_user,
    )


def test_it_reports_a_due_date_outside_the_program_next_to_the_field(
    client_for, hr_user, program
) -> None:
    url = reverse("feedback:assessment_rounds", args=[program.slug])
    late = (program.end_date + timedelta(days=1)).isoformat()
    response = client_for(hr_user).post(url, {"kind": "final", "due_on": late})
    assert "Pick a date within the program" in response.content.decode()
    assert not AssessmentRound.objects.exists()


def test_it_schedules_the_standard_monthly_plan_once(client_for, hr_user) -> None:
    program = ProgramFactory(
        status="active",
        coordinators=[hr_user],
        milestone_cadence="monthly",
        start_date=date(2026, 1, 10),
        end_date=date(2026, 4, 1),
    )
    url = reverse("feedback:assessment_plan", args=[program.slug])
    c = client_for(hr_user)
    c.post(url)
    c.post(url)
    assert list(program.assessment_rounds.values_list("kind", "due_on")) == [
        ("baseline", date(2026, 1, 10)),
        ("follow_up", date(2026, 2, 10)),
        ("follow_up", date(2026, 3, 10)),
        ("final", date(2026, 4, 1)),
    ]


def test_it_refuses_the_rounds_page_to_hr_of_another_program(client_for, other_hr, program) -> None:
    c = client_for(other_hr)
    assert c.get(reverse("feedback:assessment_rounds", args=[program.slug])).status_code == 403
    assert c.post(reverse("feedback:assessment_plan", args=[program.slug])).status_code == 403
    assert not AssessmentRound.objects.exists()


def test_it_refuses_the_rounds_page_to_a_participant(client_for, pair, program) -> None:
    url = reverse("feedback:assessment_rounds", args=[program.slug])
    assert client_for(pair.mentor).get(url).status_code == 403


def test_it_keeps_rounds_page_queries_constant(
    client_for, hr_user, program, pair, django_assert_max_num_queries
) -> None:
    services.assessment_plan_schedule(program=program, include_manager=False, by=hr_user)
    c = client_for(hr_user)
    url = reverse("feedback:assessment_rounds", args=[program.slug])
    with django_assert_max_num_queries(12) as small:
        c.get(url)
    for r in AssessmentRound.objects.all():
        request_for(r, pair.mentee, pair.mentee, "mentee")
        request_for(r, pair.mentee, pair.mentor, "mentor")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200


def test_it_lists_open_requests_in_the_raters_inbox(client_for, rating_request) -> None:
    html = client_for(rating_request.rater).get(reverse("feedback:inbox")).content.decode()
    assert reverse("feedback:assessment", args=[rating_request.pk]) in html
