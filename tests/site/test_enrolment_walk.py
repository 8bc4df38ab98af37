"""Issue 3's walk in one browser: import, enrol, pair by hand, goal and milestone."""

import pytest
from playwright.sync_api import expect

from mentorships.models import Mentorship, Milestone
from people.models import User
from tests.conftest import login
from tests.factories import PASSWORD, HRFactory, ProgramFactory, SkillFactory
from tests.imports.helpers import enrolment, enrolments_csv, people_csv, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, name: str, content: str) -> None:
    page.set_input_files(
        "input[name=file]", {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Check the file").click()


def hr_imports_people_and_a_mentor(page, program) -> None:
    page.goto("/imports/people/")
    upload(
        page,
        "people.csv",
        people_csv(
            person("lead@example.com"),
            person("dev@example.com", manager_email="nobody@example.com"),
        ),
    )
    assert "nobody@example.com" in page.locator("#validation-report").inner_text()
    page.goto("/imports/people/")
    upload(
        page,
        "people.csv",
        people_csv(
            person("lead@example.com"),
            person("dev@example.com", manager_email="lead@example.com"),
            person("sage@example.com", full_name="Sage Mentor"),
        ),
    )
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Imported: 3 created")).to_be_visible()
    page.goto(f"/imports/enrolments/{program.slug}/")
    upload(
        page,
        "enrolments.csv",
        enrolments_csv(
            enrolment("sage@example.com", role="mentor", skills="Kubernetes:5", capacity="2"),
        ),
    )
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Imported: 1 created")).to_be_visible()


def mentee_enrols(page, program) -> None:
    page.goto(f"/programs/{program.slug}/")
    page.get_by_role("link", name="Enrol as mentee").click()
    page.select_option("select[name=skills-0-skill]", label="Kubernetes")
    page.select_option("select[name=skills-0-level]", "2")
    page.select_option("select[name=skills-0-target_level]", "4")
    page.select_option("select[name=career_track]", "cloud")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url("**/programs/me/enrolments/")


def hr_pairs_by_hand(page, program) -> None:
    page.goto(f"/mentorships/program/{program.slug}/new/")
    page.select_option("select[name=mentor]", index=1)
    page.select_option(
        "select[name=mentee]", label="Dev · dev@example.com"
    )  # same names told apart
    page.get_by_role("button", name="Create pairing").click()
    page.wait_for_url(f"**/mentorships/program/{program.slug}/**")


def mentee_adds_a_goal_and_ticks_a_milestone(page, mentorship) -> None:
    page.goto(mentorship.get_absolute_url())
    page.click("text=Add a goal")
    page.fill("input[name=title]", "Run a Kubernetes upgrade")
    page.select_option("select[name=skills]", label="Kubernetes")
    page.click("button:has-text('Save goal')")
    page.wait_for_selector("text=Milestones for")
    page.fill("input[name='ms-0-title']", "Upgrade the staging cluster")
    page.click("button:has-text('Add milestones')")
    page.wait_for_selector("text=milestone(s) added")
    page.click("button:has-text('Mark done') >> nth=0")
    page.wait_for_selector("text=is done")


def test_it_walks_from_csv_import_to_a_ticked_milestone(browser, live_server):
    hr = HRFactory(email="walk.hr@example.com")
    program = ProgramFactory(name="Platform onboarding", status="enrolling", coordinators=[hr])
    SkillFactory(name="Kubernetes", category="devops")
    hr_context = browser.new_context(base_url=live_server.url)
    hr_page = hr_context.new_page()
    hr_page.on("dialog", lambda dialog: dialog.accept())
    login(hr_page, hr.email, PASSWORD)
    hr_imports_people_and_a_mentor(hr_page, program)

    dev = User.objects.get(email="dev@example.com")
    dev.set_password(PASSWORD)  # as if they had used the password-reset email
    dev.save()
    mentee_context = browser.new_context(base_url=live_server.url)
    mentee_page = mentee_context.new_page()
    mentee_page.on("dialog", lambda dialog: dialog.accept())
    login(mentee_page, dev.email, PASSWORD)
    mentee_enrols(mentee_page, program)

    hr_pairs_by_hand(hr_page, program)
    mentorship = Mentorship.objects.get(program=program, mentee=dev)
    assert mentorship.mentor.email == "sage@example.com" and mentorship.status == "active"

    mentee_adds_a_goal_and_ticks_a_milestone(mentee_page, mentorship)
    assert Milestone.objects.filter(goal__mentorship=mentorship, done_at__isnull=False).count() == 1
    hr_context.close()
    mentee_context.close()
