"""A real HTTP receiver on loopback (http.server in a thread) that checks webhook signatures.

`answers` plans its replies in order: an int is a status code, "timeout" waits longer than
the sender's timeout before answering; after the plan it answers 200. It records every request
and which event ids it saw, so a test can tell a duplicate from a lost event.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from webhooks import signing

# This helper's own port range (tests/webhooks), away from the other test servers.
PORTS = range(18300, 18400)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    valid_signature: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    answers: list = field(default_factory=list)
    timeout_sleep: float = 2.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    def event_ids(self) -> Counter:
        with self.lock:
            return Counter(r.headers.get("Tandem-Event-Id") for r in self.received)

    def accepted(self) -> list[Received]:
        """The requests answered 2xx, one per event a receiver that drops duplicates keeps."""
        with self.lock:
            return [r for r in self.received if r.valid_signature]

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                valid = signing.verify(
                    receiver.secret,
                    self.headers.get(signing.HEADER, ""),
                    body,
                    now=int(time.time()),
                )
                with receiver.lock:
                    receiver.received.append(Received(dict(self.headers.items()), body, valid))
                    answer = receiver.answers.pop(0) if receiver.answers else 200
                if not valid:
                    answer = 401
                if answer == "timeout":
                    time.sleep(receiver.timeout_sleep)
                    answer = 200
                payload = json.dumps({"answer": answer}).encode()
                try:
                    self.send_response(answer)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting (a timeout test)

        for port in PORTS:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
                break
            except OSError:
                continue
        else:
            raise RuntimeError("No free port in 18300-18399 for the webhook receiver.")
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
