"""On a phone: someone finds an expert by typing a skill, books a one-off session, and the
expert accepts one of the proposed times."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from experts.models import FlashSession, SessionStatus
from experts.services import expert_profile_save
from outbox.models import OutgoingEmail
from tests import factories
from tests.conftest import login
from tests.experts.conftest import next_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_it_finds_books_and_accepts_a_session_on_a_phone(phone_page, browser, live_server):
    skill = factories.SkillFactory(name="SD-WAN", category="networking")
    expert = factories.UserFactory(email="esme.browser@example.com", full_name="Esme Expert")
    asker = factories.UserFactory(email="asha.browser@example.com", full_name="Asha Asker")
    expert_profile_save(
        user=expert, listed=True, monthly_sessions=2, share_program_skills=True, skills=[skill]
    )
    page = phone_page
    login(page, asker.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("experts:find"))
    page.locator("#id_q").press_sequentially("sd-w")
    page.wait_for_url("**q=sd-w*")  # submitted as you type, no button pressed
    assert fits(page)
    page.get_by_role("link", name="Book a session").click()
    page.wait_for_url(f"**{reverse('experts:book', args=[expert.pk])}*")
    page.fill("#id_note", "Our failover flaps nightly")
    page.fill("#id_option_1", next_month(10, 9).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_option_2", next_month(11, 15).strftime("%Y-%m-%dT%H:%M"))
    assert fits(page)
    page.get_by_role("button", name="Send request").click()
    session = FlashSession.objects.get()
    page.wait_for_url(f"**{session.get_absolute_url()}")
    expect(page.get_by_text("Request sent")).to_be_visible()
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    expert_page = context.new_page()
    login(expert_page, expert.email, factories.PASSWORD)
    expert_page.wait_for_url("**/")
    expert_page.goto(session.get_absolute_url())
    expect(expert_page.get_by_text("Our failover flaps nightly")).to_be_visible()
    assert fits(expert_page)
    expert_page.locator("input[name=when]").nth(1).check()
    expert_page.get_by_role("button", name="Accept").click()
    expert_page.wait_for_load_state()
    expect(expert_page.get_by_text("Accepted:")).to_be_visible()
    context.close()
    session.refresh_from_db()
    assert (session.status, session.scheduled_at) == (SessionStatus.ACCEPTED, next_month(11, 15))
    assert OutgoingEmail.objects.filter(kind="experts.accepted", to=asker.email).count() == 1
