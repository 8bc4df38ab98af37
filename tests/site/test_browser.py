"""Each demo role signs in through a real Chromium and lands on its home page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from people.demo import DEMO_PASSWORD
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_MARKERS = {
    "hr@tandem.example": "Programs I coordinate",
    "manager@tandem.example": "My team",
    "mentor@tandem.example": "My mentorships",
    "mentee@tandem.example": "My mentorships",
}


@pytest.mark.parametrize("email", list(HOME_MARKERS))
def test_it_signs_in_each_demo_role_to_its_home_page(page, email):
    call_command("seed_demo")
    login(page, email, DEMO_PASSWORD)
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text().startswith("Hello")
    expect(page.get_by_role("heading", name=HOME_MARKERS[email])).to_be_visible()


def test_it_shows_the_navigation_collapsed_on_a_phone(phone_page):
    call_command("seed_demo")
    login(phone_page, "mentee@tandem.example", DEMO_PASSWORD)
    phone_page.wait_for_url("**/")
    toggler = phone_page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(phone_page.get_by_role("link", name="Join a program")).to_be_visible()
