"""Renders every metrics dashboard on a generated organisation and prints time and queries.

15,000 employees, 50,000 check-ins, 8 programs with assessment rounds and surveys
(about 38,000 skill ratings, 25,000 survey answers). Standalone: creates a throwaway test
database, fills it with bulk inserts, renders each dashboard with the test client as the
right user, first built in the request (cold: no figures stored for the day, median of
--cold-runs), then, after the worker's morning refresh
(metrics.tasks.refresh_dashboards, timed), as a returning viewer sees it: read from the day's
table (median of --runs; CPU ms is the median CPU time of this process, the web side of a
render, which a loaded host disturbs less than wall time). Then each page against the sign-in
page, and one program's pages at two sizes. Drops the database at the end unless --keepdb.

    .venv/bin/python bench/dashboards.py [--runs 9]
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
    hr = User.objects.create(
        email="bench.hr@example.com", full_name="Bench HR", is_hr_coordinator=True
    )
    leader = User.objects.create(
        email="bench.cio@example.com", full_name="Bench CIO", can_view_leadership=True
    )
    heads = User.objects.bulk_create(
        User(
            email=f"head{i}@bench.example",
            full_name=f"Head {i}",
            department=d,
            manager=leader,
            hire_date=today - timedelta(days=3000),
            password="!",
        )
        for i, d in enumerate(depts)
    )
    leads = User.objects.bulk_create(
        User(
            email=f"lead{i}@bench.example",
            full_name=f"Lead {i}",
            department=heads[i % 20].department,
            manager=heads[i % 20],
            hire_date=today - timedelta(days=2000),
            password="!",
        )
        for i in range(200)
    )
    rest = EMPLOYEES - len(heads) - len(leads) - 2
    staff = User.objects.bulk_create(
        (
            User(
                email=f"e{i}@bench.example",
                full_name=f"Employee {i}",
                department=leads[i % 200].department,
                manager=leads[i % 200],
                hire_date=today - timedelta(days=rng.randint(30, 4000)),
                password="!",
            )
            for i in range(rest)
        ),
        batch_size=2000,
    )
    programs = Program.objects.bulk_create(
        Program(
            name=f"Bench program {i}",
            slug=f"bench-{i}",
            purpose="technical",
            status="closed" if i < 3 else "active",
            start_date=today - timedelta(days=500 - i * 50),
            end_date=today - timedelta(days=200 - i * 60),
            meeting_cadence="fortnightly",
        )
        for i in range(PROGRAMS)
    )
    for p in programs:
        p.coordinators.add(hr)
    skills = list(Skill.objects.all()) or Skill.objects.bulk_create(
        Skill(name=f"Bench skill {i}", category="cloud") for i in range(40)
    )
    shuffled = staff[:]
    rng.shuffle(shuffled)
    per_program = 500  # 100 mentors + 400 mentees
    enrolments, pairs = [], []
    for n, program in enumerate(programs):
        people = shuffled[n * per_program : (n + 1) * per_program]
        mentors, mentees = people[:100], people[100:]
        enrolments += [
            Enrolment(program=program, user=u, role="mentor", capacity=4) for u in mentors
        ]
        enrolments += [Enrolment(program=program, user=u, role="mentee") for u in mentees]
        pairs += [
            Mentorship(
                program=program,
                mentor=mentors[i % 100],
                mentee=m,
                status="active" if program.status == "active" else "completed",
                started_on=program.start_date,
                ended_on=None if program.status == "active" else program.end_date,
            )
            for i, m in enumerate(mentees)
        ]
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    EnrolmentSkill.objects.bulk_create(
        (
            EnrolmentSkill(
                enrolment=e,
                skill=s,
                level=rng.randint(3, 5) if e.role == "mentor" else rng.randint(1, 2),
                target_level=None if e.role == "mentor" else 4,
            )
            for e in enrolments
            for s in rng.sample(skills, 3)
        ),
        batch_size=5000,
    )
    pairs = Mentorship.objects.bulk_create(pairs, batch_size=2000)
    checkins = []
    for i in range(CHECKINS):
        m = pairs[i % len(pairs)]
        checkins.append(
            CheckIn(
                mentorship=m,
                author=m.mentee,
                duration_minutes=30,
                activity="other",
                date=min(m.started_on + timedelta(days=7 * (i // len(pairs)) + 3), today),
            )
        )
    checkins = CheckIn.objects.bulk_create(checkins, batch_size=5000)
    Pulse.objects.bulk_create(
        (Pulse(checkin=c, user=c.author, score=rng.randint(2, 5)) for c in checkins[::2]),
        batch_size=5000,
    )
    kinds = ["departure", "promotion", "internal_move", "certification"]
    events = []
    for u in staff[::4]:
        kind = rng.choice(kinds)
        events.append(
            OutcomeEvent(
                employee=u,
                kind=kind,
                voluntary=True if kind == "departure" else None,
                occurred_on=today - timedelta(days=rng.randint(1, 600)),
            )
        )
    OutcomeEvent.objects.bulk_create(events, batch_size=5000, ignore_conflicts=True)
    build_feedback(rng, programs, enrolments, pairs)
    with connection.cursor() as cursor:
        # A live database is vacuumed and analysed by autovacuum (visibility map, hint bits,
        # planner statistics); a fresh bulk load is not, and reads slower until it is.
        cursor.execute("VACUUM ANALYZE")
    return {
        "hr": hr,
        "leader": leader,
        "manager": heads[0],
        "program": programs[0],
        "department": depts[0],
    }


def build_feedback(rng: random.Random, programs: list, enrolments: list, pairs: list) -> None:
    """A baseline and a final assessment round per program (self and mentor ratings on each
    sought skill) and a mid-point and end survey answered by 80 % of mentees and mentors."""
    from django.utils import timezone

    from feedback.models import (
        DEFAULT_QUESTIONS,
        AssessmentRequest,
        AssessmentRound,
        SkillRating,
        Survey,
        SurveyAnswer,
        SurveyInvitation,
        SurveyQuestion,
    )
    from programs.models import EnrolmentSkill

    now = timezone.now()
    sought: dict[tuple[int, int], list[int]] = {}
    for program_id, user_id, skill_id in EnrolmentSkill.objects.filter(
        enrolment__role="mentee"
    ).values_list("enrolment__program_id", "enrolment__user_id", "skill_id"):
        sought.setdefault((program_id, user_id), []).append(skill_id)
    rounds = AssessmentRound.objects.bulk_create(
        AssessmentRound(
            program=p, kind=kind, due_on=p.start_date + timedelta(days=days), status="sent"
        )
        for p in programs
        for kind, days in (("baseline", 7), ("final", 120))
    )
    requests = AssessmentRequest.objects.bulk_create(
        (
            AssessmentRequest(
                round=r,
                mentorship=m,
                mentee_id=m.mentee_id,
                rater_id=rater,
                rater_role=role,
                sent_at=now,
                completed_at=now,
            )
            for r in rounds
            for m in pairs
            if m.program_id == r.program_id
            for rater, role in ((m.mentee_id, "mentee"), (m.mentor_id, "mentor"))
        ),
        batch_size=5000,
    )
    rounds_by_id = {r.pk: r for r in rounds}
    SkillRating.objects.bulk_create(
        (
            SkillRating(
                request=q,
                skill_id=s,
                level=rng.randint(1, 2)
                if rounds_by_id[q.round_id].kind == "baseline"
                else rng.randint(2, 5),
            )
            for q in requests
            for s in sought[(rounds_by_id[q.round_id].program_id, q.mentee_id)]
        ),
        batch_size=5000,
    )
    surveys = Survey.objects.bulk_create(
        Survey(
            program=p,
            kind=kind,
            opens_on=p.start_date + timedelta(days=days),
            closes_on=p.start_date + timedelta(days=days + 14),
            status="sent",
            for_managers=False,
        )
        for p in programs
        for kind, days in (("mid_point", 60), ("end", 150))
    )
    questions = SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=s, position=i, kind=kind, text=text)
        for s in surveys
        for i, (kind, text) in enumerate(DEFAULT_QUESTIONS, 1)
    )
    by_survey: dict[int, list] = {}
    for q in questions:
        by_survey.setdefault(q.survey_id, []).append(q)
    invitations = SurveyInvitation.objects.bulk_create(
        (
            SurveyInvitation(
                survey=s,
                user_id=e.user_id,
                role=e.role,
                sent_at=now,
                answered_at=now if rng.random() < 0.8 else None,
            )
            for s in surveys
            for e in enrolments
            if e.program_id == s.program_id
        ),
        batch_size=5000,
    )
    SurveyAnswer.objects.bulk_create(
        (
            SurveyAnswer(
                invitation=i,
                question=q,
                rating=rng.randint(2, 5) if q.kind == "rating" else None,
                text="" if q.kind == "rating" or rng.random() < 0.9 else "Useful sessions.",
            )
            for i in invitations
            if i.answered_at
            for q in by_survey[i.survey_id]
        ),
        batch_size=5000,
    )


def existing() -> dict | None:
    from people.models import Department, User
    from programs.models import Program

    hr = User.objects.filter(email="bench.hr@example.com").first()
    if hr is None:
        return None
    return {
        "hr": hr,
        "leader": User.objects.get(email="bench.cio@example.com"),
        "manager": User.objects.get(email="head0@bench.example"),
        "program": Program.objects.get(slug="bench-0"),
        "department": Department.objects.get(name="Bench dept 0"),
    }


def signed_in(user) -> Client:
    """A client signed in as `user`; if they have an authenticator app (`make loadtest` gives
    its accounts one, in the same kept database), the session has typed its code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def profile(who: dict, url: str, as_email: str = "") -> int:
    """Profiles one render of `url` (after a warm-up render): as `as_email` if given ("mentee"
    or "mentor": a participant of the first active pairing of bench-7, the pages table's), else
    the head for a team URL, the CIO for a leadership one, HR otherwise."""
    import cProfile
    import pstats

    from people.models import User

    if as_email in ("mentee", "mentor"):
        user = getattr(_participant("bench-7"), as_email)
    elif as_email:
        user = User.objects.get(email=as_email)
    else:
        user = (
            who["manager"] if "team" in url else who["leader"] if "leadership" in url else who["hr"]
        )
    client = signed_in(user)
    client.get(url)
    profiler = cProfile.Profile()
    # BENCH_REPEAT: profile that many renders at once (steadier figures for a small cost).
    profiler.enable()
    for _ in range(int(os.environ.get("BENCH_REPEAT", "1"))):
        client.get(url)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative"))
    stats.print_stats(int(os.environ.get("BENCH_LINES", "35")))
    return 0


def measure(client: Client, url: str, runs: int) -> tuple[float, float, float, int, int]:
    warm = client.get(url)  # warm caches (templates, URL resolver)
    if warm.status_code != 200:
        # A redirect (to sign in, or to verify an authenticator) would be timed as a page.
        where = warm.get("Location", "")
        raise SystemExit(
            f"{url} answered {warm.status_code} {where}: not a page to time. A database kept "
            f"by older code (BENCH_KEEP_NAME, --keepdb) may not fit this code: drop it and rerun."
        )
    times, cpu = [], []
    queries = 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = len(ctx.captured_queries)
    return (
        statistics.median(times),
        min(times),
        statistics.median(cpu),
        queries,
        response.status_code,
    )


def measure_cold(client: Client, url: str, runs: int) -> tuple[float, float, int]:
    """Renders that build the view: no figures stored for the day (its first viewer's cost,
    or a filtered view nobody chose yet). Median ms, median CPU ms, queries."""
    from metrics.models import DashboardSnapshot

    times, cpu = [], []
    queries = 0
    for _ in range(runs):
        DashboardSnapshot.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), statistics.median(cpu), queries


def refresh() -> None:
    """The worker's morning run (metrics.tasks.refresh_dashboards) over every default view:
    leadership, each HR coordinator's programs and each program, every manager's team."""
    from metrics import services
    from metrics.models import DashboardSnapshot

    DashboardSnapshot.objects.all().delete()
    started, started_cpu = time.perf_counter(), time.process_time()
    result = services.dashboard_refresh_daily(today=date.today())
    took, took_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    print(
        f"Morning refresh (the worker): {result.built} views built in {took:.1f} s "
        f"({took_cpu:.1f} s CPU; {1000 * took / max(result.built, 1):.0f} ms a view)"
    )


def dashboards(cases: list, runs: int, cold_runs: int) -> bool:
    """Each dashboard built in the request (cold: no figures stored for the day), then as a
    returning viewer sees it: after the worker's morning refresh, read from the day's table
    (a filtered view: stored by its first viewer, the warm-up render)."""
    clients = {}
    for label, user, _url in cases:
        clients[label] = signed_in(user)
        clients[label].get("/")  # warm the URL resolver and templates
    cold = {label: measure_cold(clients[label], url, cold_runs) for label, _u, url in cases}
    refresh()
    print(
        f"{'Dashboard':<34} {'cold ms':>8} {'CPU':>6} {'queries':>8} {'stored ms':>10} "
        f"{'best':>6} {'CPU':>6} {'queries':>8} {'status':>7}"
    )
    slow = False
    for label, _user, url in cases:
        ms, best, cpu, queries, status = measure(clients[label], url, runs)
        slow |= ms > TARGET_MS
        c_ms, c_cpu, c_queries = cold[label]
        print(
            f"{label:<34} {c_ms:>8.0f} {c_cpu:>6.0f} {c_queries:>8} {ms:>10.1f} {best:>6.1f} "
            f"{cpu:>6.1f} {queries:>8} {status:>7}"
        )
    print(f"Target: stored under {TARGET_MS} ms each." + (" NOT MET." if slow else " Met."))
    return slow


PAGE_RATIO_TARGET = 5
SIZE_GROWTH_TARGET = 1.5


def _participant(program_slug: str):
    from mentorships.models import Mentorship

    return (
        Mentorship.objects.filter(program__slug=program_slug, status="active")
        .select_related("mentee")
        .order_by("pk")
        .first()
    )


def pages(who: dict, runs: int) -> bool:
    """Each page's median against the sign-in page's on the same server (issue #17: at most
    5×), for participants, HR and managers: the team page for heads of every size (the subtree
    is one indexed range of stored reporting paths) and every dashboard."""
    from people.models import User

    lead = User.objects.get(email="lead0@bench.example")
    live = "bench-7"  # an active program of 400 pairings
    pair = _participant(live)
    cases = [
        ("Anonymous, sign-in page", None, "/accounts/login/"),
        ("Participant, home", pair.mentee, "/"),
        ("Participant, mentorship", pair.mentee, f"/mentorships/{pair.pk}/"),
        ("Participant, check-in form", pair.mentee, f"/checkins/mentorship/{pair.pk}/new/"),
        ("HR, pairings (400)", who["hr"], f"/mentorships/program/{live}/"),
        ("HR, enrolments (500)", who["hr"], f"/programs/{live}/enrolments/"),
        ("HR, health board (400)", who["hr"], f"/checkins/program/{live}/health/"),
        ("HR, program metrics", who["hr"], f"/metrics/program/{live}/"),
        ("HR, all-program metrics", who["hr"], "/metrics/"),
        ("Leadership dashboard", who["leader"], "/metrics/leadership/"),
        ("Team page, lead (75 people)", lead, "/people/team/"),
        ("Team page, head (~750 people)", who["manager"], "/people/team/"),
        ("Team page, CIO (15,000 people)", who["leader"], "/people/team/"),
        ("Home, CIO", who["leader"], "/"),
        ("Team dashboard, head (~750)", who["manager"], "/metrics/team/"),
    ]
    # Wall time includes the database; CPU time (of this process, the web side) is what a
    # loaded shared host disturbs least. The target is on the wall-time ratio.
    print(
        f"{'Page':<34} {'median ms':>10} {'ratio':>8} {'CPU ms':>8} {'CPU ratio':>10} "
        f"{'queries':>8} {'status':>7}"
    )
    base = base_cpu = None
    slow = False
    for label, user, url in cases:
        client = signed_in(user) if user is not None else Client()
        ms, _best, cpu, queries, status = measure(client, url, runs)
        base, base_cpu = base or ms, base_cpu or max(cpu, 0.1)
        ratio = ms / base
        slow |= ratio > PAGE_RATIO_TARGET
        print(
            f"{label:<34} {ms:>10.1f} {ratio:>7.1f}× {cpu:>8.1f} {cpu / base_cpu:>9.1f}× "
            f"{queries:>8} {status:>7}"
        )
    print(
        f"Target: each page at most {PAGE_RATIO_TARGET}× the sign-in page."
        + (" NOT MET." if slow else " Met.")
    )
    return slow


def _sized_program(hr, people: list, pairs: int, slug: str) -> None:
    """An active program of `pairs` pairings (one mentor for four mentees), each with three
    check-ins, a pulse and a milestone: bulk inserts."""
    from checkins.models import CheckIn, Pulse
    from mentorships.models import Goal, Mentorship, Milestone
    from programs.models import Enrolment, Program

    today = date.today()
    program = Program.objects.create(
        name=f"Bench size {pairs}",
        slug=slug,
        purpose="technical",
        status="active",
        start_date=today - timedelta(days=90),
        end_date=today + timedelta(days=90),
        meeting_cadence="fortnightly",
    )
    program.coordinators.add(hr)
    mentors_n = max(1, pairs // 4)
    mentors, mentees = people[:mentors_n], people[mentors_n : mentors_n + pairs]
    Enrolment.objects.bulk_create(
        [Enrolment(program=program, user=u, role="mentor", capacity=4) for u in mentors]
        + [Enrolment(program=program, user=u, role="mentee") for u in mentees],
        batch_size=2000,
    )
    made = Mentorship.objects.bulk_create(
        (
            Mentorship(
                program=program,
                mentor=mentors[i % mentors_n],
                mentee=m,
                status="active",
                started_on=program.start_date,
            )
            for i, m in enumerate(mentees)
        ),
        batch_size=2000,
    )
    checkins = CheckIn.objects.bulk_create(
        (
            CheckIn(
                mentorship=m,
                author_id=m.mentee_id,
                duration_minutes=30,
                activity="other",
                date=today - timedelta(days=(i * 7 + k * 20) % 45),
            )
            for i, m in enumerate(made)
            for k in range(3)
        ),
        batch_size=5000,
    )
    Pulse.objects.bulk_create(
        (Pulse(checkin=c, user_id=c.author_id, score=1 + c.pk % 5) for c in checkins[::3]),
        batch_size=5000,
    )
    goals = Goal.objects.bulk_create(
        (Goal(mentorship=m, title="Bench goal", target_date=program.end_date) for m in made),
        batch_size=5000,
    )
    Milestone.objects.bulk_create(
        (
            Milestone(goal=g, title="Bench milestone", due_date=today + timedelta(days=i % 30 - 15))
            for i, g in enumerate(goals)
        ),
        batch_size=5000,
    )


def program_sizes(who: dict, runs: int) -> bool:
    """The same program pages for a program of 10 pairings and of 4,000 (target: at most 1.5×
    slower). Both programs are made inside a transaction rolled back at the end, so the other
    figures keep the same data."""
    from django.db import transaction

    from people.models import User

    hr = who["hr"]
    people = list(
        User.objects.filter(email__startswith="e", email__endswith="@bench.example").order_by("pk")
    )
    grows = False
    with transaction.atomic():
        _sized_program(hr, people[:13], 10, "bench-size-small")
        _sized_program(hr, people[13 : 13 + 5000], 4000, "bench-size-large")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        pages_of = [
            ("HR, pairings", "/mentorships/program/{}/"),
            ("HR, enrolments", "/programs/{}/enrolments/"),
            ("HR, health board", "/checkins/program/{}/health/"),
            ("HR, program metrics", "/metrics/program/{}/"),
        ]
        print(
            f"{'Page':<24} {'10 pairs ms':>12} {'4,000 pairs ms':>15} {'growth':>7} "
            f"{'CPU growth':>11} {'queries':>9}"
        )
        client = signed_in(hr)
        for label, url in pages_of:
            small, _b, cpu_s, q_small, _s = measure(client, url.format("bench-size-small"), runs)
            large, _b, cpu_l, q_large, _s = measure(client, url.format("bench-size-large"), runs)
            growth = large / small
            grows |= growth > SIZE_GROWTH_TARGET
            figures = (
                f"{small:>12.1f} {large:>15.1f} {growth:>6.2f}× {cpu_l / max(cpu_s, 0.1):>10.2f}× "
                f"{q_small:>4} → {q_large}"
            )
            print(f"{label:<24} {figures}")
        transaction.set_rollback(True)
    print(
        f"Target: at most {SIZE_GROWTH_TARGET}× from 10 to 4,000 pairings."
        + (" NOT MET." if grows else " Met.")
    )
    return grows


def main() -> int:
    parser = argparse.ArgumentParser()
    # Odd, and enough that one render slowed by a noisy neighbour doesn't move the median.
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--keepdb",
        action="store_true",
        help="Keep (and reuse) the generated database between runs.",
    )
    parser.add_argument(
        "--cold-runs",
        type=int,
        default=3,
        help="Renders per dashboard that build the view (no stored figures), for the cold figure.",
    )
    parser.add_argument("--profile", default="", help="Profile this dashboard URL instead.")
    parser.add_argument(
        "--profile-as",
        default="",
        metavar="EMAIL",
        help="With --profile: sign in as this person; 'mentee' or 'mentor' for the participants "
        "of the pages table's pairing (in the URL, {pair} stands for its id).",
    )
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="Only the page-ratio table (each page against the sign-in page).",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="With --keepdb: build the organisation if it isn't there, print its name, stop "
        "(bench/loadtest.py serves it).",
    )
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    # Its own database name, so it never drops a test database someone else is using.
    # BENCH_KEEP_NAME: a kept database of one's own, when several checkouts share the server.
    suffix = os.environ.get("BENCH_KEEP_NAME", "keep2") if args.keepdb else str(os.getpid())
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_bench_dashboards_{suffix}"
    # No serialized copy of the data: nothing here rolls back to it, and it takes minutes.
    connection.creation.create_test_db(verbosity=0, keepdb=args.keepdb, serialize=False)
    slow = False
    try:
        started = time.perf_counter()
        from checkins.models import CheckIn
        from people.models import User

        who = existing() if args.keepdb else None
        who = who or build(random.Random(1))
        if args.build_only:
            print(connection.settings_dict["NAME"])
            return 0
        if args.profile:
            url = args.profile
            if "{pair}" in url:
                url = url.replace("{pair}", str(_participant("bench-7").pk))
            return profile(who, url, args.profile_as)

        if args.pages_only:
            return 1 if pages(who, args.runs) else 0

        from feedback.models import SkillRating, SurveyAnswer

        print(
            f"Organisation: {User.objects.count():,} employees, {CheckIn.objects.count():,} "
            f"check-ins, {SkillRating.objects.count():,} skill ratings, "
            f"{SurveyAnswer.objects.count():,} survey answers "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        cases = [
            ("HR, all programs", who["hr"], "/metrics/"),
            ("HR, one program", who["hr"], f"/metrics/program/{who['program'].slug}/"),
            ("Manager, team (subtree of ~750)", who["manager"], "/metrics/team/"),
            ("Leadership, all programs", who["leader"], "/metrics/leadership/"),
            (
                "Leadership, one department",
                who["leader"],
                f"/metrics/leadership/?department={who['department'].pk}",
            ),
            ("HR, zip export (all tables)", who["hr"], "/metrics/?format=zip"),
        ]
        slow |= dashboards(cases, args.runs, args.cold_runs)
        slow |= pages(who, args.runs)
        slow |= program_sizes(who, args.runs)
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
