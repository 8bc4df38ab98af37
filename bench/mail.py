"""Benchmark: sending reminder emails to a local SMTP server, and duplicates after a kill.

Run with `.venv/bin/python bench/mail.py` (or `make bench`). It creates a throwaway PostgreSQL
database (test_tandem_bench_mail by default), plans BENCH_MAIL_EMAILS pending reminders (5,000;
one per recipient), starts an SMTP sink in its own process (`python -m tests.smtp`) and times
`reminders_send_pending` handing them all over, first alone, then as BENCH_MAIL_SENDERS (4)
senders at once. Then it plans as many again, SIGKILLs a sender process half-way and lets a
second one finish: every reminder must arrive, and none twice once a receiver drops copies by
Message-ID. Target: 500 emails/s.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_site.settings.test")
# Its own database, never a test run's (BENCH_MAIL_DATABASE_URL to change it).
os.environ["TEST_DATABASE_URL"] = os.environ.get(
    "BENCH_MAIL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tandem_bench_mail"
)

import django  # noqa: E402

django.setup()

from datetime import date, timedelta  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

EMAILS = int(os.environ.get("BENCH_MAIL_EMAILS", "5000"))
SENDERS = int(os.environ.get("BENCH_MAIL_SENDERS", "4"))
TARGET = 500.0
BATCH = 5000


def populate(today: date, *, emails: int, tag: str) -> None:
    """`emails` pending single-email reminders, each to its own recipient."""
    from mentorships.models import Mentorship
    from people.models import User
    from programs.models import Program
    from reminders.models import ReminderSent

    program = Program.objects.create(
        name=f"Bench mail {tag}",
        slug=f"bench-mail-{tag}",
        purpose="onboarding",
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=300),
        status="active",
        meeting_cadence="weekly",
    )
    pairs = (emails + 1) // 2
    User.objects.bulk_create(
        [
            User(email=f"{tag}{i}@bench.example", full_name=f"Person {i}", password="!")
            for i in range(pairs * 2)
        ],
        batch_size=BATCH,
    )
    ids = list(
        User.objects.filter(email__endswith="@bench.example", email__startswith=tag)
        .order_by("id")
        .values_list("id", flat=True)
    )
    Mentorship.objects.bulk_create(
        [
            Mentorship(
                program=program,
                mentor_id=ids[2 * i],
                mentee_id=ids[2 * i + 1],
                status="active",
                started_on=today - timedelta(days=30),
            )
            for i in range(pairs)
        ],
        batch_size=BATCH,
    )
    rows = []
    for m in Mentorship.objects.filter(program=program).values("id", "mentor_id", "mentee_id"):
        for recipient in (m["mentor_id"], m["mentee_id"]):
            rows.append(
                ReminderSent(
                    mentorship_id=m["id"],
                    recipient_id=recipient,
                    kind="checkin_due",
                    period_start=today,
                    channel="email",
                )
            )
    ReminderSent.objects.bulk_create(rows[:emails], batch_size=BATCH)


def concurrent_senders(count: int) -> int:
    """`count` senders at once, each leasing its own batches (SKIP LOCKED); total sent."""
    from django.db import connections

    from reminders import services

    totals: list[int] = []

    def sender() -> None:
        try:
            totals.append(services.reminders_send_pending())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sender) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(totals)


def warm_up() -> None:
    """What a running worker has loaded already: the URLconf (reverse) and the templates."""
    from django.template.loader import get_template
    from django.urls import reverse

    reverse("reminders:preferences")
    for kind in ("checkin_due", "checkin_overdue", "milestone_due"):
        get_template(f"reminders/email/{kind}.txt")
        get_template(f"reminders/email/{kind}_subject.txt")


def received(log: Path) -> tuple[Counter, Counter]:
    """(messages per recipient, messages per Message-ID) as the sink logged them."""
    per_recipient, per_id = Counter(), Counter()
    if log.exists():
        for line in log.read_text().splitlines():
            rcpt, _, mid = line.partition(" ")
            per_recipient[rcpt] += 1
            per_id[mid] += 1
    return per_recipient, per_id


def wait_for_lines(log: Path, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and log.read_text().count("\n") >= count:
            return
        time.sleep(0.05)


SENDER = """
import django, sys
django.setup()
from reminders.services import reminders_send_pending
reminders_send_pending()
"""


def kill_and_resume(today: date, log: Path, port: int) -> tuple[int, int, int, int]:
    """Plans EMAILS reminders, kills a sender process after about half of them reached the
    sink, then a second sender finishes. Returns (planned, recipients reached, copies
    received more than once, duplicates by Message-ID)."""
    from reminders.models import ReminderSent

    with transaction.atomic():
        populate(today, emails=EMAILS, tag="k")
    planned = ReminderSent.objects.filter(status="pending").count()
    before = log.read_text().count("\n") if log.exists() else 0
    env = {
        **os.environ,
        "TANDEM_TEST_SMTP_PORT": str(port),
        "TEST_DATABASE_URL": _database_url(),
        # The killed sender's lease runs out quickly, so the second one takes its batch over.
        "EMAIL_LEASE_SECONDS": "2",
    }
    first = subprocess.Popen([sys.executable, "-c", SENDER], cwd=ROOT, env=env)
    wait_for_lines(log, before + planned // 2, timeout=120)
    first.send_signal(signal.SIGKILL)
    first.wait()
    time.sleep(2.5)
    subprocess.run([sys.executable, "-c", SENDER], cwd=ROOT, env=env, check=True)
    per_recipient, _ = received(log)
    mine = {r: n for r, n in per_recipient.items() if r.startswith("k")}
    copies = sum(n - 1 for n in mine.values() if n > 1)
    # What a receiver still shows twice after dropping copies by Message-ID: a recipient with
    # two different Message-IDs.
    distinct: dict[str, set[str]] = {}
    for line in log.read_text().splitlines():
        rcpt, _, mid = line.partition(" ")
        if rcpt.startswith("k"):
            distinct.setdefault(rcpt, set()).add(mid)
    by_id = sum(len(ids) - 1 for ids in distinct.values())
    return planned, len(mine), copies, by_id


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def main() -> int:
    from reminders import services
    from reminders.models import ReminderSent

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    tmp = tempfile.mkdtemp(prefix="tandem-bench-mail-")
    log = Path(tmp) / "received.log"
    from tests.smtp import free_port

    port = free_port()
    sink = subprocess.Popen(
        [sys.executable, "-m", "tests.smtp", str(port), str(log)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    sink.stdout.readline()  # "ready"
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        today = date.today()
        with transaction.atomic():
            populate(today, emails=EMAILS, tag="b")
        warm_up()
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        sent = services.reminders_send_pending()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        wait_for_lines(log, sent, timeout=30)
        per_recipient, _ = received(log)
        duplicates = sum(n - 1 for n in per_recipient.values() if n > 1)
        rate = sent / elapsed if elapsed else 0.0
        verdict = "OK" if rate >= TARGET else "below target"
        print(
            f"Sent {sent:,} reminder emails to a local SMTP sink in {elapsed:.2f} s: "
            f"{rate:,.0f} emails/s (target {TARGET:,.0f}/s: {verdict}); "
            f"duplicates {duplicates}; still pending "
            f"{ReminderSent.objects.filter(status='pending').count()}\n"
            f"  the sender's own CPU: {1000 * cpu / max(sent, 1):.2f} ms per email "
            f"({sent / cpu if cpu else 0:,.0f} emails per CPU-second); machine load average "
            f"{load:.1f} on {os.cpu_count()} CPUs",
            flush=True,
        )
        with transaction.atomic():
            populate(today, emails=EMAILS, tag="c")
        before = log.read_text().count("\n")
        started = time.perf_counter()
        sent = concurrent_senders(SENDERS)
        elapsed = time.perf_counter() - started
        wait_for_lines(log, before + sent, timeout=30)
        per_recipient, _ = received(log)
        duplicates = sum(n - 1 for r, n in per_recipient.items() if r.startswith("c") and n > 1)
        rate = sent / elapsed if elapsed else 0.0
        verdict = "OK" if rate >= TARGET else "below target"
        print(
            f"Sent {sent:,} with {SENDERS} senders at once (threads, as a worker's concurrency "
            f"would): {rate:,.0f} emails/s (target {TARGET:,.0f}/s: {verdict}); duplicates "
            f"{duplicates}; machine load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        planned, reached, copies, by_id = kill_and_resume(today, log, port)
        verdict = "OK" if reached == planned and by_id == 0 else "FAILED"
        print(
            f"Sender SIGKILLed half-way through {planned:,} emails, then resumed: "
            f"{reached:,} recipients reached, {copies} copies resent under the same Message-ID "
            f"(the killed batch), duplicates once a receiver drops those {by_id} "
            f"(target 0; nothing lost: {verdict})",
            flush=True,
        )
        return 0 if verdict == "OK" else 1
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=10)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    sys.exit(main())
