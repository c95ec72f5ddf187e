"""Helpers for the operations tests: a stream reader that resumes like a real client."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["Got", "ResumingReader", "feed"]


@dataclass(frozen=True)
class Got:
    """One event a reader received, and when (time.time())."""

    seq: int
    event: str
    data: str
    at: float


class ResumingReader:
    """An SSE client that reconnects after any failure with `Last-Event-ID`, as
    EventSource does, and records every event and every (re)connection."""

    def __init__(self, url: str, key: str, retry: float = 0.2) -> None:
        self.url, self.key, self.retry = url, key, retry
        self.events: list[Got] = []
        self.connects = 0
        self.statuses: list[int] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    @property
    def last_id(self) -> int | None:
        with self.lock:
            return self.events[-1].seq if self.events else None

    def _run(self) -> None:
        while not self.stop.is_set():
            headers = {"Authorization": f"Bearer {self.key}"}
            if self.last_id is not None:
                headers["Last-Event-ID"] = str(self.last_id)
            try:
                with (
                    httpx.Client(base_url=self.url, headers=headers) as client,
                    client.stream(
                        "GET", "/v1/stream", timeout=httpx.Timeout(5, read=30)
                    ) as response,
                ):
                    self.statuses.append(response.status_code)
                    if response.status_code == 200:
                        self.connects += 1
                        self._read(response)
            except httpx.HTTPError:
                pass
            self.stop.wait(self.retry)

    def _read(self, response: httpx.Response) -> None:
        current: dict[str, str] = {}
        for line in response.iter_lines():
            if self.stop.is_set():
                return
            if line.startswith(":"):
                continue
            if not line:
                if "id" in current:
                    got = Got(
                        int(current["id"]),
                        current.get("event", ""),
                        current.get("data", ""),
                        time.time(),
                    )
                    with self.lock:
                        self.events.append(got)
                current = {}
                continue
            name, _, value = line.partition(": ")
            current[name] = (current[name] + "\n" + value) if name in current else value

    def seqs(self) -> list[int]:
        with self.lock:
            return [g.seq for g in self.events]

    def wait_for_seq(self, seq: int, timeout: float = 30) -> bool:
        """Wait until an event with sequence >= `seq` arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            last = self.last_id
            if last is not None and last >= seq:
                return True
            time.sleep(0.05)
        return False

    def close(self) -> None:
        self.stop.set()
        self._thread.join(5)


def feed(client: httpx.Client) -> list[dict[str, Any]]:
    """Every feed entry the client may see, page by page until the cursor stops."""
    entries: list[dict[str, Any]] = []
    after = 0
    while True:
        r = client.get("/v1/feed", params={"after": after, "limit": 500})
        assert r.status_code == 200, r.text
        page = r.json()
        entries += page["entries"]
        if int(page["next"]) == after:
            return entries
        after = int(page["next"])
