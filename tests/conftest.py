"""Fixtures: a real PostgreSQL (embedded unless NEWSWIRE_DATABASE_URL is set), a fresh
database per test cloned from a migrated template, and the app served over loopback HTTP."""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
import uvicorn
from fastapi import FastAPI

from newswire.config import Settings
from newswire.store.database import Database, migrate
from newswire.store.keys import create_key
from newswire.store.server import start_embedded
from newswire.web.app import create_app
from newswire.web.server import NewswireServer

SHARED = Path(__file__).resolve().parents[2] / "shared"
_counter = itertools.count()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server URL: NEWSWIRE_DATABASE_URL, or an embedded PostgreSQL for the session."""
    configured = os.environ.get("NEWSWIRE_DATABASE_URL")
    if configured:
        yield configured
        return
    server = start_embedded(tmp_path_factory.mktemp("pg"))
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def template_url(pg_url: str) -> str:
    """A migrated template database that each test's database is cloned from."""
    name = f"nw_template_{os.getpid()}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    url = _with_database(pg_url, name)
    migrate(url)
    return name


@pytest.fixture
def db_url(pg_url: str, template_url: str) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    name = f"nw_test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template_url}")
    yield _with_database(pg_url, name)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_async(coro: Any) -> Any:
    """Run a coroutine to completion from a synchronous test."""
    return asyncio.run(coro)


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def run_cli(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run `python -m newswire ARGS` against this database, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "newswire", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(os.environ, NEWSWIRE_DATABASE_URL=db_url),
        timeout=120,
    )


def new_key(db_url: str, role: str, subscriber_id: int | None = None) -> str:
    """A key made straight in the store (the bootstrap an operator does with the CLI)."""

    async def make() -> str:
        db = Database(db_url, size=1)
        await db.open()
        try:
            return (await create_key(db, role, subscriber_id))[1]  # type: ignore[arg-type]
        finally:
            await db.close()

    result: str = run_async(make())
    return result


class LiveServer:
    """The app served by uvicorn in a thread, on a free loopback port."""

    def __init__(
        self,
        db_url: str,
        tmp: Path,
        wrap: Callable[[FastAPI], FastAPI] | None = None,
        **settings_overrides: object,
    ) -> None:
        settings = Settings.load(data_dir=str(tmp), database_url=db_url, **settings_overrides)
        self.data_dir = settings.data_dir
        self.app = create_app(settings)
        if wrap is not None:
            self.app = wrap(self.app)
        config = uvicorn.Config(
            self.app,
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
        """Stop serving and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class Wire:
    """A running newswire with an admin and an editor key, and helpers for tests."""

    url: str
    db_url: str
    admin_key: str
    editor_key: str
    server: LiveServer | None = field(default=None, repr=False)
    clients: list[httpx.Client] = field(default_factory=list, repr=False)

    def client(self, key: str | None = None) -> httpx.Client:
        """An HTTP client, authenticated with `key` when given."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        client = httpx.Client(base_url=self.url, headers=headers, timeout=30)
        self.clients.append(client)
        return client

    @property
    def admin(self) -> httpx.Client:
        return self.client(self.admin_key)

    @property
    def editor(self) -> httpx.Client:
        return self.client(self.editor_key)

    def product(self, slug: str, **extra: Any) -> None:
        r = self.admin.post("/v1/admin/products", json={"slug": slug, **extra})
        assert r.status_code == 201, r.text

    def plan(self, slug: str, products: list[str], **extra: Any) -> None:
        r = self.admin.post("/v1/admin/plans", json={"slug": slug, "products": products, **extra})
        assert r.status_code == 201, r.text

    def subscriber(self, name: str, plan: str) -> httpx.Client:
        """A client for a new subscriber on `plan`."""
        r = self.admin.post("/v1/admin/subscribers", json={"name": name, "plan": plan})
        assert r.status_code == 201, r.text
        return self.client(r.json()["key"])

    def three_plans(self, product: str) -> tuple[httpx.Client, httpx.Client, httpx.Client]:
        """One product and clients of three subscribers on it: English in full, English
        in summary, Turkish in full."""
        self.product(product)
        self.plan("full-en", [product], languages=["en"])
        self.plan("summary-en", [product], languages=["en"], depth="summary")
        self.plan("full-tr", [product], languages=["tr"])
        return (
            self.subscriber("Full", "full-en"),
            self.subscriber("Summary", "summary-en"),
            self.subscriber("Turkish", "full-tr"),
        )

    def publish(self, item: dict[str, Any], products: list[str]) -> dict[str, Any]:
        r = self.editor.post("/v1/desk/items", json={"item": item, "products": products})
        assert r.status_code == 201, r.text
        result: dict[str, Any] = r.json()
        return result

    def close(self) -> None:
        for client in self.clients:
            client.close()


@pytest.fixture
def wire(db_url: str, tmp_path: Path) -> Iterator[Wire]:
    """newswire on a fresh database, served over loopback HTTP."""
    server = LiveServer(db_url, tmp_path)
    w = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), server)
    try:
        yield w
    finally:
        w.close()
        server.stop()


def story(headline: str, language: str = "en", **extra: Any) -> dict[str, Any]:
    """A ninjs 3 story with a body."""
    return {
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": f"<p>{headline}. The full text of the story follows here.</p>",
            }
        ],
        "language": language,
        **extra,
    }
