"""HR imports people then enrolments through the real pages: one bad row shown, then fixed."""

import pytest
from playwright.sync_api import expect

from imports.models import BatchStatus, ImportBatch
from people.models import User
from programs.models import Enrolment
from tests.conftest import login
from tests.factories import PASSWORD, HRFactory, ProgramFactory, SkillFactory
from tests.imports.helpers import enrolment, enrolments_csv, people_csv, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, name: str, content: str) -> None:
    page.set_input_files(
        "input[name=file]", {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Check the file").click()


def test_it_imports_people_and_enrolments_after_fixing_a_bad_row(page):
    hr = HRFactory(email="hr.browser@example.com")
    program = ProgramFactory(name="Cloud cohort", coordinators=[hr])
    SkillFactory(name="Kubernetes")
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompt
    login(page, hr.email, PASSWORD)
    page.goto("/imports/")
    page.get_by_role("link", name="Import people").click()

    bad = people_csv(
        person("lead@example.com"), person("dev@example.com", manager_email="nobody@example.com")
    )
    upload(page, "people.csv", bad)
    report = page.locator("#validation-report")
    assert "No one with the email nobody@example.com" in report.inner_text()
    assert report.locator("tbody tr td").first.inner_text() == "3"

    page.goto("/imports/people/")
    good = people_csv(
        person("lead@example.com"), person("dev@example.com", manager_email="lead@example.com")
    )
    upload(page, "people.csv", good)
    assert page.locator("#count-create").inner_text() == "2"
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Imported: 2 created")).to_be_visible()
    assert User.objects.get(email="dev@example.com").manager.email == "lead@example.com"

    page.goto(f"/imports/enrolments/{program.slug}/")
    upload(
        page,
        "enrolments.csv",
        enrolments_csv(
            enrolment("lead@example.com", role="mentor", skills="Kubernetes:5"),
            enrolment("dev@example.com", skills="Kubernetes:3>2"),
        ),
    )
    assert "target (2) must be above" in page.locator("#validation-report").inner_text()
    page.goto(f"/imports/enrolments/{program.slug}/")
    upload(
        page,
        "enrolments.csv",
        enrolments_csv(
            enrolment("lead@example.com", role="mentor", skills="Kubernetes:5"),
            enrolment("dev@example.com", skills="Kubernetes:2>4"),
        ),
    )
    page.get_by_role("button", name="Confirm import").click()
    expect(page.get_by_text("Imported: 2 created")).to_be_visible()
    assert Enrolment.objects.filter(program=program).count() == 2
    assert ImportBatch.objects.filter(status=BatchStatus.APPLIED).count() == 2
    page.goto("/imports/")
    assert page.locator("table tbody tr").count() == 4
