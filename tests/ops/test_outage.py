"""Database outage: a test-owned PostgreSQL stopped under load and started again.

While it is down the API answers 503 problem+json with `Retry-After` within seconds
(never 500, never a hang), `/healthz` says so, stream connections stay open or close
cleanly; when it is back everything recovers by itself: the notifier's LISTEN, the
stream fan-out, the webhook worker, the embargo scheduler and the search follower.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from newswire.store.database import ACQUIRE_TIMEOUT, migrate
from newswire.store.server import EmbeddedServer, start_embedded
from tests.conftest import LiveServer, Wire, new_key, story
from tests.delivery.conftest import Receiver, wait_until
from tests.ops.support import ResumingReader, feed

BOUND = ACQUIRE_TIMEOUT + 2.0  # the longest a request may take while the database is away


class OwnPostgres:
    """An embedded PostgreSQL this test may stop and start as it likes."""

    def __init__(self, folder: Path) -> None:
        self.server: EmbeddedServer = start_embedded(folder)
        self.url = self.server.url
        self.handle: Any = self.server._handle

    def stop(self) -> None:
        """Fast shutdown: every session is cut, as in a database restart or failover."""
        pid = self.handle.get_pid()
        os.kill(pid, signal.SIGINT)
        psutil.Process(pid).wait(30)

    def start(self) -> None:
        self.handle.ensure_postgres_running()
        assert self.server.url == self.url


@pytest.fixture
def own_pg(pg_home: Path) -> Iterator[OwnPostgres]:
    pg = OwnPostgres(pg_home)
    migrate(pg.url)
    yield pg
    pg.server.stop()


class Load:
    """Publishers and feed pollers that note every answer's status and duration."""

    def __init__(self, wire: Wire, subscriber_key: str) -> None:
        self.answers: list[tuple[str, int, float, float]] = []  # what, status, duration, at
        self.acknowledged: list[int] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._publish, args=(wire, n), daemon=True) for n in range(2)
        ] + [threading.Thread(target=self._poll, args=(wire, subscriber_key), daemon=True)]
        for t in self.threads:
            t.start()

    def _note(self, what: str, r: httpx.Response, started: float) -> None:
        with self.lock:
            self.answers.append((what, r.status_code, time.monotonic() - started, started))

    def _publish(self, wire: Wire, n: int) -> None:
        client = wire.client(wire.editor_key)
        i = 0
        while not self.stop.is_set():
            started = time.monotonic()
            body = {"item": story(f"Load {n}-{i} outagetest"), "products": ["world"]}
            r = client.post("/v1/desk/items", json=body)
            self._note("publish", r, started)
            if r.status_code == 201:
                with self.lock:
                    self.acknowledged.append(r.json()["seq"])
            i += 1
            time.sleep(0.1)

    def _poll(self, wire: Wire, key: str) -> None:
        client = wire.client(key)
        while not self.stop.is_set():
            started = time.monotonic()
            r = client.get("/v1/feed", params={"after": 0, "limit": 5})
            self._note("feed", r, started)
            time.sleep(0.1)

    def halt(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)


def _is_unavailable(r: httpx.Response) -> bool:
    return (
        r.status_code == 503
        and r.headers["content-type"] == "application/problem+json"
        and int(r.headers["retry-after"]) > 0
        and "database" in r.json()["detail"]
    )


def test_database_outage_answers_503_and_recovers_by_itself(
    own_pg: OwnPostgres, tmp_path: Path
) -> None:
    server = LiveServer(own_pg.url, tmp_path / "node")
    wire = Wire(
        server.url, own_pg.url, new_key(own_pg.url, "admin"), new_key(own_pg.url, "editor"), server
    )
    receiver = Receiver()
    readers: list[ResumingReader] = []
    try:
        wire.product("world")
        wire.plan("all", ["world"])
        sub = wire.subscriber("Reader", "all")
        key = sub.headers["authorization"].split()[1]
        assert sub.post("/v1/webhooks", json={"url": receiver.url}).status_code == 201
        readers = [ResumingReader(wire.url, key) for _ in range(2)]
        wait_until(lambda: all(r.connects for r in readers), 10)
        # A first publish waits for the enrichment models to load; after it, the held
        # story below is stored well before its embargo (else it is simply published).
        wire.publish(story("Warm-up"), ["world"])
        until = datetime.now(UTC) + timedelta(seconds=4)  # falls due during the outage
        held = wire.publish(
            story("Held through the outage", embargoedUntil=until.isoformat()), ["world"]
        )
        load = Load(wire, key)
        time.sleep(1.5)

        own_pg.stop()
        down_at = time.monotonic()
        client = wire.client()
        health = client.get("/healthz")
        assert _is_unavailable(health), health.text
        ready = client.get("/readyz")
        assert ready.status_code == 503 and "the database" in ready.json()["detail"], ready.text
        for _ in range(3):
            started = time.monotonic()
            r = sub.get("/v1/feed", params={"after": 0})
            assert _is_unavailable(r), r.text
            assert time.monotonic() - started < BOUND
            started = time.monotonic()
            r = wire.editor.post(
                "/v1/desk/items", json={"item": story("Lost?"), "products": ["world"]}
            )
            assert _is_unavailable(r), r.text
            assert time.monotonic() - started < BOUND
        time.sleep(max(0.0, 6 - (time.monotonic() - down_at)))  # past the embargo

        own_pg.start()
        up_at = time.monotonic()
        while client.get("/healthz").status_code != 200:
            assert time.monotonic() - up_at < 30, "/healthz did not recover"
            time.sleep(0.1)
        healthy_after = time.monotonic() - up_at
        wait_until(lambda: client.get("/readyz").status_code == 200, 10)
        wait_until(lambda: any(a[1] == 201 for a in _since(load, up_at)), 30)
        recovered_after = time.monotonic() - up_at
        after = wire.publish(story("After the outage unmistakable"), ["world"])
        load.halt()

        statuses = {a[1] for a in load.answers}
        assert statuses <= {200, 201, 503}, statuses  # never a 500
        assert 503 in statuses
        slowest = max(a[2] for a in load.answers)
        assert slowest < BOUND, f"a request took {slowest:.1f} s during the outage"

        # The scheduler survived: the embargo that fell due while the database was
        # away is released once it is back.
        released = wait_until_released(sub, held["uri"])
        # The notifier, the fan-out and the readers' resumption: every event, in order.
        entries = feed(sub)
        expected = [e["seq"] for e in entries]
        assert set(load.acknowledged) <= set(expected)
        assert after["seq"] in expected and released in expected
        for reader in readers:
            assert reader.wait_for_seq(expected[-1], 30), reader.seqs()[-3:]
            assert reader.seqs() == expected  # open through the outage, or resumed cleanly
            assert set(reader.statuses) <= {200, 503}
        # The webhook worker: every event delivered. A delivery whose outcome could not be
        # recorded when the database went away is sent again when its lease ends (70 s).
        wait_until(lambda: {r.entry["seq"] for r in receiver.unique()} >= set(expected), 100)
        # The search follower: the story published after the outage is found.
        wait_until(lambda: _found(sub, "unmistakable"), 30)
        print(
            f"outage: {len([a for a in load.answers if a[1] == 503])} answers 503 in"
            f" {up_at - down_at:.1f} s down, slowest {slowest:.2f} s; /healthz 200"
            f" {healthy_after:.1f} s after the database was back, publishing"
            f" {recovered_after:.1f} s after; stream readers reconnected"
            f" {[r.connects - 1 for r in readers]} times"
        )
    finally:
        for reader in readers:
            reader.close()
        receiver.close()
        wire.close()
        server.stop()


def _since(load: Load, moment: float) -> list[tuple[str, int, float, float]]:
    with load.lock:
        return [a for a in load.answers if a[3] >= moment]


def wait_until_released(client: httpx.Client, uri: str) -> int:
    found: list[int] = []

    def check() -> bool:
        found[:] = [
            e["seq"] for e in feed(client) if e["event"] == "release" and e["item"]["uri"] == uri
        ]
        return bool(found)

    wait_until(check, 30)
    return found[0]


def _found(client: httpx.Client, word: str) -> bool:
    r = client.get("/v1/search", params={"q": word})
    return r.status_code == 200 and r.json()["total"] > 0
