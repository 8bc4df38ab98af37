"""A real Chromium signs in through the test OpenID Connect provider and out again."""

import pytest
from playwright.sync_api import expect

from tests.factories import HRFactory
from tests.sso.idp import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_in_through_the_provider_to_the_role_s_home_page_and_out(oidc, page, live_server):
    HRFactory(email="bob@example.com", full_name="Bob Browser")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with your company account").click()
    page.wait_for_url(oidc.base + "/**")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Hello, Bob Browser"
    expect(page.get_by_role("heading", name="Programs I coordinate")).to_be_visible()
    page.get_by_role("button", name="Bob Browser").click()
    page.get_by_role("button", name="Sign out").click()
    # Tandem's page, then the provider's sign-out, then back to Tandem's sign-in page.
    page.wait_for_url(live_server.url + "/accounts/login/**")
    page.get_by_role("link", name="Sign in with your company account").click()
    page.wait_for_url(oidc.base + "/**")
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
