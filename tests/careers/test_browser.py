"""HR loads the starter roles; a mentee picks "Cloud operations engineer", accepts the proposed
goals and logs evidence for a checklist item; the mentor confirms; the dashboard shows the
progress toward target roles."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from careers.models import Evidence, WorkRole
from careers.services import target_role_set
from mentorships.models import Goal
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM = "Rotates a leaked credential without downtime"


def test_it_goes_from_the_starter_roles_to_confirmed_evidence_and_the_dashboard(
    page, browser, live_server
):
    hr = factories.HRFactory(email="hr.browser@example.com")
    program = factories.ProgramFactory(
        status="active",
        coordinators=[hr],
        start_date=date.today() - timedelta(days=10),
        end_date=date.today() + timedelta(days=200),
    )
    mentor = factories.UserFactory(email="mentor.browser@example.com", full_name="Mo Mentor")
    mentee = factories.UserFactory(email="mentee.browser@example.com", full_name="Mia Mentee")
    factories.EnrolmentFactory(program=program, user=mentor, role="mentor")
    factories.EnrolmentFactory(program=program, user=mentee, role="mentee")
    pair = factories.MentorshipFactory(
        program=program, mentor=mentor, mentee=mentee, started_on=date.today()
    )

    # HR loads the starter roles, after confirming. (The live server's first answer can be
    # slow on a loaded machine: it is waited for once, generously.)
    page.goto("/accounts/login/", timeout=120_000)
    login(page, hr.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("careers:roles"))
    page.get_by_role("link", name="Load the starter roles").first.click()
    page.get_by_role("button", name="Load the starter roles").click()
    expect(page.get_by_text("Starter roles loaded")).to_be_visible()
    expect(page.get_by_role("link", name="Cloud operations engineer")).to_be_visible()

    # The mentee picks the target role and accepts the proposed goals.
    mentee_context = browser.new_context(base_url=live_server.url)
    mp = mentee_context.new_page()
    login(mp, mentee.email, factories.PASSWORD)
    mp.wait_for_url("**/")
    mp.goto(pair.get_absolute_url())
    mp.get_by_role("link", name="Career plan: target role and gap").click()
    mp.get_by_role("combobox", name="Target role", exact=True).select_option(
        label="Cloud operations engineer"
    )
    mp.get_by_role("button", name="Set the target").click()
    expect(mp.get_by_text("0 of 7 required skills met.")).to_be_visible()
    mp.get_by_role("button", name="Accept the proposed goals").click()
    expect(mp.get_by_text("7 goal(s) added with their milestones.")).to_be_visible()
    assert Goal.objects.filter(mentorship=pair).count() == 7

    # ...and logs evidence for a checklist item.
    row = mp.locator("li.list-group-item", has_text=ITEM)
    row.locator("summary").click()
    row.get_by_label("Link").fill("https://wiki.example.com/key-rotation")
    row.get_by_role("button", name="Log evidence for").click()
    expect(mp.get_by_text("Evidence logged.")).to_be_visible()
    mentee_context.close()

    # The mentor confirms it.
    mentor_context = browser.new_context(base_url=live_server.url)
    tp = mentor_context.new_page()
    login(tp, mentor.email, factories.PASSWORD)
    tp.wait_for_url("**/")
    tp.goto(reverse("careers:plan", args=[pair.pk]))
    tp.get_by_role("button", name="Confirm “Rotates a leaked").click()
    expect(tp.get_by_text("Evidence confirmed.")).to_be_visible()
    mentor_context.close()
    assert Evidence.objects.get().confirmed_by == mentor

    # With two more mentees working towards roles, the dashboard shows the progress.
    role = WorkRole.objects.get(title="Cloud operations engineer")
    for _ in range(2):
        enrolment = factories.EnrolmentFactory(program=program, role="mentee")
        target_role_set(enrolment=enrolment, role=role, by=enrolment.user)
    page.goto(reverse("metrics:program", args=[program.slug]))
    expect(page.get_by_role("heading", name="Progress toward target roles")).to_be_visible()
    section = page.locator("section", has_text="Progress toward target roles")
    expect(section.get_by_role("cell", name="3", exact=True).first).to_be_visible()
