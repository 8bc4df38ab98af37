"""A real HTTP receiver on loopback (`tests.servers.LoopbackServer`: http.server in a thread)
that checks webhook signatures.

`answers` plans its replies in order: an int is a status code, "timeout" waits longer than
the sender's timeout before answering; after the plan it answers 200. It records every request
and which event ids it saw, so a test can tell a duplicate from a lost event.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.servers import LoopbackServer, Request
from webhooks import signing


@dataclass
class Received(Request):
    valid_signature: bool = False


@dataclass
class Receiver(LoopbackServer):
    # This helper's own port range (tests/webhooks), away from the other test servers.
    PORTS = range(18300, 18400)

    secret: str = ""
    answers: list = field(default_factory=list)
    timeout_sleep: float = 2.0
    received: list[Received] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.base}/hooks"

    def event_ids(self) -> Counter:
        with self.lock:
            return Counter(r.headers.get("Tandem-Event-Id") for r in self.received)

    def accepted(self) -> list[Received]:
        """The requests answered 2xx, one per event a receiver that drops duplicates keeps."""
        with self.lock:
            return [r for r in self.received if r.valid_signature]

    def answer(self, request: Request) -> tuple[int, dict[str, str], bytes]:
        signature = next(
            (v for k, v in request.headers.items() if k.lower() == signing.HEADER.lower()), ""
        )
        valid = signing.verify(self.secret, signature, request.body, now=int(time.time()))
        with self.lock:
            self.received.append(Received(**vars(request), valid_signature=valid))
            answer = self.answers.pop(0) if self.answers else 200
        if not valid:
            answer = 401
        if answer == "timeout":
            time.sleep(self.timeout_sleep)
            answer = 200
        return answer, {}, json.dumps({"answer": answer}).encode()
