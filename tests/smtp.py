"""A real SMTP server for tests: it can be down (port closed), slow, or refuse addresses."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections import Counter

from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        with self.server.lock:
            self.server.received.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


class SmtpServer:
    """Listens on `port` while started; `received` counts messages per recipient address."""

    def __init__(self, *, delay: float = 0.0, refuse: set[str] | None = None) -> None:
        self.port = free_port()
        self.delay = delay
        self.refuse = refuse or set()
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def count(self) -> int:
        with self.lock:
            return sum(self.received.values())
