"""The command line end to end: an empty data dir set up only through the CLI, then served."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import free_port, story


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NEWSWIRE_DATABASE_URL", None)  # exercise the embedded PostgreSQL
    return env


def newswire(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m newswire ARGS`."""
    return subprocess.run(
        [sys.executable, "-m", "newswire", *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )


def last_word(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


class Serve:
    """`newswire serve` on a data dir, as a child process the test starts and stops."""

    def __init__(
        self, data: Path, database_url: str | None = None, extra: tuple[str, ...] = ()
    ) -> None:
        self.data = data
        self.env = (
            _env() if database_url is None else dict(_env(), NEWSWIRE_DATABASE_URL=database_url)
        )
        self.args = ["--data-dir", str(data)]
        self.extra = list(extra)
        self.url = f"http://127.0.0.1:{free_port()}"
        self.proc: subprocess.Popen[str] | None = None
        self.clients: list[httpx.Client] = []

    def start(self) -> None:
        port = self.url.rsplit(":", 1)[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "newswire", "serve", *self.args, "--port", port, *self.extra],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("newswire serve did not answer")

    def client(self, key: str) -> httpx.Client:
        client = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {key}"})
        self.clients.append(client)
        return client

    def terminate(self) -> int:
        """SIGTERM, then the exit status (the server must stop within 20 s)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(20)

    def close(self) -> None:
        """Close the clients and stop the server gracefully, so its PostgreSQL stops too."""
        for client in self.clients:
            client.close()
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.terminate()
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """A `newswire serve` on an empty data dir, not yet started."""
    server = Serve(tmp_path / "data")
    yield server
    server.close()


def test_cli_set_up_then_served(serve: Serve) -> None:
    d = serve.args
    assert newswire("product", "add", "world-en", "--public", *d).returncode == 0
    assert (
        newswire(
            "plan", "add", "full-en", "--products", "world-en", "--languages", "en", *d
        ).returncode
        == 0
    )
    assert (
        newswire(
            "plan",
            "add",
            "summary-en",
            "--products",
            "world-en",
            "--languages",
            "en",
            "--depth",
            "summary",
            *d,
        ).returncode
        == 0
    )
    assert (
        newswire(
            "plan", "add", "full-tr", "--products", "world-en", "--languages", "tr", *d
        ).returncode
        == 0
    )
    full_key = last_word(newswire("subscriber", "add", "Full Daily", "--plan", "full-en", *d))
    summary_key = last_word(newswire("subscriber", "add", "Summary", "--plan", "summary-en", *d))
    tr_key = last_word(newswire("subscriber", "add", "Haber", "--plan", "full-tr", *d))
    editor_key = last_word(newswire("key", "create", "--role", "editor", *d))

    bad = newswire("plan", "add", "broken", "--products", "missing", *d)
    assert bad.returncode != 0 and "missing" in bad.stderr and len(bad.stderr.splitlines()) == 1

    serve.start()
    editor, full = serve.client(editor_key), serve.client(full_key)
    summary, other = serve.client(summary_key), serve.client(tr_key)

    r = editor.post(
        "/v1/desk/items", json={"item": story("Port reopens"), "products": ["world-en"]}
    )
    assert r.status_code == 201, r.text
    path = "/v1/items/" + quote(r.json()["uri"], safe="")
    assert "bodies" in full.get(path).json()
    assert "bodies" not in summary.get(path).json()
    assert other.get(path).status_code == 404

    until = datetime.now(UTC) + timedelta(seconds=2)
    r = editor.post(
        "/v1/desk/items",
        json={
            "item": story("Embargoed report", embargoedUntil=until.isoformat()),
            "products": ["world-en"],
        },
    )
    embargoed = "/v1/items/" + quote(r.json()["uri"], safe="")
    assert full.get(embargoed).status_code == 404
    while datetime.now(UTC) < until:
        time.sleep(0.05)
    time.sleep(1.5)
    assert full.get(embargoed).status_code == 200  # visible within two seconds of release

    assert serve.client("wrong").get("/v1/feed").status_code == 401
    assert serve.terminate() == 0


def test_embargo_that_fell_due_while_stopped_is_released_at_start(serve: Serve) -> None:
    d = serve.args
    newswire("product", "add", "world", *d)
    newswire("plan", "add", "all", "--products", "world", *d)
    reader = serve.client(last_word(newswire("subscriber", "add", "Reader", "--plan", "all", *d)))
    editor = serve.client(last_word(newswire("key", "create", "--role", "editor", *d)))
    serve.start()
    # Room for a slow first publish on a loaded machine: it must land before the embargo falls due.
    until = datetime.now(UTC) + timedelta(seconds=6)
    r = editor.post(
        "/v1/desk/items",
        json={"item": story("Held", embargoedUntil=until.isoformat()), "products": ["world"]},
    )
    assert r.status_code == 201
    assert serve.terminate() == 0  # stopped before the embargo falls due
    while datetime.now(UTC) < until + timedelta(seconds=1):
        time.sleep(0.1)
    serve.start()
    deadline = time.monotonic() + 5
    events: list[str] = []
    while not events and time.monotonic() < deadline:
        events = [e["event"] for e in reader.get("/v1/feed").json()["entries"]]
    assert events == ["release"]
