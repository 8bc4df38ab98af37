"""HR pages on any screen: at 390 px (phone) and 1280 px (desktop) the pairings list, health
board, matching review and runs, enrolment lists, audit log and every dashboard have no
horizontal overflow, every action is visible on screen, and chart labels are not cut."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from matching import services as matching
from mentorships.models import Mentorship
from people.demo import DEMO_PASSWORD
from people.models import User
from programs.models import Program
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}

# Anything a person acts on, and every label drawn in a chart, must sit inside the window:
# nothing left in a sideways-scrolling table or outside a chart's drawing area.
OFF_SCREEN = """() => {
  const out = [];
  const width = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll(
      'main a.btn, main button, main summary, main input, main select, main td, main tbody th')) {
    const box = el.getBoundingClientRect();
    if (!box.width || el.closest('thead')) continue;
    if (box.right > width + 1 || box.left < -1) {
      out.push(el.tagName + ': ' + el.textContent.trim().slice(0, 40));
    }
  }
  for (const svg of document.querySelectorAll('svg.metrics-chart')) {
    const drawn = svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      const box = text.getBBox();
      if (box.x < -0.5 || box.x + box.width > drawn + 0.5) {
        out.push('chart label: ' + text.textContent);
      }
    }
  }
  for (const scroller of document.querySelectorAll('main .table-responsive')) {
    if (scroller.scrollWidth > scroller.clientWidth + 1) out.push('table scrolls sideways');
  }
  return out;
}"""


@pytest.fixture
def screen(request, browser, live_server):
    """A browser page of the width the test is parametrized with."""
    width, height = WIDTHS[request.param]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        is_mobile=width < 500,
        has_touch=width < 500,
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _seed() -> dict[str, str]:
    call_command("seed_demo")
    hr = User.objects.get(email="hr@tandem.example")
    User.objects.filter(pk=hr.pk).update(can_view_leadership=True)
    guild = Program.objects.get(slug="platform-guild")
    run = matching.matching_run_start(program=guild, by=hr, enqueue=False)
    matching.matching_run_execute(run_id=run.pk)
    mentor = User.objects.get(email="mentor@tandem.example")
    pairing = Mentorship.objects.filter(program__slug="onboarding-2026").first()
    return {"run": str(run.pk), "mentor": str(mentor.pk), "pairing": str(pairing.pk)}


def _fits(page, url: str, actions: list[tuple[str, str]]) -> None:
    """The page fits the window and each (role, name) action is visible inside it."""
    response = page.goto(url)
    assert response.status == 200, url
    for role, name in actions:
        action = page.get_by_role(role, name=re.compile(name)).first
        expect(action).to_be_visible()
        box = action.bounding_box()
        width = page.viewport_size["width"]
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (url, name, box)
    sizes = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1], (url, sizes)
    assert page.evaluate(OFF_SCREEN) == [], url


@pytest.mark.parametrize("screen", list(WIDTHS), indirect=True)
def test_it_fits_the_hr_pages_on_the_screen_with_every_action_visible(screen):
    ids = _seed()
    login(screen, "hr@tandem.example", DEMO_PASSWORD)
    screen.wait_for_url("**/")
    pages = {
        reverse("mentorships:program_pairings", args=["onboarding-2026"]): [
            ("link", "^Pair by hand$"),
            ("link", "^Open$"),
        ],
        reverse("programs:manage", args=["onboarding-2026"]): [
            ("link", "^All enrolments and filters$")
        ],
        reverse("checkins:hr_summaries", args=[ids["pairing"]]): [],
        reverse("checkins:health_board", args=["onboarding-2026"]): [
            ("button", "^Nudge$"),
            ("link", "^Reset$"),
        ],
        reverse("matching:run", args=[ids["run"]]): [
            ("button", "^Accept selected$"),
            ("button", "^Accept all"),
            ("button", "^Reject selected$"),
            ("link", "^Swap mentor$"),
            ("checkbox", "^Select "),
        ],
        reverse("matching:runs", args=["platform-guild"]): [("link", f"^#{ids['run']}$")],
        reverse("programs:enrolments", args=["platform-guild"]): [("button", "^Filter$")],
        reverse("audit:program_log", args=["onboarding-2026"]): [],
        reverse("metrics:hr"): [("button", "^Apply$"), ("link", "^Download all tables")],
        reverse("metrics:program", args=["onboarding-2026"]): [("button", "^Apply$")],
        reverse("metrics:leadership"): [("button", "^Apply$")],
        reverse("checkins:mentor_stats", args=[ids["mentor"]]): [],
    }
    for url, actions in pages.items():
        _fits(screen, url, actions)


@pytest.mark.parametrize("screen", list(WIDTHS), indirect=True)
def test_it_shows_the_why_of_a_proposal_readably(screen):
    ids = _seed()
    login(screen, "hr@tandem.example", DEMO_PASSWORD)
    screen.wait_for_url("**/")
    screen.goto(reverse("matching:run", args=[ids["run"]]))
    first = screen.locator("[data-testid=proposal]").first
    first.locator("summary").click()
    lines = first.locator("[data-testid=explanation] li")
    expect(lines.first).to_be_visible()
    box = lines.last.bounding_box()
    assert box["x"] + box["width"] <= screen.viewport_size["width"]
    # Wide enough to read: not squeezed into a column a few words wide.
    assert box["width"] >= 200


@pytest.mark.parametrize("screen", list(WIDTHS), indirect=True)
def test_it_fits_the_manager_pages_on_the_screen(screen):
    call_command("seed_demo")
    login(screen, "manager@tandem.example", DEMO_PASSWORD)
    screen.wait_for_url("**/")
    _fits(screen, reverse("programs:approvals"), [("link", "^Review$")])
    _fits(screen, reverse("metrics:team"), [("button", "^Apply$")])


def test_it_fills_the_slug_from_the_name_until_it_is_edited(page):
    hr = factories.HRFactory(email="hr.slug@example.com")
    page.goto("/accounts/login/", timeout=60_000)  # a cold live server, on a loaded machine
    login(page, hr.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("programs:create"))
    page.locator("#id_name").fill("Café Leaders 2027")
    slug = page.locator("#id_slug")
    expect(slug).to_have_value("cafe-leaders-2027")
    slug.fill("leaders")
    page.locator("#id_name").fill("Something else")
    expect(slug).to_have_value("leaders")
