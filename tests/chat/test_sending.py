"""Slack direct messages and Teams cards against local servers that speak each API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from chat import services
from chat.models import ChatMessage, Delivery, MessageStatus, TeamsChannel
from outbox.models import OutgoingEmail
from tests.factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queue(user, key: str = "k1") -> int:
    return services.slack_notify(
        users=[user],
        kind="test.notice",
        key=key,
        title="Check-in due with Bo",
        text="In Onboarding. Open your mentorship.",
        link_path="/mentorships/7/",
        link_label="Open the mentorship",
    )


def _row() -> ChatMessage:
    return ChatMessage.objects.get()


def test_it_sends_a_slack_direct_message_found_by_email_with_a_deep_link(slack, prefer, settings):
    settings.SITE_URL = "https://tandem.example.com"
    ana = UserFactory(email="ana@example.com")
    prefer(ana)
    slack.users = {"ana@example.com": "U0ANA"}
    assert _queue(ana) == 1
    assert services.messages_send_due().sent == 1
    [lookup] = slack.calls("/users.lookupByEmail")
    assert lookup.params["email"] == "ana@example.com"
    [post] = slack.posted()
    assert post.params["channel"] == "U0ANA"
    button = post.params["blocks"][-1]["elements"][0]
    assert button["url"] == "https://tandem.example.com/mentorships/7/"
    assert post.headers["Authorization"] == "Bearer xoxb-test-token"
    row = _row()
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.SENT, 1, "")
    assert row.sent_at is not None


def test_it_queues_nothing_for_someone_who_wants_email_only(slack, prefer):
    ana, bo = UserFactory(), UserFactory()
    prefer(ana, Delivery.EMAIL)  # bo has no preference row: email only
    assert (
        services.slack_notify(users=[ana, bo], kind="x", key="1", title="t", text="", link_path="/")
        == 0
    )
    assert not ChatMessage.objects.exists()


def test_it_queues_nothing_while_slack_is_not_connected(prefer, settings):
    settings.SLACK_BOT_TOKEN = ""
    ana = UserFactory()
    prefer(ana, Delivery.SLACK)
    assert _queue(ana) == 0
    assert not ChatMessage.objects.exists()


def test_it_queues_the_same_notice_once(slack, prefer):
    ana = UserFactory()
    prefer(ana)
    assert _queue(ana) == 1
    assert _queue(ana) == 0
    assert ChatMessage.objects.count() == 1


def test_it_sends_once_when_the_task_runs_twice(slack, prefer):
    ana = UserFactory(email="ana@example.com")
    prefer(ana)
    slack.users = {"ana@example.com": "U0ANA"}
    _queue(ana)
    services.messages_send_due()
    assert services.messages_send_due().sent == 0
    assert len(slack.posted()) == 1


def test_it_lets_only_one_of_two_concurrent_claims_win(slack, prefer):
    ana = UserFactory()
    prefer(ana)
    _queue(ana)
    row = _row()
    first = services.message_claim(message_id=row.pk)
    second = services.message_claim(message_id=row.pk)
    assert first is not None and second is None
    assert _row().attempts == 1


def test_it_ignores_the_stamp_of_a_worker_whose_lease_was_taken_over(slack, prefer):
    ana = UserFactory(email="ana@example.com")
    prefer(ana)
    slack.users = {"ana@example.com": "U0ANA"}
    _queue(ana)
    row = _row()
    stale = services.message_claim(message_id=row.pk)
    ChatMessage.objects.filter(pk=row.pk).update(claimed_until=timezone.now() - timedelta(1))
    fresh = services.message_claim(message_id=row.pk)
    services.message_send(message_id=row.pk, token=fresh)
    services.message_send(message_id=row.pk, token=stale)  # its stamp changes nothing
    assert _row().status == MessageStatus.SENT and _row().attempts == 2


def test_it_waits_for_slacks_retry_after_on_a_429_without_counting_an_attempt(slack, prefer):
    ana = UserFactory(email="ana@example.com")
    prefer(ana)
    slack.users = {"ana@example.com": "U0ANA"}
    slack.plan = [429]
    slack.retry_after = "42"
    _queue(ana)
    before = timezone.now()
    result = services.messages_send_due()
    assert (result.sent, result.retried) == (0, 1)
    row = _row()
    assert row.status == MessageStatus.PENDING and row.attempts == 0
    wait = (row.next_attempt_at - before).total_seconds()
    assert 41 <= wait <= 45
    assert "429" in row.last_error
    ChatMessage.objects.update(next_attempt_at=timezone.now())
    assert services.messages_send_due().sent == 1


def test_it_pauses_slack_for_the_rest_of_the_run_after_a_429(slack, prefer):
    people = [UserFactory(email=f"p{n}@example.com") for n in range(3)]
    for person in people:
        prefer(person)
        _queue(person)
    slack.users = {p.email: f"U{n}" for n, p in enumerate(people)}
    slack.plan = [429]
    result = services.messages_send_due()
    assert (result.sent, result.retried) == (0, 1)
    assert len(slack.requests) == 1, "no further calls once Slack said slow down"


def test_it_retries_a_slack_500_with_backoff(slack, prefer, settings):
    settings.CHAT_RETRY_SECONDS = 30
    ana = UserFactory(email="ana@example.com")
    prefer(ana)
    slack.users = {"ana@example.com": "U0ANA"}
    slack.plan = [500]
    _queue(ana)
    before = timezone.now()
    assert services.messages_send_due().retried == 1
    row = _row()
    assert row.status == MessageStatus.PENDING and row.attempts == 1
    assert 29 <= (row.next_attempt_at - before).total_seconds() <= 33
    assert row.last_error == "Slack answered 500."
    ChatMessage.objects.update(next_attempt_at=timezone.now())
    slack.plan = [500]
    services.messages_send_due()
    row = _row()
    assert 59 <= (row.next_attempt_at - timezone.now()).total_seconds() <= 62, "doubled"


def test_it_gives_up_after_the_last_attempt(slack, prefer, settings):
    settings.CHAT_MAX_ATTEMPTS = 2
    ana = UserFactory(email="ana@example.com")
    prefer(ana)
    slack.users = {"ana@example.com": "U0ANA"}
    slack.plan = [500, 500]
    _queue(ana)
    services.messages_send_due()
    ChatMessage.objects.update(next_attempt_at=timezone.now())
    assert services.messages_send_due().failed == 1
    assert _row().status == MessageStatus.FAILED


def test_it_marks_a_person_slack_does_not_know_failed_in_plain_words(slack, prefer):
    ana = UserFactory(email="ana@example.com")
    prefer(ana, Delivery.BOTH)
    _queue(ana)
    assert services.messages_send_due().failed == 1
    row = _row()
    assert row.status == MessageStatus.FAILED
    assert row.last_error == "Slack has no account with this person's email address."
    assert not slack.posted()
    assert not OutgoingEmail.objects.exists(), "they get the email anyway"


def test_it_emails_someone_who_chose_slack_only_when_slack_cannot_reach_them(slack, prefer):
    ana = UserFactory(email="ana@example.com")
    prefer(ana, Delivery.SLACK)
    _queue(ana)
    services.messages_send_due()
    email = OutgoingEmail.objects.get()
    assert (email.to, email.subject) == ("ana@example.com", "Check-in due with Bo")
    assert "/mentorships/7/" in email.body and "Slack" in email.body


def test_it_marks_every_message_failed_when_slack_refuses_the_token(slack, prefer, settings):
    settings.SLACK_BOT_TOKEN = "xoxb-wrong"
    ana = UserFactory()
    prefer(ana)
    _queue(ana)
    services.messages_send_due()
    assert _row().last_error == "Slack refused the bot token (SLACK_BOT_TOKEN): check it."


def test_it_retries_when_slack_cannot_be_reached(slack, prefer, settings):
    ana = UserFactory()
    prefer(ana)
    _queue(ana)
    slack.stop()
    assert services.messages_send_due().retried == 1
    row = _row()
    assert row.status == MessageStatus.PENDING and "Could not reach Slack" in row.last_error


# --- Teams ----------------------------------------------------------------------------------


def _channel(teams, name: str = "mentoring") -> TeamsChannel:
    program = ProgramFactory(name="Platform onboarding")
    return TeamsChannel.objects.create(program=program, webhook_url=teams.url(name))


def _announce(channel: TeamsChannel, key: str = "run:1") -> int:
    return services.teams_announce(
        program=channel.program,
        kind="matching.published",
        key=key,
        title="New pairs in Platform onboarding",
        text="12 new pairs were matched.",
        link_path="/programs/platform/",
        link_label="Open the program",
    )


def test_it_posts_an_adaptive_card_to_the_programs_teams_channel(teams, settings):
    settings.SITE_URL = "https://tandem.example.com"
    channel = _channel(teams)
    assert _announce(channel) == 1
    assert _announce(channel) == 0, "once per key"
    assert services.messages_send_due().sent == 1
    [message] = teams.cards()
    assert message["type"] == "message"
    card = message["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == "New pairs in Platform onboarding"
    assert card["actions"][0] == {
        "type": "Action.OpenUrl",
        "title": "Open the program",
        "url": "https://tandem.example.com/programs/platform/",
    }
    assert _row().status == MessageStatus.SENT


def test_it_queues_no_card_for_a_program_without_a_channel(db):
    program = ProgramFactory()
    assert (
        services.teams_announce(
            program=program, kind="k", key="1", title="t", text="", link_path="/"
        )
        == 0
    )


def test_it_marks_a_card_failed_when_the_teams_webhook_is_gone(teams):
    _announce(_channel(teams, "deleted-channel"))
    assert services.messages_send_due().failed == 1
    assert "no longer exists" in _row().last_error


def test_it_waits_for_teams_retry_after_on_a_429(teams):
    teams.plan = [429]
    teams.retry_after = "15"
    _announce(_channel(teams))
    before = timezone.now()
    services.messages_send_due()
    row = _row()
    assert row.status == MessageStatus.PENDING and row.attempts == 0
    assert 14 <= (row.next_attempt_at - before).total_seconds() <= 18


def test_it_retries_a_teams_500(teams):
    teams.plan = [500]
    _announce(_channel(teams))
    services.messages_send_due()
    row = _row()
    assert (row.status, row.last_error) == (MessageStatus.PENDING, "Teams answered 500.")
    ChatMessage.objects.update(next_attempt_at=timezone.now())
    assert services.messages_send_due().sent == 1


def test_it_refuses_a_teams_webhook_on_a_private_address_unless_allowed(teams, settings):
    settings.CHAT_ALLOW_PRIVATE_ADDRESSES = False
    _announce(_channel(teams))
    services.messages_send_due()
    assert "private or reserved" in _row().last_error
    assert not teams.requests


def test_it_retries_when_the_slack_api_address_is_misconfigured(slack, prefer, settings):
    settings.SLACK_API_URL = "ftp://slack.invalid/api/"
    ana = UserFactory()
    prefer(ana)
    _queue(ana)
    assert services.messages_send_due().retried == 1
    assert _row().last_error.startswith("Could not reach Slack")
