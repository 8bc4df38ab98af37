"""`make loadtest`: the production shape under a realistic mix of users, step by step.

1. Builds (once, kept) the bench organisation of bench/dashboards.py: 15,000 employees, 50,000
   check-ins, 8 programs, in PostgreSQL.
2. Signs in sample participants, HR coordinators and managers in the production settings (a
   session each, with a verified authenticator app where the role needs one), so no virtual user
   spends the server's CPU on password hashing.
3. Starts gunicorn with the shipped gunicorn.conf.py and production settings, and a Celery
   worker, on loopback (the proxy's TLS is left out: requests say X-Forwarded-Proto: https, as
   the proxy does).
4. Runs Locust headless (bench/locustfile.py, its own virtualenv .venv-loadtest) ramping
   10 → 50 → 100 → 200 users with think time, and prints, per step and per page: requests/s,
   p50/p95/p99, errors (resets and 5xx apart from 503), pages shed on purpose (503), and each
   page's p50 relative to the sign-in page in the same step.

    .venv/bin/python bench/loadtest.py [--steps 10:30,50:30,100:30,200:30] [--workers N]
        [--threads N]

Traffic goes to 127.0.0.1 only; the run is bounded by the sum of the steps.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
LOCUST = ROOT / ".venv-loadtest" / "bin" / "locust"
DEFAULT_STEPS = "10:30,50:30,100:30,200:30"
BASELINE = "sign-in page (baseline)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_database() -> str:
    """The kept bench organisation's database name (built the first time, a few minutes)."""
    out = subprocess.run(
        [sys.executable, "bench/dashboards.py", "--keepdb", "--build-only"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def server_env(database: str, port: int) -> dict[str, str]:
    from urllib.parse import urlsplit

    test_url = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tandem")
    parts = urlsplit(test_url)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorship_site.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": parts._replace(path=f"/{database}").geturl(),
        "SITE_URL": f"https://127.0.0.1:{port}",
        "CACHE_URL": "redis://127.0.0.1:6379/12",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
        # Mail goes nowhere: nothing in the mix sends any, and a worker must not reach out.
        "EMAIL_URL": "smtp://127.0.0.1:9",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        "SECURE_HSTS_SECONDS": "0",
    }


def prepare_sessions(env: dict[str, str], path: Path) -> None:
    subprocess.run(
        [sys.executable, str(Path(__file__)), "--prepare", str(path)], cwd=ROOT, env=env, check=True
    )


def _prepare(path: str) -> None:
    """Runs inside the production settings: a session per sample account."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.sessions.backends.base import SessionBase
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mentorships.models import Mentorship
    from people.models import User
    from programs.models import Program

    def session(user: User) -> str:
        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="load test", defaults={"confirmed": True}
        )
        store: SessionBase = client.session.__class__(session_key=key)
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.save()
        return key

    live = Mentorship.objects.filter(status="active").select_related("mentee", "mentor")
    participants = []
    for m in live.order_by("pk")[:40]:
        participants.append({"cookie": session(m.mentee), "mentorship": m.pk})
    hr = User.objects.get(email="bench.hr@example.com")
    programs = list(Program.objects.filter(status="active").values_list("slug", flat=True))
    heads = User.objects.filter(email__startswith="head").order_by("pk")[:10]
    leads = User.objects.filter(email__startswith="lead").order_by("pk")[:10]
    data = {
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "participant": participants,
        "hr": [{"cookie": session(hr), "program": slug} for slug in programs],
        "manager": [{"cookie": session(u)} for u in [*heads, *leads]],
    }
    Path(path).write_text(json.dumps(data))


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not listen on {port} within {timeout:.0f} s")


def warm_up(port: int, timeout: float = 120) -> None:
    """gunicorn's workers import Django on their first request: a few requests per worker before
    the clock starts, until the sign-in page answers quickly three times in a row."""
    import urllib.request

    deadline, quick = time.monotonic() + timeout, 0
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/accounts/login/", headers={"X-Forwarded-Proto": "https"}
    )
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        urllib.request.urlopen(request, timeout=60).read()
        quick = quick + 1 if time.perf_counter() - started < 0.5 else 0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(result: dict) -> bool:
    """Prints the per-step, per-page table; True when participant pages met the target."""
    steps = result["steps"]
    by: dict[tuple[int, str], list] = defaultdict(list)
    for step, name, ms, status, error in result["samples"]:
        by[(step, name)].append((ms, status, error))
    met = True
    for index, (users, seconds) in enumerate(steps):
        baseline = [ms for ms, _, err in by.get((index, BASELINE), []) if not err]
        base = statistics.median(baseline) if baseline else 0
        print(f"\nStep {index + 1}: {users} users for {seconds} s (sign-in page p50 {base:.0f} ms)")
        print(
            f"{'Page':<30} {'req/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'ratio':>6} "
            f"{'errors':>7} {'shed':>5}"
        )
        names = sorted(name for step, name in by if step == index)
        for name in names:
            rows = by[(index, name)]
            ok = [ms for ms, _, err in rows if not err]
            errors = sum(1 for _, status, err in rows if err and status != 503)
            shed = sum(1 for _, status, _ in rows if status == 503)
            p50, p95, p99 = (percentile(ok, q) for q in (0.5, 0.95, 0.99))
            ratio = p50 / base if base else 0
            print(
                f"{name:<30} {len(rows) / seconds:>6.1f} {p50:>6.0f} {p95:>6.0f} {p99:>6.0f} "
                f"{ratio:>5.1f}× {errors:>7} {shed:>5}"
            )
            if users == 100 and name.startswith("participant") and p95 >= 300:
                met = False
    if not any(users == 100 for users, _ in steps):
        print("\nTarget (participant pages p95 under 300 ms at 100 users): no 100-user step.")
        return True
    verdict = " Met." if met else " NOT MET."
    print("\nTarget: participant pages p95 under 300 ms at 100 users." + verdict)
    return met


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", default=os.environ.get("LOADTEST_STEPS", DEFAULT_STEPS))
    parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", ""))
    parser.add_argument("--threads", default=os.environ.get("GUNICORN_THREADS", ""))
    parser.add_argument("--prepare", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        _prepare(args.prepare)
        return 0
    if not LOCUST.exists():
        raise SystemExit("Locust is missing: run `make loadtest` (it installs .venv-loadtest).")
    started = time.perf_counter()
    database = build_database()
    port = free_port()
    env = server_env(database, port)
    if args.workers:
        env["WEB_CONCURRENCY"] = args.workers
    if args.threads:
        env["GUNICORN_THREADS"] = args.threads
    work = Path(tempfile.mkdtemp(prefix="tandem-loadtest-"))
    sessions, samples = work / "sessions.json", work / "samples.json"
    prepare_sessions(env, sessions)
    print(
        f"Database {database} ready, sessions prepared ({time.perf_counter() - started:.0f} s); "
        f"gunicorn on 127.0.0.1:{port} (workers {env.get('WEB_CONCURRENCY', '3')}, threads "
        f"{env.get('GUNICORN_THREADS', '8')}), one Celery worker",
        flush=True,
    )
    logs = (work / "server.log").open("w")
    procs = [
        subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "mentorship_site.wsgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "mentorship_site",
                "worker",
                "--concurrency=1",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs,
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        wait_for(port)
        warm_up(port)
        total = sum(int(part.split(":")[1]) for part in args.steps.split(","))
        subprocess.run(
            [
                str(LOCUST),
                "-f",
                "bench/locustfile.py",
                "--headless",
                "--only-summary",
                "--host",
                f"http://127.0.0.1:{port}",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "LOADTEST_SESSIONS": str(sessions),
                "LOADTEST_OUT": str(samples),
                "LOADTEST_STEPS": args.steps,
            },
            timeout=total + 120,
            stdout=logs,
            stderr=subprocess.STDOUT,
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    met = report(json.loads(samples.read_text()))
    print(f"Server log: {work / 'server.log'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
