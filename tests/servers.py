"""Local HTTP servers for tests: http.server in a thread, on loopback, recording every request.

A subclass answers in `answer(request)` with (status, headers, body); `LoopbackServer` does the
rest: it reads the request (query string, then a JSON or form body, into `params`), records it
under `lock` in `requests`, writes the reply (JSON unless the headers name another type) and
shrugs off a client that stopped waiting (a timeout test). `start()` binds the first free port of
`PORTS` (any free port by default) and serves in a daemon thread; `stop()` shuts it down. Used
by the chat fakes (tests/chat/servers.py) and the webhook receiver (tests/webhooks/receiver.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit


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


def _params(query: str, body: bytes, content_type: str) -> dict:
    params = {k: v[0] for k, v in parse_qs(query).items()}
    if body and "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if isinstance(data, dict):
            params.update(data)
    elif body and "form" in content_type:
        params.update({k: v[0] for k, v in parse_qs(body.decode()).items()})
    return params


@dataclass
class LoopbackServer:
    PORTS: ClassVar[Sequence[int]] = (0,)  # 0: any free port

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

    def answer(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def start(self) -> LoopbackServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                params = _params(parts.query, body, self.headers.get("Content-Type", ""))
                request = Request(
                    self.command, parts.path, dict(self.headers.items()), params, body
                )
                with fake.lock:
                    fake.requests.append(request)
                status, headers, payload = fake.answer(request)
                headers = dict(headers)
                try:
                    self.send_response(status)
                    self.send_header(
                        "Content-Type", headers.pop("Content-Type", "application/json")
                    )
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting

            do_GET = _serve
            do_POST = _serve

        for port in self.PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError(
                f"No free port in {self.PORTS[0]}-{self.PORTS[-1]} for {type(self).__name__}."
            )
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
