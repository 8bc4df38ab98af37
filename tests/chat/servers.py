"""Local HTTP servers that speak the parts of Slack's Web API and of a Teams incoming webhook
that Tandem uses (http.server in a thread, on loopback).

`plan` lists the next answers, in order: an int is an HTTP status (429 comes with
Retry-After), a str is a Slack error code answered `{"ok": false, "error": ...}` with 200.
After the plan, the server answers normally. Every request is recorded.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = "xoxb-test-token"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    params: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class FakeServer:
    plan: list = field(default_factory=list)
    retry_after: str = "7"
    requests: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def calls(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path.endswith(path)]

    def next_planned(self):
        with self.lock:
            return self.plan.pop(0) if self.plan else None

    def handle(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def start(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                params = {k: v[0] for k, v in parse_qs(parts.query).items()}
                kind = self.headers.get("Content-Type", "")
                if body and "json" in kind:
                    params.update(json.loads(body))
                elif body and "form" in kind:
                    params.update({k: v[0] for k, v in parse_qs(body.decode()).items()})
                request = Request(
                    self.command, parts.path, dict(self.headers.items()), params, body
                )
                with fake.lock:
                    fake.requests.append(request)
                planned = fake.next_planned()
                if isinstance(planned, int):
                    headers = {"Retry-After": fake.retry_after} if planned == 429 else {}
                    status, payload = planned, b'{"ok": false, "error": "ratelimited"}'
                    if planned != 429:
                        payload = b"Internal trouble"
                elif isinstance(planned, str):
                    status, headers = 200, {}
                    payload = json.dumps({"ok": False, "error": planned}).encode()
                else:
                    status, headers, payload = fake.handle(request)
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _serve
            do_POST = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


@dataclass
class FakeSlack(FakeServer):
    """users.lookupByEmail and chat.postMessage, with a bot token."""

    users: dict[str, str] = field(default_factory=dict)  # email -> Slack user id
    token: str = TOKEN

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def posted(self) -> list[Request]:
        return self.calls("/chat.postMessage")

    def handle(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        def ok(**data) -> tuple[int, dict[str, str], bytes]:
            return 200, {}, json.dumps({"ok": True, **data}).encode()

        def error(code: str) -> tuple[int, dict[str, str], bytes]:
            return 200, {}, json.dumps({"ok": False, "error": code}).encode()

        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return error("invalid_auth")
        if request.path.endswith("/users.lookupByEmail"):
            user_id = self.users.get(str(request.params.get("email", "")).lower())
            if user_id is None:
                return error("users_not_found")
            return ok(user={"id": user_id, "profile": {"email": request.params["email"]}})
        if request.path.endswith("/chat.postMessage"):
            channel = request.params.get("channel")
            if channel not in self.users.values():
                return error("channel_not_found")
            return ok(channel=f"D{channel}", ts="1700000000.000100")
        return 404, {}, json.dumps({"ok": False, "error": "unknown_method"}).encode()


@dataclass
class FakeTeams(FakeServer):
    """Incoming webhooks: /webhook/<name> takes a message with an Adaptive Card; others 404."""

    names: set[str] = field(default_factory=lambda: {"mentoring"})

    def url(self, name: str = "mentoring") -> str:
        return f"{self.base}/webhook/{name}"

    def cards(self) -> list[dict]:
        return [r.json for r in self.calls("") if r.method == "POST"]

    def handle(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        name = request.path.rsplit("/", 1)[-1]
        if name not in self.names:
            return 404, {"Content-Type": "text/plain"}, b"Webhook not found"
        try:
            message = json.loads(request.body)
            attachment = message["attachments"][0]
            assert message["type"] == "message"
            assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
            assert attachment["content"]["type"] == "AdaptiveCard"
        except (ValueError, KeyError, IndexError, AssertionError):
            return 400, {"Content-Type": "text/plain"}, b"Bad payload"
        return 200, {"Content-Type": "text/plain"}, b"1"
