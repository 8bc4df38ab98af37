from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.mail import DeliveryFailed
from feedback import services, tasks
from feedback.models import (
    AssessmentRequest,
    AssessmentRound,
    SendStatus,
    Survey,
    SurveyInvitation,
)
from tests.factories import MentorshipFactory, ProgramFactory, UserFactory


def _due_survey(program) -> Survey:
    today = date.today()
    return services.survey_save(
        program=program,
        kind="mid_point",
        opens_on=today,
        closes_on=today + timedelta(days=14),
        for_mentees=True,
        for_mentors=True,
        for_managers=True,
    )


def test_it_schedules_both_default_surveys_for_an_active_program(program) -> None:
    tasks.send_due_surveys.delay()
    surveys = {s.kind: s for s in Survey.objects.filter(program=program)}
    middle = program.start_date + (program.end_date - program.start_date) // 2
    assert surveys["mid_point"].opens_on == middle
    assert surveys["end"].opens_on == program.end_date
    assert surveys["mid_point"].questions.count() == 4


def test_it_invites_mentee_mentor_and_manager_once_when_run_twice(program, pair) -> None:
    survey = _due_survey(program)
    tasks.send_due_surveys.delay()
    tasks.send_due_surveys.delay()
    roles = dict(SurveyInvitation.objects.filter(survey=survey).values_list("user__email", "role"))
    assert roles == {
        "mentee@example.com": "mentee",
        "mentor@example.com": "mentor",
        "boss@example.com": "manager",
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(roles)
    survey.refresh_from_db()
    assert survey.status == SendStatus.SENT


def test_it_puts_an_absolute_link_in_the_survey_email(program, pair, settings) -> None:
    settings.SITE_URL = "https://tandem.example"
    _due_survey(program)
    tasks.send_due_surveys.delay()
    invitation = SurveyInvitation.objects.get(user=pair.mentee)
    body = next(m.body for m in mail.outbox if m.to == ["mentee@example.com"])
    assert f"https://tandem.example/feedback/invitation/{invitation.pk}/" in body


def test_it_skips_ended_pairings_and_surveys_not_yet_open(program, pair) -> None:
    MentorshipFactory(program=program, status="ended")
    today = date.today()
    services.survey_save(
        program=program,
        kind="end",
        opens_on=today + timedelta(days=1),
        closes_on=today + timedelta(days=5),
        for_mentees=True,
        for_mentors=True,
        for_managers=True,
    )
    _due_survey(program)
    tasks.send_due_surveys.delay()
    assert SurveyInvitation.objects.count() == 3
    assert Survey.objects.get(program=program, kind="end").status == SendStatus.SCHEDULED


def test_it_finishes_a_survey_left_sending_by_a_dead_worker(program, pair) -> None:
    survey = _due_survey(program)
    Survey.objects.filter(pk=survey.pk).update(status=SendStatus.SENDING)
    tasks.send_due_surveys.delay()
    survey.refresh_from_db()
    assert survey.status == SendStatus.SENT
    assert len(mail.outbox) == 3


def test_it_does_not_email_an_invitation_already_claimed(program, pair) -> None:
    survey = _due_survey(program)
    services.survey_invitations_create(survey=survey)
    SurveyInvitation.objects.filter(user=pair.mentor).update(sent_at=timezone.now())
    tasks.send_due_surveys.delay()
    assert "mentor@example.com" not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 2


def test_it_waits_for_a_program_that_is_not_running_yet(hr_user) -> None:
    program = ProgramFactory(status="matching", coordinators=[hr_user])
    MentorshipFactory(program=program)
    _due_survey(program)
    tasks.send_due_surveys.delay()
    assert SurveyInvitation.objects.count() == 0


def test_it_requests_assessments_from_mentee_mentor_and_manager_once(program, pair) -> None:
    round_ = AssessmentRound.objects.create(
        program=program,
        kind="baseline",
        due_on=date.today() + timedelta(days=7),
        include_manager=True,
    )
    tasks.send_assessment_requests.delay()
    tasks.send_assessment_requests.delay()
    raters = dict(
        AssessmentRequest.objects.filter(round=round_).values_list("rater__email", "rater_role")
    )
    assert raters == {
        "mentee@example.com": "mentee",
        "mentor@example.com": "mentor",
        "boss@example.com": "manager",
    }
    assert len(mail.outbox) == 3
    round_.refresh_from_db()
    assert round_.status == SendStatus.SENT


def test_it_leaves_the_manager_out_unless_the_round_asks(program, pair) -> None:
    AssessmentRound.objects.create(program=program, kind="baseline", due_on=date.today())
    tasks.send_assessment_requests.delay()
    assert set(AssessmentRequest.objects.values_list("rater_role", flat=True)) == {
        "mentee",
        "mentor",
    }


def test_it_waits_for_rounds_due_more_than_a_week_ahead(program, pair) -> None:
    AssessmentRound.objects.create(
        program=program, kind="follow_up", due_on=date.today() + timedelta(days=8)
    )
    tasks.send_assessment_requests.delay()
    assert AssessmentRequest.objects.count() == 0
    assert mail.outbox == []


def test_it_reminds_once_after_the_due_date(program, pair) -> None:
    round_ = AssessmentRound.objects.create(
        program=program, kind="baseline", due_on=date.today() - timedelta(days=1)
    )
    tasks.send_assessment_requests.delay()
    assert len(mail.outbox) == 2
    AssessmentRequest.objects.update(sent_at=timezone.now() - timedelta(days=3))
    AssessmentRequest.objects.filter(round=round_, rater=pair.mentor).update(
        completed_at=timezone.now()
    )
    tasks.send_assessment_requests.delay()
    tasks.send_assessment_requests.delay()
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert [m.to for m in reminders] == [["mentee@example.com"]]
    assert AssessmentRequest.objects.get(rater=pair.mentee).reminded_at is not None


def test_it_gives_a_request_sent_after_its_due_date_time_before_reminding(program, pair) -> None:
    AssessmentRound.objects.create(
        program=program, kind="baseline", due_on=date.today() - timedelta(days=5)
    )
    tasks.send_assessment_requests.delay()
    tasks.send_assessment_requests.delay()
    assert len(mail.outbox) == 2
    assert not [m for m in mail.outbox if m.subject.startswith("Reminder")]


def test_it_does_not_remind_before_the_due_date(program, pair) -> None:
    AssessmentRound.objects.create(program=program, kind="baseline", due_on=date.today())
    tasks.send_assessment_requests.delay()
    tasks.send_assessment_requests.delay()
    assert not [m for m in mail.outbox if m.subject.startswith("Reminder")]


def test_it_asks_a_manager_who_is_also_the_mentor_only_once(program) -> None:
    boss = UserFactory()
    MentorshipFactory(program=program, mentor=boss, mentee=UserFactory(manager=boss))
    AssessmentRound.objects.create(
        program=program, kind="baseline", due_on=date.today(), include_manager=True
    )
    tasks.send_assessment_requests.delay()
    assert AssessmentRequest.objects.filter(rater=boss).get().rater_role == "mentor"


@pytest.fixture
def refusing(settings) -> Iterator[set[str]]:
    """Addresses the mail server refuses for good (550); it takes the rest."""
    from tests.feedback.refusing_backend import RefusingBackend

    settings.EMAIL_BACKEND = "tests.feedback.refusing_backend.RefusingBackend"
    RefusingBackend.refused = set()
    yield RefusingBackend.refused
    RefusingBackend.refused = set()


def test_it_emails_the_others_and_records_an_invitation_refused_for_good(
    program, pair, refusing
) -> None:
    _due_survey(program)
    refusing.add("mentor@example.com")
    assert services.surveys_send_due(today=date.today()) == 2
    refused = SurveyInvitation.objects.get(user=pair.mentor)
    assert refused.sent_at is not None and "SMTPRecipientsRefused" in refused.email_error
    assert "mentor@example.com" not in refused.email_error  # addresses are kept out
    assert sorted(m.to[0] for m in mail.outbox) == ["boss@example.com", "mentee@example.com"]


def test_it_does_not_retry_an_invitation_refused_for_good(program, pair, refusing) -> None:
    _due_survey(program)
    refusing.add("mentor@example.com")
    services.surveys_send_due(today=date.today())
    refusing.clear()
    assert services.surveys_send_due(today=date.today()) == 0
    assert "mentor@example.com" not in [m.to[0] for m in mail.outbox]


def test_it_keeps_invitations_unsent_through_an_outage_and_sends_them_after(
    program, pair, settings
) -> None:
    _due_survey(program)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.FailingBackend"
    with pytest.raises(DeliveryFailed):
        services.surveys_send_due(today=date.today())
    assert SurveyInvitation.objects.filter(sent_at__isnull=True).count() == 3
    assert not SurveyInvitation.objects.exclude(email_error="").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.surveys_send_due(today=date.today()) == 3


def _overdue_round_and_a_new_one(program) -> None:
    """A round past its due date, emailed 3 days ago (reminders due), and a new round today
    (first emails due): one sweep owes both kinds to mentee and mentor."""
    late = AssessmentRound.objects.create(
        program=program, kind="baseline", due_on=date.today() - timedelta(days=5)
    )
    services.assessment_requests_send_due(today=date.today())
    AssessmentRequest.objects.filter(round=late).update(sent_at=timezone.now() - timedelta(days=3))
    AssessmentRound.objects.create(program=program, kind="final", due_on=date.today())


def test_it_still_reminds_raters_when_another_raters_first_email_fails(
    program, pair, settings
) -> None:
    _overdue_round_and_a_new_one(program)
    settings.EMAIL_BACKEND = "tests.reminders.failing_backend.FailingBackend"
    with pytest.raises(DeliveryFailed):
        services.assessment_requests_send_due(today=date.today())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    outcome = services.assessment_requests_send_due(today=date.today())
    assert outcome["reminded"] == 2 and outcome["sent"] == 2


def test_it_reminds_even_when_a_first_email_is_refused_in_the_same_sweep(
    program, pair, refusing
) -> None:
    _overdue_round_and_a_new_one(program)
    refusing.add("mentee@example.com")
    mail.outbox.clear()
    outcome = services.assessment_requests_send_due(today=date.today())
    assert outcome["sent"] == 1 and outcome["reminded"] == 1  # the mentor's of each
    assert [m.to[0] for m in mail.outbox] == ["mentor@example.com", "mentor@example.com"]
    assert AssessmentRequest.objects.exclude(email_error="").count() == 2


def test_it_retries_the_survey_sweep_when_an_email_is_not_sent() -> None:
    assert issubclass(DeliveryFailed, tasks.RETRY["autoretry_for"])


def test_it_stops_at_a_time_limit_without_counting_it_as_a_refusal(
    program, pair, monkeypatch
) -> None:
    from celery.exceptions import SoftTimeLimitExceeded

    _due_survey(program)

    def out_of_time(invitation) -> None:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "_survey_email", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded):
        services.surveys_send_due(today=date.today())
    assert SurveyInvitation.objects.filter(sent_at__isnull=True, email_error="").count() == 3
