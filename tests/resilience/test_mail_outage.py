"""Publishing a matching run while the mail server is down or slow: nothing is lost or doubled.

The site's request only records the emails (outbox.OutgoingEmail) and answers; real Celery
workers on a private Redis send them to a real SMTP server (aiosmtpd, tests/smtp.py) that the
test stops, slows down or starts. The server counts what it received per address.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import MatchingRun, Proposal, RunStatus
from mentorships.models import Mentorship
from outbox import services as outbox_services
from outbox.models import EmailStatus, OutgoingEmail
from programs.models import Enrolment, Program
from tests.factories import HRFactory, ProgramFactory
from tests.smtp import SmtpServer

from .bulk import BATCH, users
from .helpers import PrivateRedis, Worker
from .test_worker_kill import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SEND = "outbox.tasks.send_emails"


def reviewed_run(pairs: int, *, hr, accepted: bool = True) -> tuple[MatchingRun, list[str]]:
    """A finished run of a one-to-one program with `pairs` proposals, accepted (proposed
    mentorships, unpublished) or still to review.

    Returns the run and the address of everyone who is owed one email when it is published.
    """
    program: Program = ProgramFactory(status="matching", format="one_to_one", coordinators=[hr])
    mentors, mentees = users("pubmentor", pairs), users("pubmentee", pairs)
    Enrolment.objects.bulk_create(
        [
            Enrolment(program=program, user=user, role=role, status="approved", capacity=1)
            for role, people in (("mentor", mentors), ("mentee", mentees))
            for user in people
        ],
        batch_size=BATCH,
    )
    run = MatchingRun.objects.create(
        program=program, status=RunStatus.SUCCEEDED, progress=100, matched_count=pairs
    )
    explanation = [["Shares 2 skills", 30], ["Same career track", 10]]
    proposals = [
        Proposal(run=run, mentor=mentor, mentee=mentee, score=40, explanation=explanation)
        for mentor, mentee in zip(mentors, mentees, strict=True)
    ]
    if accepted:
        for proposal in proposals:
            proposal.status = "accepted"
            proposal.mentorship = Mentorship(
                program=program,
                mentor=proposal.mentor,
                mentee=proposal.mentee,
                status="proposed",
                source="matching",
                matching_run=run,
                score=40,
                explanation=explanation,
            )
        Mentorship.objects.bulk_create([p.mentorship for p in proposals], batch_size=BATCH)
    Proposal.objects.bulk_create(proposals, batch_size=BATCH)
    return run, [u.email for u in mentors + mentees]


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()  # not started: its port is closed, as when the mail server is down
    yield server
    server.stop()


@pytest.fixture
def mail_workers(
    redis_server: PrivateRedis, smtp: SmtpServer, monkeypatch
) -> Iterator[Callable[[], Worker]]:
    """Starts workers that send through `smtp`; the site's outbox publishes to them."""
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(
            redis_server.url,
            extra_env={"TANDEM_TEST_SMTP_PORT": str(smtp.port), "EMAIL_TIMEOUT": "5"},
        )
        worker.start()
        started.append(worker)
        monkeypatch.setattr(outbox_services, "app", worker.client)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _post(run: MatchingRun, hr, action: str, data: dict | None = None) -> tuple[int, float]:
    client = Client()
    client.force_login(hr)
    started = time.perf_counter()
    response = client.post(reverse(f"matching:{action}", args=[run.pk]), data or {})
    return response.status_code, time.perf_counter() - started


def _publish(run: MatchingRun, hr) -> tuple[int, float]:
    return _post(run, hr, "publish")


def _figures(smtp: SmtpServer, owed: list[str]) -> dict[str, int]:
    got, expected = smtp.received, Counter(owed)
    return {
        "expected": sum(expected.values()),
        "sent": sum(got.values()),
        "duplicated": sum(max(0, n - expected[a]) for a, n in got.items()),
        "lost": sum(max(0, n - got[a]) for a, n in expected.items()),
    }


def _page(run: MatchingRun, hr) -> tuple[int, str]:
    client = Client()
    client.force_login(hr)
    response = client.get(run.get_absolute_url())
    return response.status_code, response.content.decode()


def test_it_publishes_while_the_mail_server_is_down_and_sends_every_email_once_when_it_returns(
    mail_workers, smtp
) -> None:
    hr = HRFactory()
    run, owed = reviewed_run(50, hr=hr)
    worker = mail_workers()

    status, seconds = _publish(run, hr)
    assert status == 302
    wait_for(
        lambda: Mentorship.objects.filter(matching_run=run, status="active").count() == 50,
        30,
        "the worker to activate the pairs",
    )
    # The worker tried, found the server down, and left every email waiting.
    wait_for(
        lambda: OutgoingEmail.objects.exclude(last_error="").exists(),
        30,
        "the worker to find the mail server down",
    )
    assert OutgoingEmail.objects.filter(status=EmailStatus.PENDING).count() == 100
    code, page = _page(run, hr)
    assert code == 200 and "0 of 100 emails sent, 100 waiting" in page
    assert "not taking emails" in page

    smtp.start()
    down_for = time.perf_counter()
    worker.client.send_task(SEND)  # what beat does every minute
    wait_for(
        lambda: not OutgoingEmail.objects.filter(status=EmailStatus.PENDING).exists(),
        60,
        "the emails to go once the mail server is back",
    )
    found = _figures(smtp, owed)
    print(
        f"\nPublish with the mail server down: request {status} in {seconds:.2f} s; after it "
        f"returned: emails expected {found['expected']}, sent {found['sent']}, duplicated "
        f"{found['duplicated']}, lost {found['lost']} "
        f"({time.perf_counter() - down_for:.1f} s to send)"
    )
    assert found == {"expected": 100, "sent": 100, "duplicated": 0, "lost": 0}
    assert "100 of 100 emails sent." in _page(run, hr)[1]


def test_it_accepts_and_publishes_2000_pairs_at_once_and_a_slow_mail_server_gets_every_email_once(
    mail_workers, smtp
) -> None:
    hr = HRFactory()
    run, owed = reviewed_run(2000, hr=hr, accepted=False)
    smtp.delay = 0.005
    smtp.start()
    mail_workers()
    mail_workers()  # two workers share the queues: each proposal and email is still taken once

    status, accept_seconds = _post(run, hr, "accept", {"all": "1"})
    assert status == 302
    answered = time.perf_counter()
    assert _page(run, hr)[0] == 200
    wait_for(
        lambda: not run.proposals.filter(status="accepting").exists(),
        300,
        "the workers to accept 2,000 proposals",
    )
    accepting = time.perf_counter() - answered
    assert run.proposals.filter(status="accepted").count() == 2000

    status, seconds = _publish(run, hr)
    assert status == 302
    answered = time.perf_counter()
    code, page = _page(run, hr)
    assert code == 200 and "Activating 2,000 pairs" in page
    wait_for(
        lambda: Mentorship.objects.filter(matching_run=run, status="active").count() == 2000,
        120,
        "the workers to activate 2,000 pairs",
    )
    activating = time.perf_counter() - answered
    wait_for(
        lambda: not OutgoingEmail.objects.filter(status=EmailStatus.PENDING).exists(),
        300,
        "4,000 emails through a slow mail server",
    )
    sending = time.perf_counter() - answered
    found = _figures(smtp, owed)
    print(
        f"\nAccept all 2,000: request {accept_seconds:.2f} s, accepted by two workers in "
        f"{accepting:.1f} s. Publish: request {status} in {seconds:.2f} s, pairs activated "
        f"by the workers {activating:.1f} s later; mail server at "
        f"{smtp.delay * 1000:.0f} ms/message: emails expected {found['expected']}, sent "
        f"{found['sent']}, duplicated {found['duplicated']}, lost {found['lost']}, "
        f"sent by two workers in {sending:.1f} s"
    )
    assert found == {"expected": 4000, "sent": 4000, "duplicated": 0, "lost": 0}
    assert accept_seconds < 5 and seconds < 5
