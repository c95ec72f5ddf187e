"""Fixtures for webhook tests: newswire with webhook workers, and real HTTP receivers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from newswire.delivery import webhooks as worker
from tests.conftest import LiveServer, Wire, free_port, new_key
from tests.delivery.smtp import Inbox, Smtp

# Shrunk so that a test module runs in seconds: 0.05 s, 0.1 s ... capped at 0.4 s,
# dead after six failed attempts; a receiver has half a second to answer.
FAST = worker.RetryPolicy(first_delay=0.05, max_delay=0.4, window=120.0, max_attempts=6)
TIMEOUT = 0.5
WORKERS = 2  # two workers on one database: order must hold across them


def _with_more_workers(app: FastAPI) -> FastAPI:
    """Run more webhook workers beside the app's own, with fast polling."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner(app) as state:
            ctx = app.state.context
            tasks = [
                asyncio.create_task(
                    worker.run_webhook_worker(
                        ctx.db, ctx.notifier, retry=FAST, timeout=TIMEOUT, poll=0.1
                    )
                )
                for _ in range(WORKERS - 1)
            ]
            try:
                yield state
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    app.router.lifespan_context = lifespan
    return app


@pytest.fixture
def hooks(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Wire]:
    """newswire on a fresh database with webhook workers running fast retries."""
    # The app's own worker reads these module defaults: it gets the fast policy too.
    monkeypatch.setattr(worker, "RETRY", FAST)
    monkeypatch.setattr(worker, "TIMEOUT", TIMEOUT)
    server = LiveServer(db_url, tmp_path, wrap=_with_more_workers)
    wire = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"))
    try:
        yield wire
    finally:
        wire.close()
        server.stop()


@dataclass(frozen=True)
class Received:
    """One request a receiver got, and the status it answered."""

    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = json.loads(self.body)
        return entry


# Given the request's number (from 1) and its body: the status to answer and the
# seconds to sleep first.
Answer = Callable[[int, bytes], tuple[int, float]]


class Receiver:
    """A real HTTP endpoint on loopback that records every POST it gets."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.answer: Answer = answer or (lambda n, body: (200, 0.0))
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/newswire"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request (the crash tests)
                    self.close_connection = True
                    return
                with receiver.lock:
                    status, pause = receiver.answer(len(receiver.received) + 1, body)
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    receiver.received.append(Received(headers, body, status))
                time.sleep(pause)
                with contextlib.suppress(OSError):  # the sender may have given up
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def accepted(self) -> list[Received]:
        """The requests answered 2xx, in arrival order."""
        with self.lock:
            return [r for r in self.received if 200 <= r.status < 300]

    def unique(self) -> list[Received]:
        """Accepted requests de-duplicated by webhook-id, first arrival kept."""
        seen: set[str] = set()
        out = []
        for r in self.accepted():
            if r.id not in seen:
                seen.add(r.id)
                out.append(r)
        return out

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receivers() -> Iterator[Callable[..., Receiver]]:
    """A factory of receivers, all closed after the test."""
    made: list[Receiver] = []

    def make(answer: Answer | None = None) -> Receiver:
        made.append(Receiver(answer))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll `check` until it holds; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for webhook deliveries")
        time.sleep(0.05)


@pytest.fixture
def mail(db_url: str, tmp_path: Path) -> Iterator[tuple[Wire, Smtp]]:
    """newswire sending e-mail to a real SMTP server on loopback."""
    smtp = Smtp(Inbox(), free_port())
    smtp.start()
    server = LiveServer(
        db_url,
        tmp_path,
        smtp_host="127.0.0.1",
        smtp_port=str(smtp.port),
        smtp_from="alerts@wire.example",
        public_url="https://wire.example",
    )
    wire = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), server)
    try:
        yield wire, smtp
    finally:
        wire.close()
        server.stop()
        smtp.stop()
