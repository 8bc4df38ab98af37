"""The HR journey on the demo, through the pages: import people and enrolments, run matching,
publish, and a participant logs a check-in. Runs in both lanes, so it proves the SQLite
default that `make run` ships with as much as PostgreSQL."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from checkins.models import CheckIn
from matching.models import MatchingRun
from mentorships.models import Mentorship
from people.demo import DEMO_PASSWORD
from people.models import User
from programs.models import Enrolment, Program
from tests.conftest import login
from tests.imports.helpers import enrolment, enrolments_csv, people_csv, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENTEE = "mentee@tandem.example"  # a demo login, so the participant can sign in
SUMMARY = "Walked through our Terraform modules and planned the first lab."


def upload_and_confirm(page, name: str, content: str) -> None:
    page.set_input_files(
        "input[name=file]", {"name": name, "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name="Confirm import").click()


def hr_imports_people_and_enrolments(page, program: Program) -> None:
    page.goto("/imports/")
    page.get_by_role("link", name="Import people").click()
    upload_and_confirm(
        page,
        "people.csv",
        people_csv(
            person(
                "nia.cloud@tandem.example",
                full_name="Nia Cloud",
                job_title="Principal engineer",
                manager_email="manager@tandem.example",
            ),
            person(
                "omar.new@tandem.example",
                full_name="Omar New",
                job_title="Graduate engineer",
                manager_email="manager@tandem.example",
            ),
        ),
    )
    page.get_by_text("Imported: 2 created").wait_for()
    page.goto(f"/imports/enrolments/{program.slug}/")
    upload_and_confirm(
        page,
        "enrolments.csv",
        enrolments_csv(
            enrolment(
                "nia.cloud@tandem.example",
                role="mentor",
                skills="Kubernetes:5;Terraform:5",
                years_experience="15",
                seniority="principal",
                capacity="4",
            ),
            enrolment(
                "omar.new@tandem.example",
                skills="Kubernetes:1>3",
                years_experience="0",
                seniority="junior",
            ),
            enrolment(
                MENTEE,
                skills="Terraform:1>4;Kubernetes:1>4",
                years_experience="1",
                seniority="junior",
            ),
        ),
    )
    page.get_by_text("Imported: 3 created").wait_for()


def hr_matches_and_publishes(page, program: Program) -> MatchingRun:
    page.goto(reverse("programs:manage", args=[program.slug]))
    page.get_by_role("button", name="Start a matching run").click()
    page.wait_for_url(re.compile(r"/matching/runs/\d+/$"))
    page.get_by_role("heading", name="Proposals").wait_for()  # the run page reloads when done
    run = MatchingRun.objects.get(program=program)
    page.get_by_role("button", name=re.compile("Accept all")).click()
    # Accepting runs on the worker (eagerly here); the page says so either way.
    page.get_by_text(
        re.compile("accepted as proposed mentorships|as proposed mentorships; this page")
    ).wait_for()
    page.get_by_role("button", name=re.compile("Publish")).click()
    page.wait_for_load_state()
    # What HR sees once it is done, however the emails go out: the run marked published.
    page.goto(run.get_absolute_url())
    page.locator("h1").get_by_text("Published").wait_for()
    return run


def participant_logs_a_check_in(page, pairing: Mentorship) -> None:
    login(page, MENTEE, DEMO_PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name=f"Mentored by {pairing.mentor}").click()
    page.wait_for_url(f"**{pairing.get_absolute_url()}")
    page.get_by_role("link", name="Log a check-in").click()
    page.fill("#id_duration_minutes", "45")
    page.fill("#id_shared_summary", SUMMARY)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(f"**{reverse('checkins:timeline', args=[pairing.pk])}")
    page.get_by_text("Check-in logged.").wait_for()


def test_it_walks_hr_from_import_to_a_participants_check_in_on_the_demo(page, browser, live_server):
    call_command("seed_demo")
    program = Program.objects.get(slug="cloud-upskilling")
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts
    login(page, "hr@tandem.example", DEMO_PASSWORD)
    page.wait_for_url("**/")

    hr_imports_people_and_enrolments(page, program)
    assert (
        User.objects.get(email="omar.new@tandem.example").manager.email == "manager@tandem.example"
    )
    assert (
        Enrolment.objects.filter(
            program=program,
            user__email__in=["nia.cloud@tandem.example", "omar.new@tandem.example", MENTEE],
        ).count()
        == 3
    )

    run = hr_matches_and_publishes(page, program)
    live = Mentorship.objects.filter(matching_run=run, status="active")
    assert live.count() == MatchingRun.objects.get(pk=run.pk).matched_count > 0
    pairing = live.get(mentee__email=MENTEE)

    participant = browser.new_context(base_url=live_server.url)
    participant.set_default_timeout(15_000)
    participant_logs_a_check_in(participant.new_page(), pairing)
    participant.close()
    checkin = CheckIn.objects.get(mentorship=pairing)
    assert (checkin.shared_summary, checkin.duration_minutes) == (SUMMARY, 45)
