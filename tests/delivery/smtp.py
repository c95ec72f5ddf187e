"""A real SMTP server (aiosmtpd) on loopback for the e-mail tests, and what it received."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

__all__ = ["Inbox", "Smtp"]


class Inbox:
    """What the SMTP server received: parsed messages, with their arrival times."""

    def __init__(self) -> None:
        self.messages: list[tuple[float, Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            parsed = email.message_from_bytes(
                envelope.original_content, policy=email.policy.default
            )
            self.messages.append((time.monotonic(), parsed))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for _, m in self.messages if m["To"] == address]


class Smtp:
    """aiosmtpd on a fixed loopback port, startable again after a stop."""

    def __init__(self, inbox: Inbox, port: int) -> None:
        self.inbox, self.port = inbox, port
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
