"""A hybrid program in a real browser: a mentee self-matches on a phone, the mentor accepts;
HR closes self-match and the solver matches the rest."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import MatchingRun
from mentorships.models import Mentorship
from selfmatch.models import Mode
from tests import factories
from tests.conftest import login
from tests.factories import PASSWORD

from .helpers import mentee, mentor, selfmatch_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_mentee_self_matches_on_a_phone_and_hr_matches_the_rest(page, browser, live_server):
    skill = factories.SkillFactory(name="Terraform")
    prog, hr = selfmatch_program(
        mode=Mode.HYBRID, closes_on=timezone.localdate() + timedelta(days=7)
    )
    chosen = mentor(
        prog, {skill: 5}, capacity=1, user=factories.UserFactory(full_name="Ada Chosen")
    )
    other = mentor(prog, {skill: 4}, capacity=2, user=factories.UserFactory(full_name="Bo Other"))
    me = mentee(prog, {skill: (1, 4)})
    rest = [mentee(prog, {skill: (1, 4)}) for _ in range(2)]

    # The mentee, on a phone: home page, ranked mentors, asks Ada first with a note.
    context, phone = _phone(browser, live_server)
    login(phone, me.email, PASSWORD)
    phone.get_by_role("link", name=f"Choose your mentor in {prog.name}").click()
    phone.locator("[data-testid=mentor-option]").first.wait_for()
    assert "Ada Chosen" in phone.locator("[data-testid=mentor-option]").first.inner_text()
    _fits(phone)
    phone.get_by_role("link", name="Ask Ada Chosen first").click()
    phone.select_option("select[name=second]", str(other.pk))
    phone.fill("textarea[name=note]", "I want to learn Terraform modules")
    phone.get_by_role("button", name="Send my request").click()
    phone.locator("[data-testid=my-request]").wait_for()
    assert "Waiting for an answer" in phone.locator("[data-testid=my-request]").inner_text()
    _fits(phone)
    context.close()

    # The mentor, on a phone too: the request is on the home page; they accept.
    context, phone = _phone(browser, live_server)
    login(phone, chosen.email, PASSWORD)
    phone.get_by_role("link", name="1 mentee asked you to mentor them").click()
    phone.locator("[data-testid=waiting-request]").click()
    assert "Terraform modules" in phone.locator("[data-testid=note]").inner_text()
    _fits(phone)
    phone.get_by_role("button", name="Accept").click()
    phone.get_by_text("You are now").wait_for()
    context.close()
    assert Mentorship.objects.get(mentee=me).mentor == chosen

    # HR closes self-match: a run for those left proposes the others with Bo; HR publishes.
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, hr.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/selfmatch/programs/{prog.slug}/requests/")
    page.get_by_role("button", name=re.compile("Close self-match now")).click()
    page.wait_for_url(re.compile(r"/matching/runs/\d+/$"))
    page.get_by_role("heading", name="Proposals").wait_for()
    run = MatchingRun.objects.get(program=prog)
    assert run.status == "succeeded" and run.matched_count == 2
    page.get_by_role("button", name=re.compile("Accept all")).click()
    page.get_by_text("as proposed mentorships").wait_for()
    page.get_by_role("button", name=re.compile("Publish")).click()
    page.get_by_text("Published:").wait_for()
    for person in rest:
        assert Mentorship.objects.get(mentee=person, status="active").mentor == other
    assert Mentorship.objects.get(mentee=me).mentor == chosen
