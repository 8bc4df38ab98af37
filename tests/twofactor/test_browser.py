"""HR sets up an authenticator app in a real Chromium, then signs in again with a code."""

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from people.demo import DEMO_PASSWORD
from tests.conftest import login
from tests.twofactor.helpers import code_for, code_from_secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HR = "hr@tandem.example"


def test_it_sets_up_an_app_as_hr_and_signs_in_with_a_code(page, settings):
    settings.TWO_FACTOR_REQUIRED = True
    call_command("seed_demo")
    login(page, HR, DEMO_PASSWORD)
    page.wait_for_url("**/account/two-factor/setup/**")
    expect(page.locator("svg.twofactor-qr")).to_be_visible()
    secret = page.locator("#twofactor-secret").inner_text()
    # The code of the previous time step (an app runs a little behind): the current one stays
    # unused for the sign-in below.
    page.fill("input[name=code]", code_from_secret(secret, steps=-1))
    page.click("button:has-text('Turn on')")
    page.wait_for_url("**/account/two-factor/recovery-codes/**")
    codes = page.locator("[aria-label='Recovery codes'] li").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.click("text=Download as a text file")
    assert codes[0] in download.value.path().read_text()
    page.click("button:has-text('I have saved them')")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Programs I coordinate")).to_be_visible()
    page.context.clear_cookies()
    login(page, HR, DEMO_PASSWORD)
    page.wait_for_url("**/account/two-factor/verify/**")
    device = TOTPDevice.objects.get(user__email=HR)
    page.fill("input[name=code]", code_for(device))
    page.click("button:has-text('Continue')")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Programs I coordinate")).to_be_visible()
