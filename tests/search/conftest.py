"""Fixtures for search tests: newswire with its index directory, and search helpers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from newswire.search import index_dir
from newswire.search.index import current_generation, read_seq
from tests.conftest import LiveServer, Wire, new_key


class SearchServer(LiveServer):
    """newswire (search included) on a loopback port, and where its index lives."""

    def __init__(self, db_url: str, tmp: Path) -> None:
        super().__init__(db_url, tmp)
        self.index_dir = index_dir(self.data_dir)


@dataclass
class SearchWire:
    """The wire, its index directory, and helpers to publish and wait for the index."""

    wire: Wire
    index_dir: Path

    def indexed_seq(self) -> int:
        generation = current_generation(self.index_dir)
        return 0 if generation is None else read_seq(generation)

    def wait_indexed(self, seq: int, timeout: float = 10.0) -> None:
        """Wait until the follower has applied the log up to `seq`."""
        deadline = time.monotonic() + timeout
        while self.indexed_seq() < seq:
            assert time.monotonic() < deadline, f"index stuck at {self.indexed_seq()} < {seq}"
            time.sleep(0.01)

    def publish(self, item: dict[str, Any], products: list[str]) -> dict[str, Any]:
        """Publish and wait until the index has it."""
        done = self.wire.publish(item, products)
        self.wait_indexed(done["seq"])
        return done


def hits(client: httpx.Client, **params: Any) -> dict[str, Any]:
    """GET /v1/search, asserting it answers 200."""
    r = client.get("/v1/search", params=params)
    assert r.status_code == 200, r.text
    page: dict[str, Any] = r.json()
    return page


def uris(page: dict[str, Any]) -> set[str]:
    """The uris of a page's hits."""
    return {h["uri"] for h in page["hits"]}


@pytest.fixture
def sw(db_url: str, tmp_path: Path) -> Iterator[SearchWire]:
    """newswire with search on a fresh database."""
    server = SearchServer(db_url, tmp_path)
    wire = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"))
    try:
        yield SearchWire(wire, server.index_dir)
    finally:
        wire.close()
        server.stop()
