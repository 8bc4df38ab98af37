"""The person's preference page and a program's Teams channel page."""

import pytest

from audit.models import AuditEvent
from chat.models import ChatPreference, Delivery, TeamsChannel
from tests.factories import HRFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db
HOOK = "https://example.webhook.office.com/webhookb2/abc123secret/IncomingWebhook/def456/ghi789"


@pytest.fixture
def program():
    return ProgramFactory(name="Cloud Guild", slug="cloud-guild", coordinators=[HRFactory()])


def _hr(program):
    return program.coordinators.get()


def test_it_saves_the_persons_choice(client_for, slack):
    ana = UserFactory()
    response = client_for(ana).post("/account/chat/", {"delivery": "slack"})
    assert response.status_code == 302
    assert ChatPreference.objects.get(user=ana).delivery == Delivery.SLACK


def test_it_says_slack_is_off_and_offers_email_only_without_a_token(client_for, settings):
    settings.SLACK_BOT_TOKEN = ""
    ana = UserFactory()
    page = client_for(ana).get("/account/chat/").content.decode()
    assert "Slack is not connected to Tandem yet" in page
    assert 'value="slack"' not in page
    response = client_for(ana).post("/account/chat/", {"delivery": "slack"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not ChatPreference.objects.exists()


def test_it_refuses_a_made_up_choice_without_a_500(client_for, slack):
    ana = UserFactory()
    response = client_for(ana).post("/account/chat/", {"delivery": "pigeon"})
    assert response.status_code == 200
    assert not ChatPreference.objects.exists()


def test_it_connects_a_teams_channel_and_shows_its_address_masked(client_for, program):
    hr = _hr(program)
    response = client_for(hr).post("/programs/cloud-guild/teams/", {"webhook_url": HOOK})
    assert response.status_code == 302
    channel = TeamsChannel.objects.get(program=program)
    assert (channel.webhook_url, channel.set_by) == (HOOK, hr)
    page = client_for(hr).get("/programs/cloud-guild/teams/").content.decode()
    assert "Connected" in page and HOOK not in page and "abc123secret" not in page
    event = AuditEvent.objects.get(action="chat.teams_channel_set")
    assert "abc123secret" not in str(event.payload)


def test_it_refuses_a_webhook_address_that_is_not_https(client_for, program, settings):
    settings.CHAT_ALLOW_PRIVATE_ADDRESSES = False
    response = client_for(_hr(program)).post(
        "/programs/cloud-guild/teams/", {"webhook_url": "http://example.com/hook"}
    )
    assert response.status_code == 200
    assert "https://" in response.content.decode()
    assert not TeamsChannel.objects.exists()


def test_it_disconnects_the_channel_after_asking(client_for, program):
    hr = _hr(program)
    TeamsChannel.objects.create(program=program, webhook_url=HOOK)
    page = client_for(hr).get("/programs/cloud-guild/teams/").content.decode()
    assert "data-confirm=" in page
    response = client_for(hr).post("/programs/cloud-guild/teams/clear/")
    assert response.status_code == 302
    assert not TeamsChannel.objects.exists()


def test_it_refuses_the_teams_page_to_an_hr_coordinator_of_another_program(client_for, program):
    other_hr = HRFactory()
    TeamsChannel.objects.create(program=program, webhook_url=HOOK)
    client = client_for(other_hr)
    assert client.get("/programs/cloud-guild/teams/").status_code == 403
    assert (
        client.post("/programs/cloud-guild/teams/", {"webhook_url": HOOK + "x"}).status_code == 403
    )
    assert client.post("/programs/cloud-guild/teams/clear/").status_code == 403
    assert TeamsChannel.objects.get().webhook_url == HOOK


def test_it_links_the_teams_page_from_the_manage_page(client_for, program):
    page = client_for(_hr(program)).get("/programs/cloud-guild/manage/").content.decode()
    assert "/programs/cloud-guild/teams/" in page
