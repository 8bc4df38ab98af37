"""Benchmark: 10,000-row people and enrolment imports (validate + apply), first run and re-runs.

Run with `.venv/bin/python bench/imports.py`. It creates a throwaway PostgreSQL database
(test_tandem_bench_imports by default), migrates it, and drops it at the end.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship_site.settings.test")
os.environ.setdefault(
    "TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tandem_bench_imports"
)

import django  # noqa: E402

django.setup()

from datetime import date  # noqa: E402

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
SKILLS = [
    "Kubernetes",
    "Terraform",
    "Python",
    "Go",
    "PostgreSQL",
    "Networking basics",
    "Incident response",
    "AWS",
    "Azure",
    "Public speaking",
]


def people_csv(rows: int, title: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "email",
            "full_name",
            "job_title",
            "job_family",
            "department",
            "manager_email",
            "hire_date",
            "location",
            "timezone",
            "active",
        ]
    )
    for i in range(rows):
        # A ten-way tree: person i reports to person (i - 1) // 10; person 0 is the top.
        manager = f"p{(i - 1) // 10}@bench.example" if i else ""
        writer.writerow(
            [
                f"p{i}@bench.example",
                f"Person {i}",
                title,
                "software",
                f"Dept {i % 40}",
                manager,
                "2021-05-01",
                "London",
                "Europe/London",
                "yes",
            ]
        )
    return out.getvalue()


def enrolments_csv(rows: int, hours: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "email",
            "role",
            "capacity",
            "skills",
            "career_track",
            "career_goal",
            "communication_style",
            "meeting_mode",
            "years_experience",
            "seniority",
            "hours_per_month",
        ]
    )
    for i in range(rows):
        picked = [SKILLS[(i + k) % len(SKILLS)] for k in range(3)]
        if i % 2:
            role, capacity, skills = "mentor", "2", ";".join(f"{s}:4" for s in picked)
        else:
            role, capacity, skills = "mentee", "", ";".join(f"{s}:1>3" for s in picked)
        writer.writerow(
            [
                f"p{i}@bench.example",
                role,
                capacity,
                skills,
                "cloud",
                "Grow",
                "direct",
                "video",
                "5",
                "mid",
                str(hours),
            ]
        )
    return out.getvalue()


def timed(label: str, step: Callable[[], object]) -> object:
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = step()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    print(
        f"  {label:<40} {elapsed:6.2f} s wall ({cpu:5.2f} s Python CPU, {sql:5.2f} s in SQL)"
        f"  {len(queries):4d} queries"
    )
    return result


def run(kind: str, content: str, actor, program=None) -> None:
    from imports import services

    batch = timed(
        "validate + preview",
        lambda: services.batch_preview(
            kind=kind, content=content, filename="bench.csv", uploaded_by=actor, program=program
        ),
    )
    if batch.errors:
        raise SystemExit(f"unexpected errors: {batch.errors[:5]}")
    print(
        f"    preview counts: create {batch.summary['create']}, update {batch.summary['update']}, "
        f"unchanged {batch.summary['unchanged']}"
    )
    outcome = timed(
        "apply (re-validates, one transaction)",
        lambda: services.batch_apply(batch_id=batch.pk, actor=actor),
    )
    assert outcome.applied, outcome.message


def main() -> None:
    from people.models import User
    from programs.models import Enrolment, EnrolmentSkill, Program, Skill

    hr = User.objects.create_user(
        "hr@bench.example", "x", full_name="Bench HR", is_hr_coordinator=True
    )
    program = Program.objects.create(
        name="Bench",
        slug="bench",
        purpose="technical",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        status="enrolling",
    )
    program.coordinators.add(hr)
    Skill.objects.bulk_create(
        [Skill(name=n, category="cloud") for n in SKILLS], ignore_conflicts=True
    )

    print(f"People directory, {ROWS:,} rows")
    print(" first import:")
    run("people", people_csv(ROWS, "Engineer"), hr)
    print(" re-import, same file (all unchanged):")
    run("people", people_csv(ROWS, "Engineer"), hr)
    print(" re-import, every row changed:")
    run("people", people_csv(ROWS, "Senior engineer"), hr)
    assert User.objects.filter(email__endswith="@bench.example").count() == ROWS + 1

    print(f"Enrolments, {ROWS:,} rows, 3 skills each")
    print(" first import:")
    run("enrolments", enrolments_csv(ROWS, 4), hr, program)
    print(" re-import, same file (all unchanged):")
    run("enrolments", enrolments_csv(ROWS, 4), hr, program)
    print(" re-import, every row changed:")
    run("enrolments", enrolments_csv(ROWS, 6), hr, program)
    assert Enrolment.objects.filter(program=program).count() == ROWS
    assert EnrolmentSkill.objects.filter(enrolment__program=program).count() == ROWS * 3


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        print(
            f"database: {connection.settings_dict['NAME']}; load average: "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
        )
        main()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
