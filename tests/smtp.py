"""A real SMTP server for tests: it can be down (port closed), slow, or refuse addresses.

It also counts each accepted message's Message-ID, the key a receiver drops a resent copy by.
`python -m tests.smtp PORT LOG` runs one in its own process (the mail benchmark's sink): it
appends "<recipient> <message-id>" per accepted message to LOG until it is terminated.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import socket
import sys
import threading
from collections import Counter
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line

_HEADERS_END = re.compile(rb"\r?\n\r?\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def message_id(content: bytes) -> str:
    """The Message-ID header of a raw message ("" if it has none)."""
    head = _HEADERS_END.split(content, maxsplit=1)[0]
    return (BytesHeaderParser().parsebytes(head).get("Message-ID") or "").strip()


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        mid = message_id(envelope.original_content or envelope.content or b"")
        with self.server.lock:
            self.server.received.update(envelope.rcpt_tos)
            self.server.message_ids[mid] += 1
            if self.server.log is not None:
                for rcpt in envelope.rcpt_tos:
                    self.server.log.write(f"{rcpt} {mid}\n")
                self.server.log.flush()
        return "250 Message accepted for delivery"


class SmtpServer:
    """Listens on `port` while started; `received` counts messages per recipient address and
    `message_ids` per Message-ID."""

    def __init__(
        self,
        *,
        delay: float = 0.0,
        refuse: set[str] | None = None,
        port: int | None = None,
        log_path: str | None = None,
    ) -> None:
        self.port = port or free_port()
        self.delay = delay
        self.refuse = refuse or set()
        self.received: Counter[str] = Counter()
        self.message_ids: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.log = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self.log is not None:
            self.log.close()
            self.log = None

    def count(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def duplicates(self) -> int:
        """Messages received more than once under the same Message-ID."""
        with self.lock:
            return sum(n - 1 for mid, n in self.message_ids.items() if mid and n > 1)


def main() -> int:
    port, log_path = int(sys.argv[1]), sys.argv[2]
    server = SmtpServer(port=port, log_path=log_path)
    server.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print("ready", flush=True)
    stopped.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
