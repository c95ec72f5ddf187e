"""Login throttling on the page login form: five failed logins for one username (from
any address) or from one address (for any usernames) within 15 minutes answer 429
with Retry-After until the oldest leaves the window; a successful login resets the
username's count; every attempt is audited. Clients connect from different loopback
addresses (127.0.0.x), so the server sees them as different client IPs."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg
import pytest

from tests.conftest import Wire
from tests.pages.logins import PASSWORD, add_user, csrf_of, subscriber_id


@pytest.fixture
def people(wire: Wire) -> Wire:
    wire.product("world")
    wire.plan("full", ["world"])
    wire.subscriber("Daily Planet", "full")
    add_user(wire.db_url, "ada", "subscriber", subscriber_id(wire, "Daily Planet"))
    add_user(wire.db_url, "bo", "editor")
    return wire


def _attempt(wire: Wire, address: str, username: str, password: str) -> httpx.Response:
    """One login from a client bound to `address`, as a browser does it (form + POST)."""
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=wire.url, transport=transport, timeout=30) as client:
        token = csrf_of(client.get("/login").text)
        data = {"username": username, "password": password, "csrf": token}
        return client.post("/login", data=data)


def _sql(wire: Wire, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(wire.db_url, autocommit=True) as conn:
        cur = conn.execute(query)
        return cur.fetchall() if cur.description else []


def test_five_failures_for_a_username_lock_it_from_every_address(people: Wire) -> None:
    for address in ("127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.1", "127.0.0.2"):
        assert _attempt(people, address, "ada", "wrong password").status_code == 401

    r = _attempt(people, "127.0.0.3", "ada", PASSWORD)  # right password, new address
    assert r.status_code == 429
    assert 890 <= int(r.headers["Retry-After"]) <= 900
    assert "Too many failed logins" in r.text and "15 minutes" in r.text
    assert "ada" not in r.headers.get("set-cookie", "")
    # Another username from an address with four failures still gets in.
    assert _attempt(people, "127.0.0.1", "bo", PASSWORD).status_code == 303

    # Fifteen minutes later the failures have left the window.
    _sql(people, "UPDATE login_failures SET at = at - interval '15 minutes 1 second'")
    assert _attempt(people, "127.0.0.3", "ada", PASSWORD).status_code == 303

    actions = _sql(
        people,
        "SELECT action, detail->>'client' FROM audit_log WHERE actor = 'user:ada' ORDER BY id",
    )
    assert actions == [("login_failed", "127.0.0.1")] * 4 + [
        ("login_failed", "127.0.0.2"),
        ("login_throttled", "127.0.0.3"),
        ("login", "127.0.0.3"),
    ]


def test_a_successful_login_resets_the_username_count(people: Wire) -> None:
    for _ in range(4):
        assert _attempt(people, "127.0.0.4", "ada", "wrong password").status_code == 401
    assert _attempt(people, "127.0.0.5", "ada", PASSWORD).status_code == 303
    for _ in range(4):
        assert _attempt(people, "127.0.0.6", "ada", "wrong password").status_code == 401
    # Eight failures in the window, but only four since the last success.
    assert _attempt(people, "127.0.0.5", "ada", PASSWORD).status_code == 303
    # Counting starts again from there: five more failures lock the username.
    for _ in range(5):
        assert _attempt(people, "127.0.0.8", "ada", "wrong password").status_code == 401
    assert _attempt(people, "127.0.0.5", "ada", PASSWORD).status_code == 429


def test_five_failures_from_one_address_lock_that_address(people: Wire) -> None:
    for n in range(5):
        assert _attempt(people, "127.0.0.7", f"guess{n}", "wrong").status_code == 401
    r = _attempt(people, "127.0.0.7", "bo", PASSWORD)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert _attempt(people, "127.0.0.1", "bo", PASSWORD).status_code == 303  # bo is fine
    # bo's success clears bo's count, not the address's.
    assert _attempt(people, "127.0.0.7", "bo", PASSWORD).status_code == 429
