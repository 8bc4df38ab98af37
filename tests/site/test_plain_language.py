"""Plain language: HR pages, emails and exports show words, never internal codes.

Scanned: the visible text of the pages HR, a manager and a mentee reach on the demo data
(with a matching run), the emails a publish and a nudge send, the run's CSV export, the
personal data export's section names and the audit log. A snake_case word ("skill_fit",
"one_to_one"), an action code ("matching.run_published") or a model label
("experts.FlashSession") is a failure.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from checkins import services as checkins
from matching import services as matching
from matching.models import MatchingRun
from mentorships.models import Mentorship
from people.models import User
from programs.models import Program
from tests.conftest import restore_migration_seed_data

SNAKE = re.compile(r"\b[A-Za-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ACTION = re.compile(
    r"\b(?:program|mentorship|matching|checkin|import|selfmatch|scim|role|person|twofactor"
    r"|sso|api_token|webhooks|dashboard)\.[a-z_]+\b"
)
MODEL_LABEL = re.compile(r"\b[a-z]+\.[A-Z][A-Za-z]+\b")
# Addresses and links may hold underscores or dots; they are not words on the page.
NOT_WORDS = re.compile(r"\S*(?:@|://|/)\S*")


class _Text(HTMLParser):
    """The text a reader sees: text nodes outside <script>, <style> and <svg><title>."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def codes_in(text: str) -> list[str]:
    words = NOT_WORDS.sub(" ", text)
    return sorted(set(SNAKE.findall(words) + ACTION.findall(words) + MODEL_LABEL.findall(words)))


def test_it_finds_codes_but_not_words():
    found = codes_in("Skill_fit 40 · one_to_one · matching.run_published · experts.FlashSession")
    assert {"Skill_fit", "one_to_one", "matching.run_published", "experts.FlashSession"} <= set(
        found
    )
    assert codes_in("Skill fit 40 % · ana_silva@example.com · /a_b/ · Run 3.") == []


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[dict]:
    """The demo data with a finished matching run, built once and rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_migration_seed_data()  # a transactional test before this module may have flushed
        call_command("seed_demo")
        hr = User.objects.get(email="hr@tandem.example")
        guild = Program.objects.get(slug="platform-guild")
        run = matching.matching_run_start(program=guild, by=hr, enqueue=False)
        matching.matching_run_execute(run_id=run.pk)
        yield {"hr": hr, "run": MatchingRun.objects.get(pk=run.pk)}
        transaction.set_rollback(True)


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


@pytest.mark.django_db
def test_it_shows_no_codes_on_the_hr_pages(demo):
    run = demo["run"]
    pairing = Mentorship.objects.filter(program__slug="onboarding-2026").first()
    slug = "onboarding-2026"
    urls = [
        reverse("home"),
        reverse("programs:manage", args=[slug]),
        reverse("mentorships:program_pairings", args=[slug]),
        reverse("mentorships:hr_detail", args=[pairing.pk]),
        reverse("checkins:health_board", args=[slug]),
        reverse("matching:run", args=[run.pk]),
        reverse("matching:runs", args=[run.program.slug]),
        reverse("matching:weights", args=[run.program.slug]),
        reverse("programs:enrolments", args=[slug]),
        reverse("audit:program_log", args=[slug]),
        reverse("audit:program_log", args=[run.program.slug]),
        reverse("metrics:hr"),
        reverse("metrics:program", args=[slug]),
        reverse("people:my_data"),
    ]
    client = _client("hr@tandem.example")
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if codes := codes_in(visible_text(response.content.decode())):
            found[url] = codes
    assert found == {}


@pytest.mark.django_db
def test_it_shows_no_codes_on_the_manager_and_participant_pages(demo):
    found = {}
    for email, urls in {
        "manager@tandem.example": [reverse("metrics:team"), reverse("programs:approvals")],
        "mentee@tandem.example": [reverse("home"), reverse("mentorships:mine")],
    }.items():
        client = _client(email)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            if codes := codes_in(visible_text(response.content.decode())):
                found[url] = codes
    assert found == {}


@pytest.mark.django_db
def test_it_describes_the_run_in_words(demo):
    body = visible_text(
        _client("hr@tandem.example").get(demo["run"].get_absolute_url()).content.decode()
    )
    assert re.search(r"Skill fit \d+ %", body)
    assert "Matched in" in body
    for internal in ("explain", "assign", "Skill_fit"):
        assert internal not in body


@pytest.mark.django_db
def test_it_writes_the_run_csv_in_words(demo):
    response = _client("hr@tandem.example").get(reverse("matching:run_csv", args=[demo["run"].pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Row", "Mentee", "Mentee email"]
    assert [codes_in(" ".join(row)) for row in rows if codes_in(" ".join(row))] == []


@pytest.mark.django_db
def test_it_names_the_personal_data_export_sections_in_words(demo):
    response = _client("mentee@tandem.example").get(reverse("people:my_data") + "?download=1")
    sections = list(json.loads(response.content))
    assert "Profile" in sections and "Mentorships (as mentee)" in sections
    assert codes_in(" ".join(sections)) == []


@pytest.mark.django_db
def test_it_sends_emails_without_codes(demo, django_capture_on_commit_callbacks):
    run, hr = demo["run"], demo["hr"]
    mail.outbox = []
    matching.proposals_accept(run=run, proposal_ids=None, by=hr)
    with django_capture_on_commit_callbacks(execute=True):
        matching.run_publish(run=run, by=hr)
        pairing = Mentorship.objects.filter(program__slug="onboarding-2026").first()
        checkins.mentorship_nudge(mentorship=pairing, by=hr)
    assert len(mail.outbox) >= 3
    found = {m.subject: codes_in(m.subject + " " + m.body) for m in mail.outbox}
    assert {subject: codes for subject, codes in found.items() if codes} == {}


@pytest.mark.django_db
def test_it_names_skill_categories_by_their_display_names(demo):
    from programs.models import SkillCategory

    html = _client("hr@tandem.example").get(reverse("metrics:hr")).content.decode()
    cells = set(re.findall(r'<td data-label="Category">([^<]*)</td>', html))
    assert cells, "the dashboard lists skills with their category"
    assert cells <= set(SkillCategory.labels)
