"""Helpers for the signed-in pages' tests: users made in the store, logins over HTTP."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from newswire.store.database import Database
from newswire.store.users import create_user
from tests.conftest import Wire

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_user(db_url: str, username: str, role: str, subscriber_id: int | None = None) -> None:
    """A user made straight in the store (what `newswire user add` does)."""

    async def make() -> None:
        db = Database(db_url, size=1)
        await db.open()
        try:
            await create_user(db, username, PASSWORD, role, subscriber_id)  # type: ignore[arg-type]
        finally:
            await db.close()

    # In a thread: a running Playwright owns this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, make()).result()


def subscriber_id(wire: Wire, name: str) -> int:
    """The id of the subscriber with this name."""
    found = [s for s in wire.admin.get("/v1/admin/subscribers").json() if s["name"] == name]
    assert found, name
    return int(found[0]["id"])


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = _CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(wire: Wire, username: str, password: str = PASSWORD) -> httpx.Client:
    """A client with a logged-in page session."""
    client = httpx.Client(base_url=wire.url, timeout=30)
    wire.clients.append(client)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": username, "password": password, "csrf": token})
    assert r.status_code == 303, r.text
    return client


def post(client: httpx.Client, page: str, action: str, **data: Any) -> httpx.Response:
    """Submit a form the way a browser does: the token from the page, then the POST."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf": token, **data})
