"""Real processes for resilience tests: a private Redis, a web server and Celery workers.

Other test runs share the machine's Redis on 6379, so nothing here ever touches it: every test
starts its own `redis-server` on a free port and stops or restarts only that one.
"""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from celery import Celery

from tests.conftest import ROOT, _worker_env, worker_command

READY_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up (code {process.returncode}).")
        if _port_open(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {READY_TIMEOUT} s.")


def _stop(process: subprocess.Popen | None, sig_kill_after: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=sig_kill_after)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


class PrivateRedis:
    """A throwaway `redis-server` on its own port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.dir = tempfile.mkdtemp(prefix="tandem-redis-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        # Without persistence the queues are gone with the process, as after a real crash.
        self.thaw()
        _stop(self.process)
        self.process = None

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections but nothing answers, like a partition."""
        if self.process:
            self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def process_env(broker: str, **extra: str) -> dict[str, str]:
    """The environment a worker, a command or the web server needs to share the test database."""
    return {**_worker_env(broker), **extra}


@dataclass
class Worker:
    """A `celery worker` subprocess on a private broker; `extra_env` overrides settings."""

    broker: str
    queue: str = "celery"
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def __post_init__(self) -> None:
        self.client = Celery(broker=self.broker, backend=self.broker, set_as_current=False)
        self.client.conf.task_default_queue = self.queue

    def start(self, *, wait_ready: bool = True) -> None:
        cmd = worker_command(self.queue, f"resilience-{free_port()}@%h")
        # stdout only carries the start-up banner; warnings and errors go to stderr.
        self.process = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=process_env(self.broker, **self.extra_env),
            stdout=subprocess.DEVNULL,
        )
        if wait_ready:
            self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError("The Celery worker exited during start-up.")
            try:
                self.client.send_task("tests.echo", args=["ready"], queue=self.queue).get(timeout=2)
                return
            except Exception:  # not consuming yet
                time.sleep(0.2)
        raise RuntimeError(f"The Celery worker did not answer within {READY_TIMEOUT} s.")

    def kill(self, sig: int = 9) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        _stop(self.process)


def manage(broker: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Runs `manage.py <args>` as its own process against the test database."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=process_env(broker),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


class WebServer:
    """The site served by gunicorn, as in production, publishing to `broker`."""

    def __init__(self, broker: str, **extra_env: str) -> None:
        self.broker = broker
        self.extra_env = extra_env
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkstemp(prefix="tandem-web-", suffix=".log")[1])

    def start(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "mentorship_site.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=process_env(self.broker, **self.extra_env),
                stdout=log,
                stderr=log,
            )
        _wait_for_port(self.port, self.process, "gunicorn")

    def stop(self) -> None:
        _stop(self.process)
        self.log.unlink(missing_ok=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]


@dataclass
class Response:
    status: int
    seconds: float
    body: str
    location: str = ""


class Browser:
    """A minimal cookie-keeping HTTP client (no redirects followed: each page is measured alone).

    With `tls`, it speaks HTTPS to `host` and verifies the certificate with that context.
    """

    def __init__(
        self,
        port: int,
        timeout: float = 30,
        *,
        host: str = "127.0.0.1",
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.port = port
        self.timeout = timeout
        self.host = host
        self.tls = tls
        self.cookies: dict[str, str] = {}

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def _connection(self) -> http.client.HTTPConnection:
        if self.tls:
            return http.client.HTTPSConnection(
                self.host, self.port, timeout=self.timeout, context=self.tls
            )
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        conn = self._connection()
        all_headers = {"Host": f"{self.host}:{self.port}", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            raw = conn.getresponse()
            data = raw.read()
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        for header in raw.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(
            raw.status,
            seconds,
            data.decode("utf-8", errors="replace"),
            raw.headers.get("Location", ""),
        )

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(
        self, path: str, data: dict[str, str] | None = None, *, referer_path: str = ""
    ) -> Response:
        body = urlencode({"csrfmiddlewaretoken": self.csrf_token(), **(data or {})}).encode()
        return self.post_raw(
            path, body, "application/x-www-form-urlencoded", referer_path=referer_path
        )

    def post_raw(
        self, path: str, body: bytes, content_type: str, *, referer_path: str = ""
    ) -> Response:
        headers = {
            "Content-Type": content_type,
            "X-CSRFToken": self.csrf_token(),
            "Referer": f"{self.origin}{referer_path or path}",
        }
        return self.request("POST", path, body=body, headers=headers)

    def csrf_token(self) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.cookies.get("csrftoken", "")

    def login(self, email: str, password: str) -> Response:
        page = self.get("/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        token = match.group(1) if match else self.csrf_token()
        body = urlencode(
            {"csrfmiddlewaretoken": token, "username": email, "password": password}
        ).encode()
        response = self.post_raw("/accounts/login/", body, "application/x-www-form-urlencoded")
        if response.status != 302 or "sessionid" not in self.cookies:
            raise AssertionError(f"Login of {email} failed: {response.status}")
        return response
