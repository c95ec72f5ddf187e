"""Two `newswire serve` nodes on one PostgreSQL: a story published on one reaches stream
clients on the other; losing a node loses nothing; an embargo is released once."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.conftest import new_key, story
from tests.test_cli import Serve
from tests.web.test_stream import SSEReader


def Node(db_url: str, data: Path) -> Serve:
    """A started `newswire serve` on the shared database."""
    node = Serve(data, database_url=db_url)
    node.start()
    return node


@pytest.fixture
def nodes(db_url: str, tmp_path: Path) -> Iterator[tuple[Serve, Serve]]:
    a, b = Node(db_url, tmp_path / "a"), Node(db_url, tmp_path / "b")
    yield a, b
    a.close()
    b.close()


def _clients(db_url: str, a: Serve, b: Serve) -> tuple[httpx.Client, httpx.Client, str]:
    admin = httpx.Client(
        base_url=a.url, headers={"Authorization": f"Bearer {new_key(db_url, 'admin')}"}
    )
    assert admin.post("/v1/admin/products", json={"slug": "world"}).status_code == 201
    assert (
        admin.post("/v1/admin/plans", json={"slug": "all", "products": ["world"]}).status_code
        == 201
    )
    key = admin.post("/v1/admin/subscribers", json={"name": "Reader", "plan": "all"}).json()["key"]
    admin.close()
    editor = httpx.Client(
        base_url=a.url, headers={"Authorization": f"Bearer {new_key(db_url, 'editor')}"}
    )
    reader = httpx.Client(base_url=b.url, headers={"Authorization": f"Bearer {key}"})
    return editor, reader, key


def test_story_on_node_a_reaches_stream_on_node_b_and_survives_losing_a(
    db_url: str, nodes: tuple[Serve, Serve]
) -> None:
    a, b = nodes
    editor, reader_client, key = _clients(db_url, a, b)
    readers = [
        SSEReader(httpx.Client(base_url=b.url, headers={"Authorization": f"Bearer {key}"}))
        for _ in range(3)
    ]
    time.sleep(0.3)
    first = editor.post("/v1/desk/items", json={"item": story("From A"), "products": ["world"]})
    assert first.status_code == 201
    got = readers[0].wait_for(1)
    assert [int(e["id"]) for e in got] == [first.json()["seq"]]

    acknowledged = [first.json()["seq"]]
    stop = threading.Event()

    def publish_until_a_dies() -> None:
        n = 0
        while not stop.is_set():
            try:
                r = editor.post(
                    "/v1/desk/items", json={"item": story(f"Burst {n}"), "products": ["world"]}
                )
            except httpx.TransportError:
                return
            if r.status_code == 201:
                acknowledged.append(r.json()["seq"])
            n += 1

    thread = threading.Thread(target=publish_until_a_dies)
    thread.start()
    time.sleep(1.0)
    assert a.proc is not None
    a.proc.send_signal(signal.SIGKILL)  # node A dies mid-burst
    thread.join(10)
    stop.set()
    for reader in readers:
        seqs = [int(e["id"]) for e in reader.wait_for(len(acknowledged), timeout=15)]
        assert seqs[: len(acknowledged)] == acknowledged  # nothing lost, nothing twice
        assert len(seqs) == len(set(seqs))
    assert len(acknowledged) > 5
    editor.close()
    reader_client.close()


def test_an_embargo_is_released_once_with_two_schedulers(
    db_url: str, nodes: tuple[Serve, Serve]
) -> None:
    a, b = nodes
    editor, reader, _ = _clients(db_url, a, b)
    for n in range(5):
        until = datetime.now(UTC) + timedelta(seconds=1.5)
        r = editor.post(
            "/v1/desk/items",
            json={
                "item": story(f"Held {n}", embargoedUntil=until.isoformat()),
                "products": ["world"],
            },
        )
        assert r.status_code == 201
    time.sleep(3.5)
    entries = reader.get("/v1/feed", params={"limit": 100}).json()["entries"]
    assert [e["event"] for e in entries] == ["release"] * 5
    editor.close()
    reader.close()


def test_serve_with_two_workers_delivers_to_every_stream(db_url: str, tmp_path: Path) -> None:
    node = Serve(tmp_path / "w", database_url=db_url, extra=("--workers", "2"))
    node.start()
    try:
        editor, reader_client, key = _clients(db_url, node, node)
        readers = [SSEReader(node.client(key)) for _ in range(6)]
        time.sleep(0.5)
        seqs = [
            editor.post(
                "/v1/desk/items", json={"item": story(f"W {n}"), "products": ["world"]}
            ).json()["seq"]
            for n in range(3)
        ]
        for reader in readers:
            assert [int(e["id"]) for e in reader.wait_for(3)] == seqs
        editor.close()
        reader_client.close()
    finally:
        assert node.terminate() == 0
        node.close()
