"""The production shape, run for real: docker-compose.yml's own commands, as processes.

There is no Docker engine here, so each compose service runs as the process its `command` names,
with the environment compose gives it (`.env.example` with the addresses of this machine, plus
the service's `environment`): the one-off `migrate`, two `web` (gunicorn with gunicorn.conf.py)
and two `worker` processes (as `--scale web=2 --scale worker=2`), `beat`, and the `proxy` (Caddy
with deploy/Caddyfile, TLS from its internal CA), against one fresh PostgreSQL database and a
private Redis, with a local SMTP sink as the mail server. The test signs in through the proxy
over verified HTTPS, runs matching, publishes, and waits for the emails.
"""

from __future__ import annotations

import email
import os
import re
import secrets
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

from tests.conftest import ROOT
from tests.resilience.helpers import Browser, PrivateRedis, _stop, _wait_for_port, free_port
from tests.twofactor.helpers import code_from_secret

pytestmark = pytest.mark.stack

VENV_BIN = Path(sys.executable).parent
HR_EMAIL, DEMO_PASSWORD = "hr@tandem.example", "tandem-demo"
PROGRAM = "cloud-upskilling"
START_TIMEOUT = 90.0
RUN_TIMEOUT = 180.0
MAIL_TIMEOUT = 90.0


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dotenv(path: Path) -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )
    return {key.strip(): value.strip().strip('"') for key, value in pairs}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR:-default} (the only form the file uses for the proxy)."""
    return re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: env.get(m[1]) or m[2], str(value))


def wait_until(
    predicate: Callable[[], object], timeout: float, what: str, log: Callable[[], str] = lambda: ""
) -> object:
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception as exc:  # not ready yet
            last = exc
        else:
            if last:
                return last
        time.sleep(0.5)
    raise AssertionError(f"{what} within {timeout:.0f} s (last: {last!r})\n{log()}")


class MailSink:
    """A local SMTP server (aiosmtpd) that keeps every message it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.Message] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        with self.lock:
            self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"

    def with_subject(self, subject: str) -> list[email.message.Message]:
        with self.lock:
            return [m for m in self.messages if m["Subject"] == subject]


class Stack:
    """The compose services as processes; every one is stopped by `stop`, whatever happened."""

    def __init__(self, workdir: Path, env: dict[str, str], addresses: dict[str, str]) -> None:
        self.workdir = workdir
        self.env = env
        # This machine's addresses in place of the compose network's, over any service's own.
        self.addresses = addresses
        self.services = compose()["services"]
        self.processes: dict[str, subprocess.Popen] = {}

    def environment(self, service: str, **extra: str) -> dict[str, str]:
        declared = self.services[service].get("environment", {})
        declared = {k: interpolate(v, self.env) for k, v in declared.items()}
        return {**self.env, **declared, **self.addresses, **extra}

    def command(self, service: str) -> list[str]:
        command = list(self.services[service]["command"])
        # The container paths of mounted files are this checkout's files.
        for volume in self.services[service].get("volumes", []):
            source, _, target = volume.partition(":")
            if source.startswith("./"):
                target = target.split(":")[0]
                command = [str(ROOT / source[2:]) if arg == target else arg for arg in command]
        return command

    def run_once(self, service: str, *command: str, timeout: float = 300) -> str:
        result = subprocess.run(
            list(command) or self.command(service),
            cwd=ROOT,
            env=self.environment(service),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"{service} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def start(
        self, name: str, service: str, command: list[str] | None = None, **extra: str
    ) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("w")
        process = subprocess.Popen(
            command or self.command(service),
            cwd=ROOT,
            env=self.environment(service, **extra),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = process
        return process

    def health_check(self, service: str, port: int | None = None, **extra: str) -> bool:
        """Runs the service's compose health check command; True if it passes.

        `port`: web's port here instead of the container's 8000.
        """
        test = self.services[service]["healthcheck"]["test"]
        command = ["sh", "-c", test[1].replace("$$", "$")] if test[0] == "CMD-SHELL" else test[1:]
        if port is not None:
            command = [arg.replace("127.0.0.1:8000", f"127.0.0.1:{port}") for arg in command]
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=self.environment(service, **extra),
            capture_output=True,
            timeout=60,
        )
        return result.returncode == 0

    def log(self, *names: str) -> str:
        out = []
        for name in names or self.processes:
            path = self.workdir / f"{name}.log"
            if path.exists():
                out.append(f"--- {name} ---\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(out)

    def stop(self) -> None:
        for process in reversed(self.processes.values()):
            process.terminate()
        for process in self.processes.values():
            _stop(process, sig_kill_after=15)


def _fresh_database() -> tuple[str, Callable[[], None]]:
    import psycopg

    db = settings.DATABASES["default"]
    name = f"{db['NAME'].removeprefix('test_')}_stack"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    server = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"

    def drop() -> None:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}", drop


@pytest.fixture(scope="module")
def stack() -> Iterator[dict]:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.fail("caddy is missing: run `make test`, which installs Debian's Caddy.")
    workdir = Path(tempfile.mkdtemp(prefix="tandem-stack-"))
    ports = {"https": free_port(), "http": free_port(), "health": free_port()}
    web_ports = [free_port(), free_port()]
    site = f"https://localhost:{ports['https']}"
    database_url, drop_database = _fresh_database()
    redis = PrivateRedis()
    sink = MailSink()
    stack = None
    try:
        redis.start()
        sink.controller.start()
        env = dotenv(ROOT / ".env.example")
        env.update(
            SECRET_KEY=secrets.token_urlsafe(64),
            DOMAIN="localhost",
            ALLOWED_HOSTS="localhost",
            CSRF_TRUSTED_ORIGINS=site,
            SITE_URL=site,
            DATABASE_URL=database_url,
            CELERY_BROKER_URL=redis.url,
            CACHE_URL=redis.url.replace("/0", "/1"),
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            WEB_CONCURRENCY="2",
            # The proxy: Caddy's own ports, data and config directories, and both web processes.
            HTTPS_PORT=str(ports["https"]),
            HTTP_PORT=str(ports["http"]),
            HEALTH_PORT=str(ports["health"]),
            XDG_DATA_HOME=str(workdir / "data"),
            XDG_CONFIG_HOME=str(workdir / "config"),
            HOME=str(workdir),
            PATH=f"{VENV_BIN}:{os.environ['PATH']}",
            LANG="C.UTF-8",
        )
        # Nothing may still point at the compose network's host names.
        assert not [k for k, v in env.items() if re.search(r"@postgres:|//redis:", v)]
        stack = Stack(workdir, env, {"UPSTREAMS": " ".join(f"127.0.0.1:{p}" for p in web_ports)})

        # The image runs collectstatic when it is built; the manual steps of docs/operations.md
        # run it here.
        stack.run_once("web", "python", "manage.py", "collectstatic", "--noinput")
        stack.run_once("migrate")
        stack.run_once("web", "python", "manage.py", "seed_demo", "--force")
        for i, port in enumerate(web_ports):
            stack.start(f"web{i}", "web", GUNICORN_BIND=f"127.0.0.1:{port}")
        for i, port in enumerate(web_ports):
            _wait_for_port(port, stack.processes[f"web{i}"], "gunicorn")
            # As compose starts the proxy once web is healthy: web's own health check passes.
            wait_until(
                lambda port=port: stack.health_check("web", port=port),
                START_TIMEOUT,
                f"web{i} healthy",
                lambda i=i: stack.log(f"web{i}"),
            )
        for i in range(2):
            # A container's host name makes each worker's node name unique; here, --hostname.
            stack.start(
                f"worker{i}", "worker", stack.command("worker") + [f"--hostname=celery@stack{i}"]
            )
        beat = [
            str(workdir / "celerybeat-schedule") if a == "/tmp/celerybeat-schedule" else a
            for a in stack.command("beat")
        ]
        stack.start("beat", "beat", beat)
        stack.start(
            "proxy", "proxy", [caddy if a == "caddy" else a for a in stack.command("proxy")]
        )
        _wait_for_port(ports["https"], stack.processes["proxy"], "caddy")
        root_cert = workdir / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        wait_until(
            root_cert.exists, START_TIMEOUT, "Caddy's internal CA", lambda: stack.log("proxy")
        )
        yield {
            "stack": stack,
            "sink": sink,
            "site": site,
            "ports": ports,
            "web_ports": web_ports,
            "tls": ssl.create_default_context(cafile=str(root_cert)),
        }
    finally:
        if stack is not None:
            stack.stop()
        sink.controller.stop()
        redis.cleanup()
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)


def browser(stack: dict) -> Browser:
    return Browser(stack["ports"]["https"], host="localhost", tls=stack["tls"])


def test_it_passes_every_services_compose_health_check(stack):
    s = stack["stack"]
    for port in stack["web_ports"]:
        assert s.health_check("web", port=port)
    for i in range(2):
        wait_until(
            lambda i=i: s.health_check("worker", HOSTNAME=f"stack{i}"),
            START_TIMEOUT,
            f"worker{i} healthy",
            lambda i=i: s.log(f"worker{i}"),
        )
    assert s.health_check("beat"), s.log("beat")
    # The proxy's check (wget in the Caddy image) asks its loopback-only health port.
    health = Browser(stack["ports"]["health"]).get("/healthz")
    assert health.status == 200 and '"status": "ok"' in health.body, health.body + s.log("proxy")


def test_it_serves_the_health_check_over_verified_https(stack):
    response = browser(stack).get("/healthz")
    assert response.status == 200, response.body + stack["stack"].log()
    assert '"database": "ok"' in response.body and '"migrations": "ok"' in response.body
    assert '"broker": "ok"' in response.body and '"cache": "ok"' in response.body


def test_it_serves_the_static_files_through_the_proxy(stack):
    response = browser(stack).get("/static/css/app.css")
    assert response.status == 200 and response.body.strip()


def test_it_serves_pages_through_the_proxy_as_https_and_redirects_any_other_way_in(stack):
    # Django sees HTTPS only from the proxy's X-Forwarded-Proto; straight to gunicorn it redirects.
    assert browser(stack).get("/accounts/login/").status == 200
    direct = Browser(stack["web_ports"][0], host="localhost").get("/accounts/login/")
    assert direct.status == 301 and direct.location.startswith("https://localhost")


def test_it_redirects_plain_http_to_https(stack):
    response = Browser(stack["ports"]["http"], host="localhost").get("/accounts/login/")
    target = urlsplit(response.location)
    assert response.status == 308
    # Caddy's redirect names no port: right for compose's 443, not for the test's own port.
    assert (target.scheme, target.hostname, target.path) == (
        "https",
        "localhost",
        "/accounts/login/",
    )


def test_it_signs_in_runs_matching_publishes_and_emails_both_sides(stack):
    s, sink, site = stack["stack"], stack["sink"], stack["site"]
    hr = browser(stack)
    hr.login(HR_EMAIL, DEMO_PASSWORD)
    # Production asks an HR coordinator who signs in with a password to set up an app first.
    setup = hr.get("/")
    assert setup.status == 302 and "/account/two-factor/setup/" in setup.location, setup.location
    page = hr.get("/account/two-factor/setup/").body
    secret = re.search(r'id="twofactor-secret">([^<]+)<', page)
    assert secret, page
    turned_on = hr.post("/account/two-factor/setup/", {"code": code_from_secret(secret[1])})
    assert turned_on.status == 302, turned_on.body
    assert hr.post("/account/two-factor/recovery-codes/").status == 302
    assert "Programs I coordinate" in hr.get("/").body

    started = hr.post(f"/matching/programs/{PROGRAM}/start/", referer_path=f"/programs/{PROGRAM}/")
    assert started.status == 302, started.body
    run = urlsplit(started.location).path
    assert re.fullmatch(r"/matching/runs/\d+/", run), started.location
    wait_until(
        lambda: "data-poll-done" in hr.get(f"{run}status/").body,
        RUN_TIMEOUT,
        "the matching run finished",
        lambda: s.log("worker0", "worker1"),
    )
    assert "Run succeeded" in hr.get(f"{run}status/").body

    assert hr.post(f"{run}accept/", {"all": "1"}, referer_path=run).status == 302
    # Accepting runs on a worker; Publish waits until it is done.
    wait_until(
        lambda: "data-poll-done" in hr.get(f"{run}accepting/").body,
        RUN_TIMEOUT,
        "the proposals were accepted",
        lambda: s.log("worker0", "worker1"),
    )
    assert hr.post(f"{run}publish/", referer_path=run).status == 302
    published = re.search(r"Published: (\d+) mentorship", hr.get(run).body)
    assert published, s.log("web0", "web1")
    pairs = int(published[1])
    assert pairs > 0

    subject = "Your match in Cloud upskilling cohort"
    wait_until(
        lambda: len(sink.with_subject(subject)) >= 2 * pairs,
        MAIL_TIMEOUT,
        f"{2 * pairs} match emails in the SMTP sink",
        lambda: s.log(),
    )
    mails = sink.with_subject(subject)
    assert len(mails) == 2 * pairs
    assert all(f"{site}/mentorships/" in m.get_payload(decode=True).decode() for m in mails)
