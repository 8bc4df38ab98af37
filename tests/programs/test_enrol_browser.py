"""A mentee enrols from a phone through the real form."""

import pytest
from playwright.sync_api import expect

from programs.models import Enrolment
from tests.conftest import login
from tests.factories import PASSWORD, ProgramFactory, SkillFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_enrols_a_mentee_from_a_phone(phone_page):
    program = ProgramFactory(name="Cloud cohort", status="enrolling")
    SkillFactory(name="Helm charts")
    SkillFactory(name="Terraform modules")
    person = UserFactory(email="phone.mentee@example.com", timezone="Asia/Singapore")
    page = phone_page
    login(page, person.email, PASSWORD)
    page.goto(f"/programs/{program.slug}/")
    page.get_by_role("link", name="Enrol as mentee").click()
    page.select_option("select[name=skills-0-skill]", label="Helm charts")
    page.select_option("select[name=skills-0-level]", "1")
    page.select_option("select[name=skills-0-target_level]", "2")
    page.select_option("select[name=skills-1-skill]", label="Terraform modules")
    page.select_option("select[name=skills-1-level]", "3")
    page.select_option("select[name=skills-1-target_level]", "3")  # not above: refused
    page.select_option("select[name=career_track]", "cloud")
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("The target must be above your current level.")).to_be_visible()
    assert "Asia/Singapore" in page.content()
    page.select_option("select[name=skills-1-target_level]", "5")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url("**/programs/me/enrolments/")
    expect(page.get_by_text("You are enrolled as mentee.")).to_be_visible()
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    enrolment = Enrolment.objects.get(user=person)
    assert sorted(enrolment.skills.values_list("level", "target_level")) == [(1, 2), (3, 5)]


def test_it_adds_a_colleague_to_avoid_by_searching_their_name(phone_page):
    program = ProgramFactory(name="Search cohort", status="enrolling")
    SkillFactory(name="Ansible roles")
    person = UserFactory(email="picker@example.com")
    UserFactory(full_name="Dana Avoidable", email="dana.avoid@example.com")
    page = phone_page
    login(page, person.email, PASSWORD)
    page.goto(f"/programs/{program.slug}/enrol/mentee/")
    page.fill("#avoid-search", "Avoida")
    page.get_by_role("option", name="Dana Avoidable · dana.avoid@example.com").click()
    assert page.input_value("textarea[name=avoid_emails]") == "dana.avoid@example.com"
    page.select_option("select[name=skills-0-skill]", label="Ansible roles")
    page.select_option("select[name=skills-0-level]", "1")
    page.select_option("select[name=skills-0-target_level]", "3")
    page.select_option("select[name=career_track]", "cloud")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url("**/programs/me/enrolments/")
    enrolment = Enrolment.objects.get(user=person)
    assert list(enrolment.avoid.values_list("email", flat=True)) == ["dana.avoid@example.com"]
