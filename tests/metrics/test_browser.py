"""The demo manager's dashboard in a real browser, and HR exports (one table, the zip on a
phone)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from checkins.models import CheckIn
from mentorships.models import Goal
from people.demo import DEMO_PASSWORD
from people.models import User
from people.selectors import subtree_ids
from programs.models import Enrolment
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_shows_the_demo_manager_charts_and_tables_without_private_data(
    page, live_server
) -> None:
    call_command("seed_demo")
    manager = User.objects.get(email="manager@tandem.example")
    team = subtree_ids(manager)
    private = [u.full_name for u in User.objects.filter(pk__in=team)]
    private += [t for t in Goal.objects.values_list("title", flat=True) if t]
    private += [t for t in Enrolment.objects.values_list("career_goal", flat=True) if t]
    private += [t for t in CheckIn.objects.values_list("private_notes", flat=True) if t]
    login(page, "manager@tandem.example", DEMO_PASSWORD)
    page.goto("/metrics/team/")
    assert page.locator("h1").inner_text() == "Team dashboard"
    assert page.locator("svg.metrics-chart").count() >= 3
    assert page.locator("table.metrics-table caption").count() >= 3
    assert page.locator("#metric-retention td", has_text="%").count() >= 1
    text = page.locator("main").inner_text()
    assert not [p for p in private if p in text]


def test_it_lets_hr_export_a_dashboard_csv(page, live_server, tmp_path) -> None:
    call_command("seed_demo")
    login(page, "hr@tandem.example", DEMO_PASSWORD)
    page.goto("/metrics/")
    with page.expect_download() as info:
        page.locator("#metric-retention a", has_text="Retention (CSV)").click()
    target = tmp_path / "retention.csv"
    info.value.save_as(target)
    assert info.value.suggested_filename.endswith(".csv")
    assert (
        target.read_text(encoding="utf-8").splitlines()[0]
        == "months,group,retained_percent,people,suppressed"
    )


def test_it_lets_hr_download_every_table_as_a_zip_on_a_phone(
    phone_page, live_server, tmp_path
) -> None:
    import zipfile

    call_command("seed_demo")
    login(phone_page, "hr@tandem.example", DEMO_PASSWORD)
    phone_page.goto("/metrics/")
    expect(phone_page.locator("#metric-supply a", has_text="Supply skills (CSV)")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    with phone_page.expect_download() as info:
        phone_page.locator("a", has_text="Download all tables (zip)").click()
    target = tmp_path / "dashboard.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        assert {"README.txt", "retention.csv", "supply_skills.csv"} <= set(archive.namelist())
        assert archive.read("retention.csv").decode().startswith("months,group,retained_percent,")
