"""On a phone: the mentee sees a resource suggested for their goal's skill, marks it done, and
it shows as done for them."""

import pytest
from playwright.sync_api import expect

from learning.models import Resource, ResourceCompletion
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_it_marks_a_suggested_resource_done_on_a_phone(phone_page):
    skill = factories.SkillFactory(name="Kubernetes", category="cloud")
    mentee = factories.UserFactory(email="mia.browser@example.com", full_name="Mia Mentee")
    pair = factories.MentorshipFactory(mentee=mentee)
    goal = factories.GoalFactory(mentorship=pair, title="Run the cluster")
    goal.skills.set([skill])
    resource = Resource.objects.create(
        skill=skill,
        title="Kubernetes basics",
        provider="kubernetes.io",
        url="https://kubernetes.io/docs/tutorials/kubernetes-basics/",
        kind="documentation",
        level=1,
    )
    page = phone_page
    login(page, mentee.email, factories.PASSWORD)
    page.wait_for_url("**/")
    page.goto(pair.get_absolute_url())
    item = page.locator(".learning-resource", has_text="Kubernetes basics")
    expect(item).to_be_visible()
    assert fits(page)
    item.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Marked “Kubernetes basics” done.")).to_be_visible()
    expect(
        page.locator(".learning-resource", has_text="done by you").get_by_role(
            "button", name="Not done"
        )
    ).to_be_visible()
    assert fits(page)
    assert ResourceCompletion.objects.filter(resource=resource, user=mentee).exists()
