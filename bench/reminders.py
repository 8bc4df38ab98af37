"""Benchmark: the reminder sweep over 100,000 active mentorships.

Run with `.venv/bin/python bench/reminders.py` (or `make bench`). It creates a throwaway
PostgreSQL database (test_tandem_bench_reminders by default), migrates it, fills it with bulk
inserts, times the sweep's planning, a second (idempotent) sweep, sending a sample of emails and
the weekly digests, then drops the database. Email goes to Django's in-memory backend.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_site.settings.test")
os.environ.setdefault(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tandem_bench_reminders"
)

import django  # noqa: E402

django.setup()

from datetime import date, timedelta  # noqa: E402

from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

MENTORSHIPS = int(os.environ.get("BENCH_REMINDER_MENTORSHIPS", "100000"))
SEND_SAMPLE = int(os.environ.get("BENCH_REMINDER_SEND_SAMPLE", "2000"))
MENTEES_PER_MENTOR = 10
BATCH = 5000


def populate(today: date) -> None:
    from checkins.models import CheckIn
    from mentorships.models import Goal, Mentorship, Milestone
    from people.models import User
    from programs.models import Program
    from reminders.models import NotificationPreference

    rng = random.Random(7)
    programs = [
        Program.objects.create(
            name=f"Bench {cadence}",
            slug=f"bench-{cadence}",
            purpose="onboarding",
            start_date=today - timedelta(days=120),
            end_date=today + timedelta(days=240),
            status="active",
            meeting_cadence=cadence,
        )
        for cadence in ("weekly", "fortnightly", "monthly")
    ]
    mentor_count = MENTORSHIPS // MENTEES_PER_MENTOR
    users = [
        User(email=f"u{i}@bench.example", full_name=f"Person {i}", password="!")
        for i in range(mentor_count + MENTORSHIPS)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    ids = list(User.objects.order_by("id").values_list("id", flat=True))
    mentors, mentees = ids[:mentor_count], ids[mentor_count:]
    Mentorship.objects.bulk_create(
        [
            Mentorship(
                program=programs[i % 3],
                mentor_id=mentors[i % mentor_count],
                mentee_id=mentee,
                status="active",
                started_on=today - timedelta(days=rng.randint(0, 90)),
            )
            for i, mentee in enumerate(mentees)
        ],
        batch_size=BATCH,
    )
    pairs = list(Mentorship.objects.order_by("id").values_list("id", "mentee_id"))
    # Half the pairings met recently or not so recently; the rest never logged a check-in.
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                mentorship_id=pk,
                author_id=mentee,
                date=today - timedelta(days=rng.randint(0, 45)),
                duration_minutes=45,
                activity="code_review",
            )
            for pk, mentee in pairs[::2]
        ],
        batch_size=BATCH,
    )
    goals = Goal.objects.bulk_create(
        [Goal(mentorship_id=pk, title="Grow") for pk, _ in pairs[::5]], batch_size=BATCH
    )
    Milestone.objects.bulk_create(
        [
            Milestone(goal=g, title="Step", due_date=today + timedelta(days=rng.randint(-3, 20)))
            for g in goals
        ],
        batch_size=BATCH,
    )
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(
                user_id=uid, email_enabled=(n % 3 != 0), weekly_digest=(n % 3 == 1)
            )
            for n, uid in enumerate(mentees[::50])
        ],
        batch_size=BATCH,
    )


def measure(label: str, fn):
    # CaptureQueriesContext keeps only the last 9,000 queries; a wrapper counts all of them.
    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection), connection.execute_wrapper(counting):
        started, cpu = time.perf_counter(), time.process_time()
        value = fn()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    # Wall time includes waiting for PostgreSQL; CPU is this Python process only.
    print(f"{label:<48} {elapsed:7.2f} s wall {cpu:6.2f} s cpu {count[0]:7,d} queries", flush=True)
    return value


def main() -> int:
    from reminders import services
    from reminders.models import AtRiskFlag, ReminderSent

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        today = date.today()
        started = time.perf_counter()
        with transaction.atomic():
            populate(today)
        print(
            f"Generated {MENTORSHIPS:,} active mentorships in {time.perf_counter() - started:.1f} s"
        )

        result = measure(
            "Sweep planning (first run)", lambda: services.reminders_sweep(today=today)
        )
        print(
            f"  due {result.due:,} · overdue {result.overdue:,} · at risk {result.at_risk:,} · "
            f"milestones due {result.milestones_due:,} · reminder rows {result.planned:,} · "
            f"at-risk flags {AtRiskFlag.objects.count():,}"
        )
        measure(
            "Sweep planning (second run, nothing new)",
            lambda: services.reminders_sweep(today=today),
        )
        pending = ReminderSent.objects.filter(status="pending", channel="email").count()
        assert ReminderSent.objects.count() == result.planned, "the second sweep planned duplicates"

        sample = min(SEND_SAMPLE, pending)
        sent = measure(
            f"Sending {sample:,} of {pending:,} single emails",
            lambda: services.reminders_send_pending(limit=sample),
        )
        assert sent == len(mail.outbox) == sample
        digests = measure("Weekly digests", lambda: services.digests_send(today=today))
        print(f"  {digests:,} digest emails")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return 0


if __name__ == "__main__":
    sys.exit(main())
