from datetime import date, timedelta

import pytest
from django.urls import reverse

from feedback.models import QuestionKind, Survey, SurveyAnswer, SurveyInvitation
from tests.factories import ProgramFactory
from tests.feedback.factories import answered, invite, sent_survey


def _post_data(survey: Survey, rating: int | str = 4, comment: str = "Great") -> dict:
    data = {}
    for q in survey.questions.all():
        data[f"q{q.pk}"] = rating if q.kind == QuestionKind.RATING else comment
    return data


@pytest.fixture
def invitation(program, pair):
    return invite(sent_survey(program), user=pair.mentee, role="mentee")


def test_it_shows_the_invitee_the_questions(client_for, invitation) -> None:
    response = client_for(invitation.user).get(reverse("feedback:answer", args=[invitation.pk]))
    assert response.status_code == 200
    assert "How well did the pairing work?" in response.content.decode()


def test_it_saves_the_invitees_answers(client_for, invitation) -> None:
    url = reverse("feedback:answer", args=[invitation.pk])
    response = client_for(invitation.user).post(url, _post_data(invitation.survey))
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert SurveyAnswer.objects.filter(invitation=invitation).count() == 4


@pytest.mark.parametrize("who", ["stranger", "hr_user", "mentor"])
def test_it_hides_an_invitation_from_everyone_else(
    request, client_for, invitation, pair, who
) -> None:
    user = pair.mentor if who == "mentor" else request.getfixturevalue(who)
    url = reverse("feedback:answer", args=[invitation.pk])
    c = client_for(user)
    assert c.get(url).status_code == 404
    assert c.post(url, _post_data(invitation.survey)).status_code == 404
    invitation.refresh_from_db()
    assert invitation.answered_at is None
    assert SurveyAnswer.objects.count() == 0


def test_it_reports_a_missing_rating_next_to_the_question(client_for, invitation) -> None:
    url = reverse("feedback:answer", args=[invitation.pk])
    data = _post_data(invitation.survey)
    first = invitation.survey.questions.first()
    del data[f"q{first.pk}"]
    response = client_for(invitation.user).post(url, data)
    assert response.status_code == 200
    assert "Choose a rating from 1 (not at all) to 5 (very)." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_it_rejects_a_rating_out_of_range_without_a_500(client_for, invitation) -> None:
    url = reverse("feedback:answer", args=[invitation.pk])
    response = client_for(invitation.user).post(url, _post_data(invitation.survey, rating="9"))
    assert response.status_code == 200
    assert SurveyAnswer.objects.count() == 0


def test_it_shows_a_read_only_thank_you_once_answered(client_for, invitation) -> None:
    url = reverse("feedback:answer", args=[invitation.pk])
    c = client_for(invitation.user)
    c.post(url, _post_data(invitation.survey, rating=5))
    response = c.post(url, _post_data(invitation.survey, rating=1))
    assert "Thank you" in response.content.decode()
    assert set(SurveyAnswer.objects.exclude(rating=None).values_list("rating", flat=True)) == {5}


def test_it_refuses_answers_after_the_survey_closed(client_for, invitation) -> None:
    Survey.objects.filter(pk=invitation.survey_id).update(
        opens_on=date.today() - timedelta(days=30), closes_on=date.today() - timedelta(days=1)
    )
    url = reverse("feedback:answer", args=[invitation.pk])
    response = client_for(invitation.user).post(url, _post_data(invitation.survey))
    assert "closed" in response.content.decode()
    assert SurveyAnswer.objects.count() == 0


def test_it_lists_an_open_invitation_in_the_inbox(client_for, invitation) -> None:
    response = client_for(invitation.user).get(reverse("feedback:inbox"))
    assert reverse("feedback:answer", args=[invitation.pk]) in response.content.decode()


def test_it_keeps_other_peoples_invitations_out_of_the_inbox(
    client_for, invitation, stranger
) -> None:
    response = client_for(stranger).get(reverse("feedback:inbox"))
    assert reverse("feedback:answer", args=[invitation.pk]) not in response.content.decode()


def test_it_hides_a_group_of_two_answers_on_the_results_page(client_for, hr_user, program) -> None:
    survey = sent_survey(program)
    for _ in range(2):
        answered(survey, "mentor", (5, 5, 5), comment="Only two of us")
    for _ in range(3):
        answered(survey, "mentee", (4, 3, 2), comment="Three of us")
    html = (
        client_for(hr_user).get(reverse("feedback:results", args=[program.slug])).content.decode()
    )
    assert "Fewer than 3 answers: hidden to protect anonymity." in html
    assert "Only two of us" not in html
    assert "Three of us" in html


def test_it_refuses_results_to_hr_of_another_program(client_for, other_hr, program) -> None:
    response = client_for(other_hr).get(reverse("feedback:results", args=[program.slug]))
    assert response.status_code == 403


def test_it_refuses_results_to_a_participant(client_for, pair, program) -> None:
    response = client_for(pair.mentee).get(reverse("feedback:results", args=[program.slug]))
    assert response.status_code == 403


def test_it_keeps_results_queries_constant_as_answers_grow(
    client_for, hr_user, program, django_assert_max_num_queries
) -> None:
    survey = sent_survey(program)
    c = client_for(hr_user)
    url = reverse("feedback:results", args=[program.slug])
    for _ in range(3):
        answered(survey, "mentee", (4, 4, 4), comment="ok")
    with django_assert_max_num_queries(12) as small:
        c.get(url)
    for role in ("mentee", "mentor", "manager"):
        for _ in range(7):
            answered(survey, role, (3, 2, 1), comment="more")
    sent_survey(program, kind="end")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200


def test_it_keeps_inbox_queries_constant(
    client_for, program, pair, django_assert_max_num_queries
) -> None:
    c = client_for(pair.mentee)
    invite(sent_survey(program), user=pair.mentee)
    with django_assert_max_num_queries(12) as small:
        c.get(reverse("feedback:inbox"))
    for _ in range(5):
        invite(sent_survey(ProgramFactory(status="active")), user=pair.mentee)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(reverse("feedback:inbox")).status_code == 200


def test_it_lets_a_coordinator_move_a_scheduled_survey(client_for, hr_user, program) -> None:
    url = reverse("feedback:surveys", args=[program.slug])
    data = {
        "kind": "mid_point",
        "opens_on": "2026-03-01",
        "closes_on": "2026-03-20",
        "for_mentees": "on",
        "for_mentors": "on",
    }
    assert client_for(hr_user).post(url, data).status_code == 302
    survey = Survey.objects.get(program=program, kind="mid_point")
    assert (survey.opens_on, survey.for_managers) == (date(2026, 3, 1), False)
    assert survey.questions.count() == 4


def test_it_refuses_to_move_a_survey_already_sent(client_for, hr_user, program) -> None:
    survey = sent_survey(program)
    url = reverse("feedback:surveys", args=[program.slug])
    data = {
        "kind": "mid_point",
        "opens_on": "2026-03-01",
        "closes_on": "2026-03-20",
        "for_mentees": "on",
    }
    response = client_for(hr_user).post(url, data)
    assert "already been sent" in response.content.decode()
    assert Survey.objects.get(pk=survey.pk).opens_on == survey.opens_on


def test_it_reports_a_survey_closing_before_it_opens(client_for, hr_user, program) -> None:
    url = reverse("feedback:surveys", args=[program.slug])
    data = {"kind": "end", "opens_on": "2026-03-20", "closes_on": "2026-03-01", "for_mentees": "on"}
    response = client_for(hr_user).post(url, data)
    assert response.context["form"].errors["closes_on"] == [
        "The survey can't close before it opens."
    ]
    assert "can&#x27;t close before it opens" in response.content.decode()
    assert not Survey.objects.exists()


def test_it_asks_for_at_least_one_group_to_survey(client_for, hr_user, program) -> None:
    url = reverse("feedback:surveys", args=[program.slug])
    data = {"kind": "end", "opens_on": "2026-03-01", "closes_on": "2026-03-20"}
    response = client_for(hr_user).post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Choose at least one group to ask."]
    assert "Choose at least one group to ask." in response.content.decode()
    assert not Survey.objects.exists()


def test_it_refuses_survey_scheduling_to_hr_of_another_program(
    client_for, other_hr, program
) -> None:
    url = reverse("feedback:surveys_defaults", args=[program.slug])
    assert client_for(other_hr).post(url).status_code == 403
    assert not Survey.objects.exists()


def test_it_adds_the_default_surveys_on_request(client_for, hr_user, program) -> None:
    client_for(hr_user).post(reverse("feedback:surveys_defaults", args=[program.slug]))
    assert set(Survey.objects.values_list("kind", flat=True)) == {"mid_point", "end"}
    assert SurveyInvitation.objects.count() == 0


def test_it_tells_hr_how_many_invitations_the_mail_server_refused(
    client_for, hr_user, program, invitation
) -> None:
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        email_error="SMTPRecipientsRefused: {'<address>': (550, b'no such user')}"
    )
    html = (
        client_for(hr_user).get(reverse("feedback:surveys", args=[program.slug])).content.decode()
    )
    assert "1 email refused by the mail server" in html


def test_it_shows_no_total_that_gives_away_a_hidden_groups_size(
    client_for, hr_user, program
) -> None:
    survey = sent_survey(program)
    for _ in range(2):
        answered(survey, "mentor", (5, 5, 5))
    for _ in range(3):
        answered(survey, "mentee", (4, 3, 2))
    results = (
        client_for(hr_user).get(reverse("feedback:results", args=[program.slug])).content.decode()
    )
    dates = (
        client_for(hr_user).get(reverse("feedback:surveys", args=[program.slug])).content.decode()
    )
    assert "3 answers" in results  # the visible group's own count stays
    assert "5 of 5" not in results and "5 / 5" not in dates  # 5 − 3 would be the mentors' 2
    assert "5 invited" in results and "— / 5" in dates


def test_it_folds_comments_after_the_first_five(client_for, hr_user, program) -> None:
    survey = sent_survey(program)
    for i in range(8):
        answered(survey, "mentee", (4, 3, 2), comment=f"Comment number {i}")
    html = (
        client_for(hr_user).get(reverse("feedback:results", args=[program.slug])).content.decode()
    )
    assert "Show 3 more comments" in html
    assert all(f"Comment number {i}" in html for i in range(8))  # folded, not dropped
