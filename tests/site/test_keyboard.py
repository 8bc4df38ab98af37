"""Keyboard only: a check-in is logged and a matching run reviewed without touching the mouse.

Each walk starts at the top of the page, skips the navigation with the skip link, then only
presses Tab, Space, arrow keys, Enter and types. The order in which fields get the focus is
recorded and checked, and the result is re-read from the database.
"""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from checkins.models import ActionItem, CheckIn, Pulse
from matching import services
from matching.models import Proposal
from mentorships.models import Mentorship
from tests import factories
from tests.checkins.conftest import ensure_default_templates
from tests.conftest import login
from tests.matching.helpers import mentee, mentor, program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What has the focus, described as a screen reader would name it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const label = el.getAttribute("aria-label")
    || (el.labels && el.labels.length ? el.labels[0].textContent : "")
    || (["BUTTON", "A", "SUMMARY"].includes(el.tagName) ? el.textContent : "")
    || el.name || el.id;
  return `${el.tagName.toLowerCase()}:${label.replace(/\\s+/g, " ").trim()}`;
}"""


def tab_to(page, wanted: str, visited: list[str], limit: int = 60) -> None:
    """Presses Tab until the focused element's description starts with `wanted`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        visited.append(now)
        if now.startswith(wanted):
            return
    raise AssertionError(f"Tab never reached {wanted!r}; the focus went through {visited}")


def skip_the_navigation(page, visited: list[str]) -> None:
    tab_to(page, "a:Skip to the main content", visited, limit=1)
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()


def test_it_logs_a_check_in_with_the_keyboard_only(page, transactional_db):
    ensure_default_templates()
    program_ = factories.ProgramFactory(status="active")
    person = factories.UserFactory(email="keys.mentee@example.com", full_name="Kim Keys")
    pairing = factories.MentorshipFactory(program=program_, mentee=person)
    login(page, person.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("checkins:create", args=[pairing.pk]))
    visited: list[str] = []
    skip_the_navigation(page, visited)

    tab_to(page, "input:Duration", visited)
    page.keyboard.press("Control+A")
    page.keyboard.type("50")
    tab_to(page, "select:Activity", visited)
    page.keyboard.press("ArrowDown")
    tab_to(page, "textarea:Private notes", visited)
    page.keyboard.type("Typed without a mouse.")
    tab_to(page, "input:Action item", visited)
    page.keyboard.type("Practise the keyboard walk")
    tab_to(page, "select:Owner", visited)
    page.keyboard.press("ArrowDown")  # the first person of the pair
    tab_to(page, "textarea:Shared summary", visited)
    page.keyboard.type("Keyboard-only check-in.")
    tab_to(page, "input:", visited)  # the first pulse score of the button group
    assert visited[-1].startswith("input:1"), visited[-1]
    page.keyboard.press("ArrowRight")  # moves to the 2 and chooses it
    page.keyboard.press("ArrowRight")  # the 3
    tab_to(page, "button:Save check-in", visited)
    page.keyboard.press("Enter")
    expect(page.get_by_text("Check-in logged.")).to_be_visible()  # on the check-ins page
    assert reverse("checkins:timeline", args=[pairing.pk]) in page.url

    order = [
        visited.index(next(v for v in visited if v.startswith(name)))
        for name in (
            "input:Duration",
            "select:Activity",
            "textarea:Private notes",
            "textarea:Shared summary",
            "button:Save check-in",
        )
    ]
    assert order == sorted(order), visited
    checkin = CheckIn.objects.get(mentorship=pairing)
    assert checkin.duration_minutes == 50
    assert checkin.shared_summary == "Keyboard-only check-in."
    assert checkin.date == datetime.date.today()
    item = ActionItem.objects.get(checkin=checkin)
    assert item.text == "Practise the keyboard walk" and item.owner_id is not None
    assert Pulse.objects.get(checkin=checkin, user=person).score == 3


def test_it_reviews_and_publishes_a_matching_run_with_the_keyboard_only(page, transactional_db):
    hr = factories.HRFactory(email="hr.keys@example.com")
    prog = program(coordinators=[hr])
    skill = factories.SkillFactory(name="Keyboard skills")
    mentor(prog, {skill: 5})
    learner = mentee(prog, {skill: (1, 4)}, user=factories.UserFactory(full_name="Lee Learner"))
    run = services.matching_run_start(program=prog, by=hr, enqueue=False)
    services.matching_run_execute(run_id=run.pk)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, hr.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(run.get_absolute_url())
    visited: list[str] = []
    skip_the_navigation(page, visited)

    tab_to(page, "input:Select Lee Learner", visited)
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Select Lee Learner")).to_be_checked()
    tab_to(page, "summary:", visited)  # the first reason: Enter unfolds the explanation
    page.keyboard.press("Enter")
    expect(page.locator("[data-testid=explanation]")).to_be_visible()
    tab_to(page, "button:Accept selected", visited)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Publish 1 accepted pair(s)")).to_be_visible()
    assert Proposal.objects.get(run=run, mentee=learner).status == "accepted"

    visited = []
    skip_the_navigation(page, visited)
    tab_to(page, "button:Publish 1 accepted pair(s)", visited)
    page.keyboard.press("Enter")  # the confirmation dialog is accepted
    expect(page.get_by_text("Published:")).to_be_visible()
    assert Mentorship.objects.get(matching_run=run).mentee == learner
    assert Mentorship.objects.get(matching_run=run).status == "active"
