"""GET /v1/stream: live delivery in the caller's view, resume without gap or duplicate,
filters, formats, revoked keys and slow clients."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from lxml import etree

from tests.conftest import Wire, story


class SSEReader:
    """Reads Server-Sent Events from a streaming httpx response in a background thread."""

    def __init__(
        self,
        client: httpx.Client,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.events: list[dict[str, str]] = []
        self.comments = 0
        self.closed = threading.Event()
        self.status = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(
            target=self._read, args=(client, params or {}, headers or {}), daemon=True
        )
        self._thread.start()
        assert self._ready.wait(10), "the stream did not start"

    def _read(self, client: httpx.Client, params: dict[str, Any], headers: dict[str, str]) -> None:
        try:
            with client.stream(
                "GET",
                "/v1/stream",
                params=params,
                headers=headers,
                timeout=httpx.Timeout(30, read=60),
            ) as response:
                self.status = response.status_code
                self._ready.set()
                current: dict[str, str] = {}
                for line in response.iter_lines():
                    if line.startswith(":"):
                        self.comments += 1
                    elif not line:
                        if "id" in current or "event" in current:
                            self.events.append(current)
                        current = {}
                    else:
                        name, _, value = line.partition(": ")
                        current[name] = (current[name] + "\n" + value) if name in current else value
        except httpx.HTTPError:
            pass
        finally:
            self._ready.set()
            self.closed.set()

    def wait_for(self, count: int, timeout: float = 10) -> list[dict[str, str]]:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(self.events)


@contextmanager
def reading(client: httpx.Client, **kwargs: Any) -> Iterator[SSEReader]:
    reader = SSEReader(client, **kwargs)
    try:
        yield reader
    finally:
        client.close()


def test_live_events_in_each_plans_view(wire: Wire) -> None:
    full, summary, turkish = wire.three_plans("world")
    with reading(full) as f, reading(summary) as s, reading(turkish) as t:
        time.sleep(0.3)
        done = wire.publish(story("Flash: bridge collapses", urgency=1), ["world"])
        wire.publish(story("Köprü çöktü", language="tr"), ["world"])
        got_full = f.wait_for(1)
        got_summary = s.wait_for(1)
        assert len(t.wait_for(1)) == 1
    assert got_full[0]["id"] == str(done["seq"]) and got_full[0]["event"] == "publish"
    item = json.loads(got_full[0]["data"])
    assert item["bodies"] and item["urgency"] == 1
    short = json.loads(got_summary[0]["data"])
    assert "bodies" not in short and short["representationType"] == "partial"
    assert [json.loads(e["data"])["language"] for e in t.events] == ["tr"]
    assert len(f.events) == 1  # the Turkish story never reached the English plan


def test_resume_after_last_event_id_has_no_gap_and_no_duplicate(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    seqs = [wire.publish(story(f"Story {n}"), ["world"])["seq"] for n in range(5)]
    with reading(
        wire.client(full.headers["authorization"].split()[1]),
        headers={"Last-Event-ID": str(seqs[1])},
    ) as reader:
        first = reader.wait_for(3)
        assert [int(e["id"]) for e in first] == seqs[2:]
        more = [wire.publish(story(f"Live {n}"), ["world"])["seq"] for n in range(3)]
        got = reader.wait_for(6)
    assert [int(e["id"]) for e in got] == seqs[2:] + more


def test_catch_up_races_live_publishing_without_loss(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    key = full.headers["authorization"].split()[1]
    published: list[int] = []
    stop = threading.Event()

    def publisher() -> None:
        editor = wire.editor
        n = 0
        while not stop.is_set():
            r = editor.post(
                "/v1/desk/items", json={"item": story(f"Race {n}"), "products": ["world"]}
            )
            published.append(r.json()["seq"])
            n += 1

    thread = threading.Thread(target=publisher)
    thread.start()
    readers = []
    try:
        for _ in range(4):  # join at different moments, each resuming from the start
            time.sleep(0.2)
            readers.append(SSEReader(wire.client(key), params={"after": 0}))
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join()
    for reader in readers:
        got = [int(e["id"]) for e in reader.wait_for(len(published))]
        assert got == published


def test_filters_narrow_within_the_plan_and_kills_still_arrive(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    with reading(full, params={"urgency": 2}) as reader:
        time.sleep(0.3)
        routine = wire.publish(story("Routine", urgency=5), ["world"])
        flash = wire.publish(story("Flash", urgency=1), ["world"])
        wire.editor.post(f"/v1/desk/items/{routine['uri']}/kill", json={"reason": "wrong"})
        got = reader.wait_for(2)
    assert [(int(e["id"]), e["event"]) for e in got] == [
        (flash["seq"], "publish"),
        (flash["seq"] + 1, "kill"),
    ]


def test_formats_and_bad_parameters(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    wire.publish(story("In NITF"), ["world"])
    key = full.headers["authorization"].split()[1]
    with reading(wire.client(key), params={"after": 0, "format": "nitf"}) as reader:
        got = reader.wait_for(1)
    root = etree.fromstring(got[0]["data"].encode())
    assert root.tag.endswith("nitf")
    bad = full.get("/v1/stream", params={"format": "pdf"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert full.get("/v1/stream", headers={"Last-Event-ID": "abc"}).status_code == 422
    assert wire.client("nope").get("/v1/stream").status_code == 401


def test_revoked_key_gets_an_error_event_and_the_stream_closes(wire: Wire) -> None:
    wire.three_plans("world")
    assert wire.server is not None
    wire.server.app.state.context.hub.key_check_every = 0.2
    r = wire.admin.post("/v1/admin/subscribers", json={"name": "Leaving", "plan": "full-en"})
    client = wire.client(r.json()["key"])
    with reading(client) as reader:
        time.sleep(0.3)
        keys = wire.admin.get("/v1/admin/subscribers").json()
        assert keys
        key_id = _key_id_of(wire, r.json()["key"])
        assert wire.admin.delete(f"/v1/admin/keys/{key_id}").status_code == 204
        assert reader.closed.wait(10)
    assert reader.events[-1]["event"] == "error"
    assert json.loads(reader.events[-1]["data"])["status"] == 401


def _key_id_of(wire: Wire, key: str) -> int:
    import hashlib

    import psycopg

    with psycopg.connect(wire.db_url) as conn:
        row = conn.execute(
            "SELECT id FROM api_keys WHERE key_hash = %s",
            (hashlib.sha256(key.encode()).hexdigest(),),
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_client_that_stops_reading_is_cut_off_and_resumes_without_loss(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    key = full.headers["authorization"].split()[1]
    host, port = wire.url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    sock.sendall(
        f"GET /v1/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n\r\n".encode()
    )
    time.sleep(0.3)
    big = "<p>" + "A long paragraph of a long story. " * 4000 + "</p>"
    seqs = []
    for n in range(60):  # about 8 MB: more than the kernel buffers plus the server's bound
        item = story(f"Long {n}") | {"bodies": [{"value": big}]}
        seqs.append(wire.publish(item, ["world"])["seq"])
    time.sleep(0.5)
    sock.settimeout(5)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except OSError:
        pass
    sock.close()
    assert len(received) < len(big) * 60  # it was cut off before everything arrived
    delivered = [
        int(line[4:])
        for line in received.decode(errors="replace").splitlines()
        if line.startswith("id: ")
    ]
    resume_from = delivered[-2] if len(delivered) > 1 else 0  # the last one may be partial
    with reading(wire.client(key), params={"after": resume_from}) as reader:
        rest = reader.wait_for(len([s for s in seqs if s > resume_from]))
    assert [int(e["id"]) for e in rest] == [s for s in seqs if s > resume_from]
