"""On a phone: a person picks Slack for their notices; HR connects and disconnects a program's
Teams channel."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from chat.models import ChatPreference, TeamsChannel
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_person_chooses_slack_on_a_phone(settings, phone_page, live_server):
    settings.SLACK_BOT_TOKEN = "xoxb-browser-test"
    ana = factories.UserFactory(email="ana.slack@example.com")
    page = phone_page
    login(page, ana.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("chat:preference"))
    expect(page.get_by_text("Nothing yet.")).to_be_visible()
    page.get_by_label("Email and Slack").check()
    _fits(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: your notices go where you chose.")).to_be_visible()
    assert ChatPreference.objects.get(user=ana).delivery == "both"
    _fits(page)


def test_hr_connects_and_disconnects_a_teams_channel_on_a_phone(phone_page, live_server, teams):
    hr = factories.HRFactory(email="hr.teams@example.com")
    program = factories.ProgramFactory(name="Cloud guild", slug="cloud-guild", coordinators=[hr])
    page = phone_page
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, hr.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("programs:manage", args=[program.slug]))
    page.get_by_role("link", name="Teams channel").click()
    expect(page.get_by_text("No Teams channel yet.")).to_be_visible()
    page.fill("#id_webhook_url", teams.url())
    _fits(page)
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_text("Teams channel connected")).to_be_visible()
    expect(page.get_by_test_id("masked-url")).to_be_visible()
    assert TeamsChannel.objects.get(program=program).webhook_url == teams.url()
    _fits(page)
    page.get_by_role("button", name="Disconnect").click()
    expect(page.get_by_text("Teams channel disconnected.")).to_be_visible()
    assert not TeamsChannel.objects.exists()
