"""Limits: per-plan rate limits and daily quotas (429 with Retry-After and limit
headers), body size limits (413), stream caps per key, key rotation with an overlap
window, IP allow-lists per subscriber, and the CLI's plan limits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

from tests.conftest import Wire, story
from tests.web.test_stream import SSEReader


def _problem(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = r.json()
    return body


def _subscriber_id(wire: Wire, name: str) -> int:
    found = [s for s in wire.admin.get("/v1/admin/subscribers").json() if s["name"] == name]
    return int(found[0]["id"])


def test_rate_limit_per_minute_answers_429_with_headers(wire: Wire) -> None:
    wire.product("world")
    wire.plan("metered", ["world"], rate_limit=5)
    wire.plan("open", ["world"])
    metered = wire.subscriber("Metered", "metered")
    other = wire.subscriber("Open", "open")
    remaining = []
    for _ in range(5):
        r = metered.get("/v1/feed")
        assert r.status_code == 200, r.text
        assert r.headers["ratelimit-limit"] == "5"
        remaining.append(int(r.headers["ratelimit-remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    r = metered.get("/v1/feed")
    body = _problem(r, 429)
    # The window may roll over between the requests; then the sixth one passes.
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert r.headers["ratelimit-remaining"] == "0"
    assert "5 requests a minute" in str(body["detail"])
    assert _problem(metered.get("/v1/search", params={"q": "x"}), 429)
    # Nobody else is held back: another subscriber, the desk.
    assert other.get("/v1/feed").status_code == 200
    assert "ratelimit-limit" not in other.get("/v1/feed").headers
    for n in range(7):
        wire.publish(story(f"Desk {n}"), ["world"])


def test_daily_quota_answers_429_until_midnight(wire: Wire) -> None:
    wire.product("world")
    wire.plan("small", ["world"], daily_quota=3)
    sub = wire.subscriber("Small", "small")
    left = [int(sub.get("/v1/feed").headers["quota-remaining"]) for _ in range(3)]
    assert left == [2, 1, 0]
    r = sub.get("/v1/feed")
    body = _problem(r, 429)
    assert "daily quota of 3" in str(body["detail"])
    assert 0 < int(r.headers["retry-after"]) <= 86400
    assert int(r.headers["retry-after"]) == int(r.headers["quota-reset"])
    # Raising the quota lets the subscriber in again at once.
    r = wire.admin.put("/v1/admin/plans/small/limits", json={"daily_quota": 10})
    assert r.status_code == 200, r.text
    assert sub.get("/v1/feed").status_code == 200


def test_body_size_limits_answer_413(wire: Wire) -> None:
    wire.product("world")
    big = {
        "item": story("Big", bodies=[{"role": "main", "value": "x" * 1_100_000}]),
        "products": ["world"],
    }
    body = _problem(wire.editor.post("/v1/desk/items", json=big), 413)
    assert "larger than this endpoint accepts (1024 KiB)" in str(body["detail"])

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield b'{"slug": "'
        for _ in range(20):
            yield b"y" * 65536
        yield b'"}'

    r = wire.admin.post(
        "/v1/admin/products", content=chunks(), headers={"content-type": "application/json"}
    )
    _problem(r, 413)
    # A small chunked body still works.
    r = wire.admin.post(
        "/v1/admin/products",
        content=iter([b'{"slug": ', b'"chunked"}']),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 201, r.text
    # Ingest takes files larger than a JSON body.
    nitf = b"<nitf><body><body.head><hedline><hl1>Long</hl1></hedline></body.head>"
    nitf += b"<body.content>" + b"<p>word word word</p>" * 60_000 + b"</body.content></body></nitf>"
    assert len(nitf) > 1024 * 1024
    r = wire.editor.post(
        "/v1/desk/ingest",
        params={"products": "world"},
        content=nitf,
        headers={"content-type": "application/xml"},
    )
    assert r.status_code != 413, r.text


def test_stream_connections_per_key_are_capped(wire: Wire) -> None:
    wire.product("world")
    wire.plan("two-streams", ["world"], stream_connections=2)
    sub = wire.subscriber("Streamer", "two-streams")
    key = sub.headers["authorization"].split()[1]
    first, second = _raw_stream(wire.url, key), _raw_stream(wire.url, key)
    third = wire.client(key).get("/v1/stream", timeout=5)
    body = _problem(third, 429)
    assert "2 open streams" in str(body["detail"])
    assert int(third.headers["retry-after"]) > 0
    # Another key of the same subscriber has its own streams.
    r = wire.admin.post(
        "/v1/admin/keys",
        json={"role": "subscriber", "subscriber": _subscriber_id(wire, "Streamer")},
    )
    assert _stream_status(wire, r.json()["key"]) == 200
    # Closing one frees its slot.
    first.close()
    deadline = time.monotonic() + 5
    while (status := _stream_status(wire, key)) == 429 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status == 200
    second.close()


def _raw_stream(url: str, key: str) -> socket.socket:
    """A stream on a plain socket, open once its status line says 200."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall(
        f"GET /v1/stream HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n\r\n".encode()
    )
    assert sock.recv(64).startswith(b"HTTP/1.1 200")
    return sock


def _stream_status(wire: Wire, key: str) -> int:
    with wire.client(key).stream("GET", "/v1/stream", timeout=5) as r:
        return r.status_code


def test_key_rotation_keeps_the_old_key_for_the_overlap_then_401(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    old = wire.subscriber("Rotating", "all")
    old_key = old.headers["authorization"].split()[1]
    made = wire.admin.post(
        "/v1/admin/keys",
        json={"role": "subscriber", "subscriber": _subscriber_id(wire, "Rotating")},
    )
    old_id = made.json()["id"] - 1  # the subscriber's first key was made just before
    # A subscriber may not rotate keys, not even its own.
    _problem(old.post(f"/v1/admin/keys/{old_id}/rotate", json={"overlap": 1}), 403)
    r = wire.admin.post(f"/v1/admin/keys/{old_id}/rotate", json={"overlap": 2})
    assert r.status_code == 201, r.text
    rotated = r.json()
    assert rotated["replaces"] == old_id and rotated["role"] == "subscriber"
    new = wire.client(rotated["key"])
    assert new.get("/v1/feed").status_code == 200
    assert old.get("/v1/feed").status_code == 200  # inside the overlap
    reader = SSEReader(wire.client(old_key))
    assert reader.status == 200
    time.sleep(2.5)
    _problem(old.get("/v1/feed"), 401)
    assert new.get("/v1/feed").status_code == 200
    # A rotated key cannot be rotated again, nor an unknown one.
    _problem(wire.admin.post(f"/v1/admin/keys/{old_id}/rotate"), 404)
    _problem(wire.admin.post("/v1/admin/keys/999999/rotate"), 404)
    _problem(wire.admin.post(f"/v1/admin/keys/{old_id}/rotate", json={"overlap": -1}), 422)
    # The old key's open stream is closed when the key expires (checked every 10 s).
    assert reader.closed.wait(15)


def test_ip_allow_list_answers_403_from_elsewhere(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    sub = wire.subscriber("Office", "all")
    key = sub.headers["authorization"].split()[1]
    sid = _subscriber_id(wire, "Office")
    url = f"/v1/admin/subscribers/{sid}/ip-allow"
    r = wire.admin.put(url, json={"cidrs": ["10.0.0.0/8", "2001:db8::/32"]})
    assert r.status_code == 200 and r.json()["cidrs"] == ["10.0.0.0/8", "2001:db8::/32"]
    body = _problem(sub.get("/v1/feed"), 403)
    assert "127.0.0.1" in str(body["detail"]) and "allow-list" in str(body["detail"])
    _problem(wire.client(key).get("/v1/stream", timeout=5), 403)
    assert wire.admin.put(url, json={"cidrs": ["127.0.0.1"]}).json()["cidrs"] == ["127.0.0.1/32"]
    assert sub.get("/v1/feed").status_code == 200
    bad = _problem(wire.admin.put(url, json={"cidrs": ["10.0.0.0/33"]}), 422)
    assert "cidrs.0" in str(bad["detail"])
    _problem(wire.admin.put("/v1/admin/subscribers/999999/ip-allow", json={"cidrs": []}), 404)
    assert wire.admin.put(url, json={"cidrs": []}).status_code == 200
    assert sub.get("/v1/feed").status_code == 200


def test_cli_plan_add_sets_limits(wire: Wire, tmp_path: object) -> None:
    env = dict(os.environ, NEWSWIRE_DATABASE_URL=wire.db_url)
    wire.product("world")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "newswire", "plan", "add", *args, "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    done = run("metered", "--products", "world", "--rate-limit", "60", "--daily-quota", "5000")
    assert done.returncode == 0, done.stderr
    bad = run("broken", "--products", "world", "--rate-limit", "0")
    assert bad.returncode != 0 and "--rate-limit" in bad.stderr
    plans = {p["slug"]: p for p in wire.admin.get("/v1/admin/plans").json()}
    assert plans["metered"]["rate_limit"] == 60 and plans["metered"]["daily_quota"] == 5000
    assert plans["metered"]["stream_connections"] is None
    assert "broken" not in plans
