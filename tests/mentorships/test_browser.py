"""A mentee adds a goal with suggested milestones and ticks one off, on a phone."""

import pytest

from mentorships import services
from mentorships.models import Milestone
from tests import factories
from tests.conftest import login
from tests.factories import PASSWORD
from tests.mentorships.conftest import enrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_walks_goal_and_milestones_on_a_phone(phone_page):
    hr = factories.HRFactory()
    program = factories.ProgramFactory(
        status="active", coordinators=[hr], milestone_cadence="monthly"
    )
    factories.SkillFactory(name="Site reliability engineering", category="devops")
    mentee = enrol(program)
    m = services.mentorship_create(
        program=program, mentor=enrol(program, role="mentor"), mentee=mentee, by=hr
    )
    page = phone_page
    login(page, mentee.email, PASSWORD)
    page.goto("/mentorships/")
    page.click(f"a[href='{m.get_absolute_url()}']")
    page.click("text=Add a goal")
    page.fill("input[name=title]", "Run the on-call rotation solo")
    page.select_option("select[name=skills]", label="Site reliability engineering")
    page.click("button:has-text('Save goal')")
    page.wait_for_selector("text=Milestones for")
    page.fill("input[name='ms-0-title']", "Shadow two on-call shifts")
    page.click("button:has-text('Add milestones')")
    page.wait_for_selector("text=milestone(s) added")
    page.click("button:has-text('Mark done') >> nth=0")
    page.wait_for_selector("text=is done")
    page.screenshot(path="/tmp/mentorship_phone.png", full_page=True)
    assert Milestone.objects.filter(
        title="Shadow two on-call shifts", done_at__isnull=False
    ).exists()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
