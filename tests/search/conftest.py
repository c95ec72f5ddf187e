"""Fixtures for search tests: newswire with the search router and its index follower."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from newswire.config import Settings
from newswire.search import index_dir
from newswire.search.follower import run_search_follower
from newswire.search.index import current_generation, read_seq
from newswire.web import search
from newswire.web.app import create_app
from newswire.web.server import NewswireServer
from tests.conftest import Wire, new_key


def with_search(app: FastAPI, directory: Path) -> FastAPI:
    """Add GET /v1/search and the index follower, unless create_app already does."""
    if any(getattr(route, "path", "") == "/v1/search" for route in app.routes):
        return app
    app.include_router(search.router)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner(app) as state:
            ctx = app.state.context
            task = asyncio.create_task(run_search_follower(ctx.db, ctx.notifier, directory))
            try:
                yield state
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app.router.lifespan_context = lifespan
    return app


class SearchServer:
    """newswire with search, served by uvicorn in a thread on a loopback port."""

    def __init__(self, db_url: str, tmp: Path) -> None:
        settings = Settings.load(data_dir=str(tmp), database_url=db_url)
        self.index_dir = index_dir(settings.data_dir)
        app = with_search(create_app(settings), self.index_dir)
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self.server = NewswireServer(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


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
