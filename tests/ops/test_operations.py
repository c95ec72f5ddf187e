"""Operations: Prometheus metrics, request ids and JSON logs, readiness, and backup
and restore consistent with the search index."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from tests.conftest import LiveServer, Wire, free_port, story
from tests.delivery.conftest import Receiver, wait_until
from tests.ops.support import feed
from tests.web.test_stream import SSEReader


def _sample(text: str, name: str, **labels: str) -> float:
    """One sample's value in Prometheus text (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    found = re.search(r"^" + pattern + r"$", text, re.M)
    return float(found.group(1)) if found else 0.0


def test_metrics_count_deliveries_streams_webhooks_latency_and_enrichment(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    sub = wire.subscriber("Watched", "all")
    client = wire.client()
    before = client.get("/metrics").text
    receiver = Receiver()
    try:
        assert sub.post("/v1/webhooks", json={"url": receiver.url}).status_code == 201
        reader = SSEReader(wire.client(sub.headers["authorization"].split()[1]))
        time.sleep(0.3)
        for n in range(2):
            wire.publish(story(f"Measured {n}", language="en"), ["world"])
        assert len(reader.wait_for(2)) == 2
        assert len(sub.get("/v1/feed").json()["entries"]) == 2
        wait_until(lambda: len(receiver.unique()) == 2)
        # A webhook delivery is counted once its outcome is recorded, just after the
        # receiver's answer: wait for the second.
        wait_until(
            lambda: _sample(client.get("/metrics").text, "newswire_deliveries_total",
                            channel="webhook")
            - _sample(before, "newswire_deliveries_total", channel="webhook") >= 2
        )  # fmt: skip
        r = client.get("/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        after = r.text

        def grew(name: str, **labels: str) -> float:
            return _sample(after, name, **labels) - _sample(before, name, **labels)

        assert grew("newswire_deliveries_total", channel="stream") == 2
        assert grew("newswire_deliveries_total", channel="feed") == 2
        assert grew("newswire_deliveries_total", channel="webhook") == 2
        assert grew("newswire_wire_events_total", kind="publish") >= 2
        assert grew("newswire_delivery_latency_seconds_count", channel="stream") == 2
        assert grew("newswire_delivery_latency_seconds_count", channel="webhook") == 2
        assert grew("newswire_enrichment_step_seconds_count", step="summary") >= 2
        assert _sample(after, "newswire_stream_connections") >= 1
        assert 'newswire_webhook_backlog{status="pending"}' in after
        assert "newswire_webhook_failures_total" in after
        assert _sample(after, "newswire_wire_head_seq") == 2
    finally:
        receiver.close()


def test_request_ids_are_echoed_and_readiness_reported(wire: Wire) -> None:
    client = wire.client()
    r = client.get("/healthz", headers={"X-Request-Id": "trace-42.a"})
    assert r.headers["x-request-id"] == "trace-42.a"
    made = client.get("/healthz").headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    bad = client.get("/healthz", headers={"X-Request-Id": "no spaces or <tags>"})
    assert bad.headers["x-request-id"] != "no spaces or <tags>"
    problem = client.get("/v1/feed")  # errors carry it too
    assert problem.status_code == 401 and problem.headers["x-request-id"]
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_serve_writes_json_log_lines_with_the_request_id(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = dict(os.environ, NEWSWIRE_DATABASE_URL=db_url)
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newswire", "serve", "--port", str(port),
             "--data-dir", str(tmp_path / "d")],
            env=env, stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{url}/healthz")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "serve did not start"
                    time.sleep(0.2)
            httpx.get(f"{url}/v1/feed", headers={"X-Request-Id": "json-log-check"})
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    ours = [line for line in lines if line.get("request_id") == "json-log-check"]
    assert ours, log.read_text()[-2000:]
    assert ours[-1]["path"] == "/v1/feed" and ours[-1]["status"] == 401
    assert {"ts", "level", "logger", "msg"} <= set(ours[-1])


def _cli(db_url: str, data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newswire", *args, "--data-dir", str(data)],
        capture_output=True, text=True, timeout=300,
        env=dict(os.environ, NEWSWIRE_DATABASE_URL=db_url),
    )  # fmt: skip


def _found(client: httpx.Client, words: str) -> int:
    r = client.get("/v1/search", params={"q": words})
    assert r.status_code == 200, r.text
    total: int = r.json()["total"]
    return total


def test_backup_and_restore_bring_back_the_log_and_a_matching_search_index(
    wire: Wire, db_url: str, tmp_path: Path
) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    sub = wire.subscriber("Reader", "all")
    kept = wire.publish(story("Lighthouse keeper retires"), ["world"])
    wait_until(lambda: _found(sub, "lighthouse") == 1)
    file = tmp_path / "wire.backup"
    done = _cli(db_url, tmp_path, "backup", str(file))
    assert done.returncode == 0, done.stderr
    assert file.stat().st_size > 0 and "bytes" in done.stdout
    at_backup = feed(sub)
    later = wire.publish(story("Volcano erupts near harbour"), ["world"])
    r = wire.editor.post(
        f"/v1/desk/items/{quote(kept['uri'], safe='')}/kill", json={"reason": "Test"}
    )
    assert r.status_code == 200
    wait_until(lambda: _found(sub, "volcano") == 1 and _found(sub, "lighthouse") == 0)
    assert wire.server is not None
    wire.server.stop()  # restore replaces the database: the server is stopped first

    bad = _cli(db_url, tmp_path, "restore", str(tmp_path / "missing.backup"))
    assert bad.returncode != 0 and "no such backup file" in bad.stderr
    garbage = tmp_path / "garbage.backup"
    garbage.write_bytes(b"not a dump")
    bad = _cli(db_url, tmp_path, "restore", str(garbage))
    errors = [line for line in bad.stderr.splitlines() if line.startswith("newswire:")]
    assert bad.returncode != 0 and len(errors) == 1 and "pg_restore" in errors[0], bad.stderr
    done = _cli(db_url, tmp_path, "restore", str(file))
    assert done.returncode == 0, done.stderr
    assert "search index rebuilt: 1 items" in done.stdout

    server = LiveServer(db_url, tmp_path)
    try:
        again = Wire(server.url, db_url, wire.admin_key, wire.editor_key, server)
        reader = again.client(sub.headers["authorization"].split()[1])
        assert feed(reader) == at_backup  # the log as it was, killed story alive again
        assert reader.get(f"/v1/items/{quote(later['uri'], safe='')}").status_code == 404
        assert _found(reader, "lighthouse") == 1  # the index matches the restored log
        assert _found(reader, "volcano") == 0
        fresh = again.publish(story("After the restore"), ["world"])
        assert fresh["seq"] == at_backup[-1]["seq"] + 1
        wait_until(lambda: _found(reader, "restore") == 1)
        again.close()
    finally:
        server.stop()
