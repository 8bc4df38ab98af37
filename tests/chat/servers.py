"""Local HTTP servers that speak the parts of Slack's Web API and of a Teams incoming webhook
that Tandem uses (`tests.servers.LoopbackServer`: http.server in a thread, on loopback).

`plan` lists the next answers, in order: an int is an HTTP status (429 comes with
Retry-After), a str is a Slack error code answered `{"ok": false, "error": ...}` with 200.
After the plan, the server answers normally. Every request is recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from tests.servers import LoopbackServer, Request

TOKEN = "xoxb-test-token"


@dataclass
class FakeServer(LoopbackServer):
    plan: list = field(default_factory=list)
    retry_after: str = "7"

    def next_planned(self):
        with self.lock:
            return self.plan.pop(0) if self.plan else None

    def handle(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def answer(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        planned = self.next_planned()
        if isinstance(planned, int):
            headers = {"Retry-After": self.retry_after} if planned == 429 else {}
            if planned != 429:
                return planned, headers, b"Internal trouble"
            return planned, headers, b'{"ok": false, "error": "ratelimited"}'
        if isinstance(planned, str):
            return 200, {}, json.dumps({"ok": False, "error": planned}).encode()
        return self.handle(request)


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
