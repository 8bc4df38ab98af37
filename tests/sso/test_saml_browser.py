"""A person signs in through SAML in a real Chromium: our sign-in page, the test IdP's form,
the signed answer POSTed back across sites, and the role's home page."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.sso.saml_idp import harness

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
saml_world = harness.saml_world


def test_it_signs_in_through_saml_and_lands_on_the_role_home_page(page, saml_world):
    factories.HRFactory(email="hr@company.example", full_name="Grace Hopper")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with your company account").click()
    page.wait_for_url(f"{saml_world.idp}/sso/redirect?**")
    page.fill("#email", "hr@company.example")
    page.fill("#subject", "idp-grace")
    page.check("#mfa")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{saml_world.site}/")
    assert page.locator("h1").inner_text() == "Hello, Grace Hopper"
    expect(page.get_by_role("heading", name="Programs I coordinate")).to_be_visible()
