"""The employee hears about their manager's decision by email, once it is saved, and only then."""

from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from outbox.models import OutboxMessage
from programs.models import Enrolment
from programs.services import enrolment_decide
from programs.tasks import email_decision
from reminders.models import NotificationPreference
from tests.factories import EnrolmentFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    lead = UserFactory(full_name="Lead Lina")
    engineer = UserFactory(full_name="Engineer Eve", email="eve@example.com", manager=lead)
    outsider = UserFactory(full_name="Other manager")
    UserFactory(manager=outsider)  # a manager, of someone else
    program = ProgramFactory(name="Cloud Guild", slug="cloud-guild", requires_manager_approval=True)
    enrolment = EnrolmentFactory(program=program, user=engineer, role="mentee", status="pending")
    return {"lead": lead, "engineer": engineer, "outsider": outsider, "enrolment": enrolment}


def decide_url(enrolment) -> str:
    return f"/programs/approvals/{enrolment.pk}/"


def decide(org, *, approve: bool, reason: str = "", by: str = "lead") -> Enrolment:
    return enrolment_decide(enrolment=org["enrolment"], approve=approve, reason=reason, by=org[by])


def unchanged(enrolment) -> bool:
    row = Enrolment.objects.get(pk=enrolment.pk)
    return (row.status, row.decided_by_id, row.decided_at, row.decision_reason) == (
        "pending",
        None,
        None,
        "",
    )


def test_it_emails_the_employee_once_when_approved(
    client_for, org, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://tandem.example/"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(org["lead"]).post(decide_url(org["enrolment"]), {"decision": "approve"})
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["eve@example.com"]
    assert email.subject == "Your enrolment in Cloud Guild: approved"
    assert "Hello Engineer Eve," in email.body
    assert "Lead Lina approved your enrolment as mentee in “Cloud Guild”." in email.body
    assert "https://tandem.example/programs/cloud-guild/" in email.body


def test_it_puts_the_reason_in_a_decline(org, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(org, approve=False, reason="  Release crunch until June. ")
    email = mailoutbox[0]
    assert email.subject == "Your enrolment in Cloud Guild: declined"
    assert "Lead Lina declined your enrolment as mentee" in email.body
    assert "Their reason: “Release crunch until June.”" in email.body


def test_it_includes_a_note_given_on_approval(org, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(org, approve=True, reason="Enjoy it, block Friday afternoons.")
    assert "Their note: “Enjoy it, block Friday afternoons.”" in mailoutbox[0].body


def test_it_leaves_out_the_note_line_when_an_approval_has_none(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(org, approve=True)
    assert "Their note" not in mailoutbox[0].body


def test_it_sends_nothing_before_the_decision_commits(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        decide(org, approve=True)
        assert mailoutbox == []
    # The decision email's task, and the wake-up for the "enrolment approved" webhook event.
    assert len(callbacks) == 2


def test_it_sends_nothing_when_the_decision_rolls_back(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            decide(org, approve=True)
            raise RuntimeError("something after the decision failed")
    assert (callbacks, mailoutbox) == ([], [])
    assert unchanged(org["enrolment"])


def test_it_emails_even_when_reminder_emails_are_off(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=org["engineer"], email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        decide(org, approve=True)
    assert len(mailoutbox) == 1


def test_it_sends_nothing_when_someone_outside_the_line_decides(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(PermissionDenied):
            decide(org, approve=True, by="outsider")
    assert (callbacks, mailoutbox) == ([], [])
    assert unchanged(org["enrolment"])


def test_it_sends_nothing_for_a_decline_without_reason(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            decide(org, approve=False, reason="   ")
    assert (callbacks, mailoutbox) == ([], [])
    assert unchanged(org["enrolment"])


def test_it_sends_nothing_when_already_decided(org, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(org, approve=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            decide(org, approve=False, reason="Changed my mind")
    assert (callbacks, mailoutbox) == ([], [])
    assert Enrolment.objects.get(pk=org["enrolment"].pk).status == "approved"


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_decision_and_redirects_when_smtp_fails(
    client_for, org, mailoutbox, monkeypatch
):
    # A real commit (no test transaction around the request), so the outbox dispatches inside
    # the view, and the eager task meets the failing mail server.
    def refuse(self, messages):
        raise SMTPServerDisconnected("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    response = client_for(org["lead"]).post(decide_url(org["enrolment"]), {"decision": "approve"})
    assert (response.status_code, response.url) == (302, "/programs/approvals/")
    row = Enrolment.objects.get(pk=org["enrolment"].pk)
    assert (row.status, row.decided_by_id, row.decision_emailed_at) == (
        "approved",
        org["lead"].pk,
        None,
    )
    message = OutboxMessage.objects.get(task_name="programs.tasks.email_decision")
    assert message.status == "pending" and "DeliveryFailed" in message.last_error
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_it_emails_the_decision_once_the_outbox_is_flushed_after_an_outage(
    client_for, org, mailoutbox, monkeypatch
):
    from outbox.services import outbox_flush

    with monkeypatch.context() as patch:
        patch.setattr(
            EmailBackend,
            "send_messages",
            lambda self, messages: (_ for _ in ()).throw(TimeoutError("timed out")),
        )
        client_for(org["lead"]).post(decide_url(org["enrolment"]), {"decision": "approve"})
    assert outbox_flush() == 1
    assert outbox_flush() == 0
    assert [m.to for m in mailoutbox] == [["eve@example.com"]]
    assert Enrolment.objects.get(pk=org["enrolment"].pk).decision_emailed_at is not None


def test_it_sends_the_decision_email_once_when_the_task_runs_twice(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(org, approve=True)
    email_decision.delay(org["enrolment"].pk)
    assert email_decision.delay(org["enrolment"].pk).get() is False
    assert len(mailoutbox) == 1


def test_it_does_not_retry_a_decision_email_refused_for_good(
    org, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, messages):
        raise SMTPRecipientsRefused({"eve@example.com": (550, b"no such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        decide(org, approve=True)
    assert Enrolment.objects.get(pk=org["enrolment"].pk).decision_emailed_at is not None
    assert OutboxMessage.objects.get().status == "dispatched"
