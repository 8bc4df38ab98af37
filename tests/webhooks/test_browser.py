"""On a phone: HR registers an endpoint, copies its secret, sends a test event and reads the log;
a mentee sets the next meeting."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from checkins.models import Meeting
from tests import factories
from tests.conftest import login
from webhooks.models import Endpoint

from .receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_hr_registers_an_endpoint_and_sends_a_test_event_on_a_phone(phone_page, live_server):
    hr = factories.HRFactory(email="hr.hooks@example.com")
    program = factories.ProgramFactory(name="Cloud guild", coordinators=[hr])
    receiver = Receiver().start()
    try:
        page = phone_page
        login(page, hr.email, factories.PASSWORD)
        page.wait_for_url("**/")
        page.goto(reverse("webhooks:index"))
        expect(page.get_by_text("No endpoints yet.")).to_be_visible()
        page.get_by_role("link", name="Add an endpoint").click()
        page.select_option("#id_program", value=str(program.pk))
        page.fill("#id_url", receiver.url)
        page.get_by_label("Check-in logged (no notes)").check()
        _fits(page)
        page.get_by_role("button", name="Save").click()
        endpoint = Endpoint.objects.get()
        page.wait_for_url(f"**{reverse('webhooks:detail', args=[endpoint.pk])}")
        secret = page.locator("[data-secret]").inner_text()
        assert secret == endpoint.secret
        receiver.secret = secret
        page.get_by_role("button", name="Send test event").click()
        page.wait_for_url(f"**{reverse('webhooks:detail', args=[endpoint.pk])}")
        # No broker in the test server: the task ran after the commit, in its process.
        page.reload()
        expect(page.locator("[data-delivery]").first.get_by_text("Delivered")).to_be_visible()
        _fits(page)
        [got] = receiver.received
        assert got.valid_signature and got.json["type"] == "ping"
    finally:
        receiver.stop()


def test_a_mentee_sets_the_next_meeting_on_a_phone(phone_page, live_server):
    pairing = factories.MentorshipFactory(
        mentee=factories.UserFactory(email="mentee.meet@example.com", timezone="Europe/Berlin")
    )
    page = phone_page
    login(page, pairing.mentee.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("checkins:meeting", args=[pairing.pk]))
    day = date.today() + timedelta(days=30)
    page.fill("#id_date", day.isoformat())
    page.fill("#id_time", "14:30")
    _fits(page)
    page.get_by_role("button", name="Set the meeting").click()
    page.wait_for_url(f"**{reverse('checkins:meeting', args=[pairing.pk])}")
    expect(page.get_by_text(f"{day:%A} {day.day} {day:%B %Y}, 14:30")).to_be_visible()
    assert Meeting.objects.get().time_zone == "Europe/Berlin"
