"""Crash safety: `newswire serve` killed with SIGKILL while publishers, stream readers
and webhook deliveries are in flight, then restarted on the same data dir.

Every acknowledged publish must be in the log, every stream reader must resume with
`Last-Event-ID` without a gap or a duplicate, every webhook event must be delivered,
and an embargo set before the crash must still be released on time.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import psutil
import pytest

from tests.conftest import story
from tests.delivery.conftest import Receiver, wait_until
from tests.ops.support import ResumingReader, feed
from tests.test_cli import Serve, last_word, newswire

EMBARGO_AFTER_KILL = 15.0  # seconds from the crash to the embargo's time


def _postmaster_pid(data: Path) -> int:
    return int((data / "postgres" / "postmaster.pid").read_text().split("\n", 1)[0])


def _feed_seqs(client: httpx.Client) -> list[int]:
    return [e["seq"] for e in feed(client)]


class Publishers:
    """Threads that publish as fast as the server answers and note what was acknowledged."""

    def __init__(self, url: str, key: str, count: int = 3) -> None:
        self.acknowledged: list[int] = []
        self.failures = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._run, args=(url, key, n), daemon=True)
            for n in range(count)
        ]
        for t in self.threads:
            t.start()

    def _run(self, url: str, key: str, n: int) -> None:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
            i = 0
            while not self.stop.is_set():
                try:
                    r = client.post(
                        "/v1/desk/items",
                        json={"item": story(f"Publisher {n} story {i}"), "products": ["world"]},
                    )
                except httpx.HTTPError:
                    with self.lock:
                        self.failures += 1
                    time.sleep(0.05)
                    continue
                if r.status_code == 201:
                    with self.lock:
                        self.acknowledged.append(r.json()["seq"])
                i += 1

    def halt(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(15)


@pytest.fixture
def node(pg_home: Path) -> Iterator[Serve]:
    server = Serve(pg_home / "data")
    server.start()
    yield server
    server.close()


@pytest.mark.parametrize("postgres_too", [False, True], ids=["server", "server-and-postgres"])
def test_sigkill_mid_flight_loses_nothing(node: Serve, postgres_too: bool) -> None:
    data = ["--data-dir", str(node.data)]
    admin = node.client(last_word(newswire("key", "create", "--role", "admin", *data)))
    editor_key = last_word(newswire("key", "create", "--role", "editor", *data))
    editor = node.client(editor_key)
    assert admin.post("/v1/admin/products", json={"slug": "world"}).status_code == 201
    r = admin.post("/v1/admin/plans", json={"slug": "all", "products": ["world"]})
    assert r.status_code == 201, r.text
    r = admin.post("/v1/admin/subscribers", json={"name": "Reader", "plan": "all"})
    key = r.json()["key"]
    subscriber = node.client(key)
    receiver = Receiver()
    assert subscriber.post("/v1/webhooks", json={"url": receiver.url}).status_code == 201
    readers = [ResumingReader(node.url, key) for _ in range(3)]
    try:
        wait_until(lambda: all(r.connects for r in readers), 10)
        publishers = Publishers(node.url, editor_key)
        # Mid-flight: a burst is under way (the first publish also loads the models).
        wait_until(lambda: len(publishers.acknowledged) >= 10, 60)
        assert node.proc is not None
        # The embargo is set just before the crash and falls due after it.
        until = datetime.now(UTC) + timedelta(seconds=EMBARGO_AFTER_KILL)
        held = editor.post(
            "/v1/desk/items",
            json={"item": story("Held", embargoedUntil=until.isoformat()), "products": ["world"]},
        )
        assert held.status_code == 201, held.text
        postmaster = _postmaster_pid(node.data)
        node.proc.send_signal(signal.SIGKILL)
        node.proc.wait(10)
        killed_at = time.time()
        # pg_ctl detached PostgreSQL from the server: it outlives a SIGKILLed server.
        assert psutil.pid_exists(postmaster)
        if postgres_too:
            os.kill(postmaster, signal.SIGKILL)  # the whole node goes down at once
            psutil.Process(postmaster).wait(10)
        time.sleep(0.5)
        publishers.halt()
        acknowledged_before = sorted(publishers.acknowledged)
        assert len(acknowledged_before) > 5

        node.start()  # same data dir, same port
        back_at = time.time()
        after = [
            editor.post("/v1/desk/items", json={"item": story(f"After {n}"), "products": ["world"]})
            for n in range(3)
        ]
        assert [a.status_code for a in after] == [201] * 3
        acknowledged = acknowledged_before + [a.json()["seq"] for a in after]

        in_log = _feed_seqs(editor)
        assert set(acknowledged) <= set(in_log), "an acknowledged publish is missing"
        wait_until(lambda: held.json()["uri"] in _released(subscriber), 40)
        expected = _feed_seqs(subscriber)
        for reader in readers:
            assert reader.wait_for_seq(expected[-1], 30), reader.seqs()[-5:]
            seqs = reader.seqs()
            assert seqs == expected, "a stream reader saw a gap, a duplicate or disorder"
            assert reader.connects >= 2  # it did reconnect after the crash
        release = next(g for g in readers[0].events if g.event == "release")
        due = max(until.timestamp(), back_at)
        assert release.at - due < 3.0, f"released {release.at - due:.1f} s late"

        # Webhooks: at least once, so duplicates may arrive; none may be missing. A
        # delivery in flight at the crash waits for its lease (timeout + 20 s) to end.
        wait_until(lambda: {r.entry["seq"] for r in receiver.unique()} >= set(expected), 100)
        print(
            f"crash: {len(acknowledged_before)} acknowledged before the kill, all present;"
            f" {publishers.failures} requests failed in flight; restart took"
            f" {back_at - killed_at:.1f} s; {len(expected)} events reached 3 readers and"
            f" the webhook ({len(receiver.accepted())} deliveries for"
            f" {len(receiver.unique())} ids)"
        )
    finally:
        for reader in readers:
            reader.close()
        receiver.close()
    pid = _postmaster_pid(node.data)
    node.close()
    # The restarted server stopped its PostgreSQL: no handle of the killed one was left.
    assert _gone(pid), "PostgreSQL kept running after the restarted server stopped"


def _released(client: httpx.Client) -> list[str]:
    return [e["item"]["uri"] for e in feed(client) if e["event"] == "release"]


def _gone(pid: int) -> bool:
    """Whether the process is gone within a few seconds."""
    deadline = time.monotonic() + 10
    while psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not psutil.pid_exists(pid)
