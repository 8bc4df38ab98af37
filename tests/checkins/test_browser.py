"""On a phone: a mentee logs a check-in from a template and ticks an action item; the mentor
sees it on the mentorship page; HR sees only the shared summary."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from checkins.models import ActionItem, CheckIn, Pulse
from tests import factories
from tests.checkins.conftest import ensure_default_templates
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE_MARK = "Private: mentee froze during the page"
SUMMARY = "Debriefed the DNS outage with the troubleshooting checklist."


@pytest.fixture
def people(transactional_db):
    ensure_default_templates()
    hr = factories.HRFactory(email="hr.browser@example.com")
    program = factories.ProgramFactory(status="active", coordinators=[hr])
    mentor = factories.UserFactory(email="mentor.browser@example.com", full_name="Maya Mentor")
    mentee = factories.UserFactory(email="mentee.browser@example.com", full_name="Theo Mentee")
    pairing = factories.MentorshipFactory(program=program, mentor=mentor, mentee=mentee)
    return {"hr": hr, "mentor": mentor, "mentee": mentee, "pairing": pairing}


def test_it_logs_a_check_in_on_a_phone_and_shares_it_correctly(
    phone_page, browser, live_server, people
):
    pairing = people["pairing"]
    page = phone_page
    login(page, people["mentee"].email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("checkins:create", args=[pairing.pk]))
    page.select_option("#id_pick_template", label="Troubleshooting debrief (default)")
    notes = page.locator("#id_private_notes")
    # Applied in place: no reload, no "Use template" round trip.
    expect(notes).to_have_value(re.compile("First point of failure"))
    assert "template=" not in page.url
    notes.fill(notes.input_value() + "\n" + NOTE_MARK)
    page.fill("#id_duration_minutes", "50")
    page.select_option("#id_activity", value="troubleshooting")
    page.fill("#id_items-0-text", "Write the DNS postmortem")
    page.select_option("#id_items-0-owner", value=str(people["mentee"].pk))
    page.fill("#id_shared_summary", SUMMARY)
    page.click("label[for=id_pulse_3]")  # the 4 of the 1–5 button group
    # The whole form fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("input[name=pulse][value='4']").is_checked()
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(f"**{reverse('checkins:timeline', args=[pairing.pk])}")
    expect(page.get_by_text("Check-in logged.")).to_be_visible()
    page.get_by_role("button", name="Tick “Write the DNS postmortem”").click()
    page.wait_for_load_state()
    assert ActionItem.objects.get(text="Write the DNS postmortem").done_at is not None
    checkin = CheckIn.objects.get(mentorship=pairing)
    assert checkin.template.name == "Troubleshooting debrief"
    assert Pulse.objects.get(checkin=checkin, user=people["mentee"]).score == 4

    mentor_ctx = browser.new_context(base_url=live_server.url)
    mentor_page = mentor_ctx.new_page()
    login(mentor_page, people["mentor"].email, factories.PASSWORD)
    mentor_page.wait_for_url("**/")
    mentor_page.goto(reverse("mentorships:detail", args=[pairing.pk]))
    timeline = mentor_page.locator("#checkins")
    assert NOTE_MARK in timeline.inner_text()
    assert "Write the DNS postmortem" in timeline.inner_text()
    assert timeline.locator("[data-action-item][data-done='1']").count() == 1
    assert "Rate this check-in" in timeline.inner_text()  # the mentee's 4 is not shown
    mentor_ctx.close()

    hr_ctx = browser.new_context(base_url=live_server.url)
    hr_page = hr_ctx.new_page()
    login(hr_page, people["hr"].email, factories.PASSWORD)
    hr_page.wait_for_url("**/")
    hr_page.goto(reverse("checkins:hr_summaries", args=[pairing.pk]))
    body = hr_page.locator("main").inner_text()
    assert SUMMARY in body
    assert NOTE_MARK not in hr_page.content()
    assert "First point of failure" not in hr_page.content()
    hr_ctx.close()
