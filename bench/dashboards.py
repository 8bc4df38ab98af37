"""Renders every metrics dashboard on a generated organisation and prints time and queries.

15,000 employees, 50,000 check-ins. Standalone: creates a throwaway test database, fills it
with bulk inserts, renders each dashboard with the test client as the right user (median of
several runs) and drops the database at the end.

    .venv/bin/python bench/dashboards.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "mentorship_site.settings.test"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

EMPLOYEES = 15_000
CHECKINS = 50_000
PROGRAMS = 8
TARGET_MS = 300


def build(rng: random.Random) -> dict:
    from checkins.models import CheckIn, Pulse
    from mentorships.models import Mentorship
    from metrics.models import OutcomeEvent
    from people.models import Department, User
    from programs.models import Enrolment, EnrolmentSkill, Program, Skill

    today = date.today()
    depts = Department.objects.bulk_create(Department(name=f"Bench dept {i}") for i in range(20))
    hr = User.objects.create(email="bench.hr@example.com", full_name="Bench HR",
                             is_hr_coordinator=True)
    leader = User.objects.create(email="bench.cio@example.com", full_name="Bench CIO",
                                 can_view_leadership=True)
    heads = User.objects.bulk_create(
        User(email=f"head{i}@bench.example", full_name=f"Head {i}", department=d, manager=leader,
             hire_date=today - timedelta(days=3000), password="!")
        for i, d in enumerate(depts)
    )
    leads = User.objects.bulk_create(
        User(email=f"lead{i}@bench.example", full_name=f"Lead {i}", department=heads[i % 20].department,
             manager=heads[i % 20], hire_date=today - timedelta(days=2000), password="!")
        for i in range(200)
    )
    rest = EMPLOYEES - len(heads) - len(leads) - 2
    staff = User.objects.bulk_create(
        (User(email=f"e{i}@bench.example", full_name=f"Employee {i}",
              department=leads[i % 200].department, manager=leads[i % 200],
              hire_date=today - timedelta(days=rng.randint(30, 4000)), password="!")
         for i in range(rest)), batch_size=2000,
    )
    programs = Program.objects.bulk_create(
        Program(name=f"Bench program {i}", slug=f"bench-{i}", purpose="technical",
                status="closed" if i < 3 else "active",
                start_date=today - timedelta(days=500 - i * 50),
                end_date=today - timedelta(days=200 - i * 60), meeting_cadence="fortnightly")
        for i in range(PROGRAMS)
    )
    for p in programs:
        p.coordinators.add(hr)
    skills = list(Skill.objects.all()) or Skill.objects.bulk_create(
        Skill(name=f"Bench skill {i}", category="cloud") for i in range(40))
    shuffled = staff[:]
    rng.shuffle(shuffled)
    per_program = 500  # 100 mentors + 400 mentees
    enrolments, pairs = [], []
    for n, program in enumerate(programs):
        people = shuffled[n * per_program:(n + 1) * per_program]
        mentors, mentees = people[:100], people[100:]
        enrolments += [Enrolment(program=program, user=u, role="mentor", capacity=4) for u in mentors]
        enrolments += [Enrolment(program=program, user=u, role="mentee") for u in mentees]
        pairs += [Mentorship(program=program, mentor=mentors[i % 100], mentee=m,
                             status="active" if program.status == "active" else "completed",
                             started_on=program.start_date,
                             ended_on=None if program.status == "active" else program.end_date)
                  for i, m in enumerate(mentees)]
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    EnrolmentSkill.objects.bulk_create(
        (EnrolmentSkill(enrolment=e, skill=s, level=rng.randint(3, 5) if e.role == "mentor"
                        else rng.randint(1, 2), target_level=None if e.role == "mentor" else 4)
         for e in enrolments for s in rng.sample(skills, 3)), batch_size=5000)
    pairs = Mentorship.objects.bulk_create(pairs, batch_size=2000)
    checkins = []
    for i in range(CHECKINS):
        m = pairs[i % len(pairs)]
        checkins.append(CheckIn(mentorship=m, author=m.mentee, duration_minutes=30, activity="other",
                                date=min(m.started_on + timedelta(days=7 * (i // len(pairs)) + 3),
                                         today)))
    checkins = CheckIn.objects.bulk_create(checkins, batch_size=5000)
    Pulse.objects.bulk_create((Pulse(checkin=c, user=c.author, score=rng.randint(2, 5))
                               for c in checkins[::2]), batch_size=5000)
    kinds = ["departure", "promotion", "internal_move", "certification"]
    events = []
    for u in staff[::4]:
        kind = rng.choice(kinds)
        events.append(OutcomeEvent(employee=u, kind=kind, voluntary=True if kind == "departure" else None,
                                   occurred_on=today - timedelta(days=rng.randint(1, 600))))
    OutcomeEvent.objects.bulk_create(events, batch_size=5000, ignore_conflicts=True)
    return {"hr": hr, "leader": leader, "manager": heads[0], "program": programs[0]}


def existing() -> dict | None:
    from people.models import User
    from programs.models import Program

    hr = User.objects.filter(email="bench.hr@example.com").first()
    if hr is None:
        return None
    return {"hr": hr, "leader": User.objects.get(email="bench.cio@example.com"),
            "manager": User.objects.get(email="head0@bench.example"),
            "program": Program.objects.get(slug="bench-0")}


def profile(who: dict, url: str) -> int:
    import cProfile
    import pstats

    user = who["manager"] if "team" in url else who["leader"] if "leadership" in url else who["hr"]
    client = Client()
    client.force_login(user)
    client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(35)
    return 0


def measure(client: Client, url: str, runs: int) -> tuple[float, int, int]:
    client.get(url)  # warm caches (templates, URL resolver)
    times = []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries, response.status_code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keepdb", action="store_true",
                        help="Keep (and reuse) the generated database between runs.")
    parser.add_argument("--profile", default="", help="Profile this dashboard URL instead.")
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # Its own database name, so it never drops a test database someone else is using.
    suffix = "keep" if args.keepdb else str(os.getpid())
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_bench_dashboards_{suffix}"
    connection.creation.create_test_db(verbosity=0, keepdb=args.keepdb)
    slow = False
    try:
        started = time.perf_counter()
        from checkins.models import CheckIn
        from people.models import User

        who = existing() if args.keepdb else None
        who = who or build(random.Random(1))
        if args.profile:
            return profile(who, args.profile)

        print(f"Organisation: {User.objects.count():,} employees, {CheckIn.objects.count():,} "
              f"check-ins (built in {time.perf_counter() - started:.1f} s)")
        cases = [
            ("HR, all programs", who["hr"], "/metrics/"),
            ("HR, one program", who["hr"], f"/metrics/program/{who['program'].slug}/"),
            ("Manager, team (subtree of ~750)", who["manager"], "/metrics/team/"),
            ("Leadership, all programs", who["leader"], "/metrics/leadership/"),
            ("HR, CSV export", who["hr"], "/metrics/?format=csv"),
        ]
        print(f"{'Dashboard':<34} {'median ms':>10} {'queries':>8} {'status':>7}")
        for label, user, url in cases:
            client = Client()
            client.force_login(user)
            ms, queries, status = measure(client, url, args.runs)
            slow |= ms > TARGET_MS
            print(f"{label:<34} {ms:>10.0f} {queries:>8} {status:>7}")
        print(f"Target: under {TARGET_MS} ms each." + (" NOT MET." if slow else " Met."))
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
