import pytest

from feedback.models import SurveyAnswer
from tests.conftest import login
from tests.factories import PASSWORD
from tests.feedback.factories import invite, sent_survey


@pytest.mark.browser
def test_it_lets_an_invitee_answer_on_a_phone(phone_page, program, pair) -> None:
    invitation = invite(sent_survey(program), user=pair.mentee)
    login(phone_page, pair.mentee.email, PASSWORD)
    phone_page.goto(f"/feedback/invitation/{invitation.pk}/")
    phone_page.click("main button[type=submit]")
    assert phone_page.locator(".invalid-feedback").count() == 3
    for fieldset in phone_page.locator("fieldset").all():
        fieldset.locator("label", has_text="4").click()
    phone_page.fill("main textarea", "Helpful on a phone too")
    phone_page.click("main button[type=submit]")
    phone_page.wait_for_selector("text=Thank you")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert SurveyAnswer.objects.filter(text="Helpful on a phone too").exists()
