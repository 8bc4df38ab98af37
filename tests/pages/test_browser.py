"""Each role's home to-do list and the mentorship page's first screen, on a phone and a desktop."""

import urllib.request
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from checkins.models import CheckInTemplate
from mentorships.models import Agreement
from reminders.models import AtRiskFlag
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    EnrolmentFactory,
    HRFactory,
    MentorshipFactory,
    ProgramFactory,
    SkillFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(autouse=True)
def _warm(live_server) -> None:
    """The live server's first page loads the URLconf and templates: on a busy machine that
    alone can outlast a browser's 15 s navigation timeout."""
    urllib.request.urlopen(f"{live_server.url}/accounts/login/", timeout=120).read()


def _page(browser, live_server, viewport):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _fits(page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px of horizontal overflow on {page.url}"


def _world():
    hr = HRFactory(full_name="Hana Coordinator")
    program = ProgramFactory(coordinators=[hr], status="active", name="Platform mentoring")
    mentee = UserFactory(full_name="Mia Mentee")
    mentor = UserFactory(full_name="Marco Mentor")
    m = MentorshipFactory(
        program=program,
        mentor=mentor,
        mentee=mentee,
        started_on=date.today() - timedelta(days=12),
    )
    Agreement.objects.create(mentorship=m)
    AtRiskFlag.objects.create(mentorship=m, period_start=date.today())
    boss = UserFactory(full_name="Bea Boss")
    EnrolmentFactory(user=UserFactory(manager=boss), status="pending", program=program)
    return hr, boss, mentee, m


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_leads_each_roles_home_with_a_to_do_list(browser, live_server, viewport):
    hr, boss, mentee, m = _world()
    expected = {
        mentee: f"Log a check-in with {m.mentor}",
        boss: "1 enrolment from your team to approve",
        hr: "1 pairing at risk in Platform mentoring",
    }
    for person, first_text in expected.items():
        context, page = _page(browser, live_server, viewport)
        login(page, person.email, PASSWORD)
        todo = page.get_by_test_id("todo")
        expect(todo.get_by_role("link", name=first_text)).to_be_visible()
        expect(todo.get_by_role("link", name=first_text)).to_be_in_viewport()
        _fits(page)
        context.close()


def test_it_gives_the_participant_a_one_tap_check_in_button(phone_page):
    _, _, mentee, m = _world()
    login(phone_page, mentee.email, PASSWORD)
    item = phone_page.get_by_test_id("todo-item").filter(has_text="Log a check-in with")
    expect(item.get_by_text("due in 2 days")).to_be_visible()
    item.get_by_role("link", name="Log a check-in", exact=True).click()
    expect(phone_page.get_by_role("heading", name="Log a check-in")).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_it_puts_log_a_check_in_on_the_mentorships_first_screen(browser, live_server, viewport):
    _, _, mentee, m = _world()
    context, page = _page(browser, live_server, viewport)
    login(page, mentee.email, PASSWORD)
    page.goto(m.get_absolute_url())
    button = page.get_by_role("link", name="Log a check-in", exact=True)
    expect(button).to_be_visible()
    expect(button).to_be_in_viewport()  # no scrolling needed
    expect(page.get_by_test_id("next-step")).to_contain_text("No meeting set yet")
    expectations = page.locator("details#expectations")
    if viewport is PHONE:
        expect(expectations).not_to_have_attribute("open", "")
        expectations.locator("summary").click()
    expect(expectations).to_have_attribute("open", "")
    _fits(page)
    context.close()


def test_it_applies_a_check_in_template_when_chosen(phone_page):
    _, _, mentee, m = _world()
    CheckInTemplate.objects.create(name="Weekly 1:1", agenda="1. Wins\n2. Blockers")
    login(phone_page, mentee.email, PASSWORD)
    phone_page.goto(f"/checkins/mentorship/{m.pk}/new/")
    notes = phone_page.locator("#id_private_notes")
    expect(phone_page.get_by_role("button", name="Use template")).to_be_hidden()
    phone_page.select_option("#id_pick_template", label="Weekly 1:1 (default)")
    expect(notes).to_have_value("1. Wins\n2. Blockers")
    phone_page.select_option("#id_pick_template", label="Blank")
    expect(notes).to_have_value("")
    expect(phone_page.locator(".alert-warning")).to_have_count(0)


def test_it_filters_a_long_list_as_you_type(page):
    hr = HRFactory()
    for i in range(53):
        SkillFactory(name=f"Skill number {i:02d}")
    SkillFactory(name="Quokka wrangling")
    m = MentorshipFactory(program=ProgramFactory(coordinators=[hr], status="active"))
    login(page, m.mentee.email, PASSWORD)
    page.goto(f"/mentorships/{m.pk}/goals/new/")
    search = page.get_by_role("searchbox", name="Filter: Skills")
    expect(search).to_be_visible()
    search.fill("quokka wr")
    expect(page.locator("select[name=skills] option:not([hidden])")).to_have_count(1)
    expect(page.locator("select[name=skills] option:not([hidden])")).to_have_text(
        "Quokka wrangling"
    )
