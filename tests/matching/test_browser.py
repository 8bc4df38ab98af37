"""HR runs the matcher on the demo program in a real browser: start, watch, review, swap,
accept, publish."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from matching import services
from matching.models import MatchingRun, Proposal
from mentorships.models import Mentorship
from people.demo import DEMO_PASSWORD
from programs.models import Program
from tests import factories
from tests.conftest import login

from .helpers import mentee, mentor, program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_runs_reviews_swaps_accepts_and_publishes_on_the_demo_program(page, live_server):
    call_command("seed_demo")
    prog = Program.objects.get(slug="cloud-upskilling")
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "hr@tandem.example", DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.goto(reverse("programs:manage", args=[prog.slug]))
    page.get_by_role("button", name="Start a matching run").click()
    page.wait_for_url(re.compile(r"/matching/runs/\d+/$"))
    # The run page polls until the run is done, then reloads into the result.
    page.get_by_role("heading", name="Proposals").wait_for()
    run = MatchingRun.objects.get(program=prog)
    assert run.status == "succeeded" and run.matched_count > 0

    first = page.locator("[data-testid=proposal]").first
    first.locator("summary").click()
    explanation = first.locator("[data-testid=explanation]")
    assert "offers" in explanation.inner_text()

    first.get_by_role("link", name="Swap mentor").click()
    page.wait_for_url("**/swap/")
    page.get_by_role("button", name="Swap").click()
    page.get_by_text("is now proposed with").wait_for()
    assert Proposal.objects.filter(run=run, swapped=True).count() == 1

    page.get_by_role("button", name=re.compile("Accept all")).click()
    page.get_by_text("as proposed mentorships").wait_for()  # accepted by the (eager) worker
    page.get_by_role("button", name=re.compile("Publish")).click()
    page.get_by_text("Published:").wait_for()
    assert Mentorship.objects.filter(matching_run=run, status="active").count() == run.matched_count


def test_it_reloads_into_the_result_when_the_run_finishes(page, live_server):
    hr = factories.HRFactory(email="hr.poll@example.com")
    prog = program(coordinators=[hr])
    skill = factories.SkillFactory(name="Ansible")
    mentor(prog, {skill: 5})
    mentee(prog, {skill: (1, 4)})
    run = services.matching_run_start(program=prog, by=hr, enqueue=False)
    login(page, hr.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(run.get_absolute_url())
    page.get_by_role("heading", name="Progress").wait_for()
    services.matching_run_execute(run_id=run.pk)
    page.get_by_role("heading", name="Proposals").wait_for()
    assert page.get_by_role("heading", name="Progress").count() == 0


def test_it_rejects_and_matches_those_left_on_a_phone(phone_page, live_server):
    hr = factories.HRFactory(email="hr.phone@example.com")
    prog = program(coordinators=[hr])
    skill = factories.SkillFactory(name="Terraform")
    mentors = {mentor(prog, {skill: 5}, capacity=1).pk, mentor(prog, {skill: 4}, capacity=1).pk}
    learner = mentee(prog, {skill: (1, 4)})
    run = services.matching_run_start(program=prog, by=hr, enqueue=False)
    services.matching_run_execute(run_id=run.pk)
    (second,) = mentors - {run.proposals.get().mentor_id}
    page = phone_page
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, hr.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(run.get_absolute_url())
    page.locator("[data-testid=proposal] input[type=checkbox]").check()
    page.get_by_role("button", name="Reject selected").click()
    page.get_by_text("proposal rejected by HR").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    button = page.get_by_role("button", name="Match those left (1)")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_url(re.compile(r"/matching/runs/\d+/$"))
    page.get_by_role("heading", name="Proposals").wait_for()
    again = MatchingRun.objects.exclude(pk=run.pk).get(program=prog)
    assert again.remaining_only and page.url.endswith(again.get_absolute_url())
    assert list(again.proposals.values_list("mentee_id", "mentor_id")) == [(learner.pk, second)]
    expect(page.get_by_text("Nobody is left to match")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
