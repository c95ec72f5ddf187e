"""The acceptance harness: newswire as an outsider meets it, through CONTRACT.md only.

One `newswire serve` subprocess on a temporary data dir (embedded PostgreSQL) is shared
by the whole folder; keys, products, plans and subscribers are made with the CLI as an
operator would, and everything else is HTTP on loopback. Tests use their own products
and uris, so they do not depend on each other's order.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO.parent / "shared" / "samples"

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the real-world samples are not at {SAMPLES}"
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("NEWSWIRE_DATABASE_URL", None)  # the embedded PostgreSQL, as a newcomer runs it
    env["PYTHONWARNINGS"] = "ignore"
    return env


def path_of(uri: str) -> str:
    """`/v1/items/{uri}` with the uri percent-encoded, as CONTRACT.md says."""
    return "/v1/items/" + quote(uri, safe="")


def is_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    """The RFC 9457 body of an error response, checked for status, type and a detail."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert isinstance(problem.get("detail"), str) and len(problem["detail"]) > 10, problem
    return problem


@dataclass
class Newswire:
    """A served newswire data dir and the CLI that administers it."""

    data_dir: Path
    url: str = ""
    process: subprocess.Popen[bytes] | None = None
    admin_key: str = ""
    editor_key: str = ""
    clients: list[httpx.Client] = field(default_factory=list)
    keys: dict[str, str] = field(default_factory=dict)

    def cli(
        self, *args: str, at: int | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """`python -m newswire ARGS --data-dir DIR`, captured; `at` puts `--data-dir DIR`
        at that index of ARGS instead of the end."""
        where = len(args) if at is None else at
        rest = [*args[:where], "--data-dir", str(self.data_dir), *args[where:]]
        command = [sys.executable, "-m", "newswire", *rest]
        return subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=_env(), check=False
        )

    def cli_ok(self, *args: str) -> str:
        """Run a command that must succeed; its stdout."""
        done = self.cli(*args)
        assert done.returncode == 0, (args, done.stdout[-500:], done.stderr[-500:])
        return done.stdout

    def key(self, *args: str) -> str:
        """Run a command that prints a key as the last word of its output."""
        return self.cli_ok(*args).split()[-1]

    def client(self, key: str | None = None) -> httpx.Client:
        """An HTTP client for the server, with `key` as its bearer token."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        client = httpx.Client(base_url=self.url, headers=headers, timeout=30)
        self.clients.append(client)
        return client

    @property
    def editor(self) -> httpx.Client:
        return self.client(self.editor_key)

    def subscriber(self, name: str, plan: str) -> httpx.Client:
        """A client for a new subscriber made with the CLI."""
        return self.client(self.key("subscriber", "add", name, "--plan", plan))

    def sub(self, plan: str) -> httpx.Client:
        """A client for the subscriber the harness made on `plan`."""
        return self.client(self.keys[plan])

    def publish(self, item: dict[str, Any], products: list[str]) -> dict[str, Any]:
        response = self.editor.post("/v1/desk/items", json={"item": item, "products": products})
        assert response.status_code == 201, response.text
        result: dict[str, Any] = response.json()
        return result

    def serve(self) -> None:
        """Start `newswire serve` on a free loopback port and wait for /healthz."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "newswire", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(port), "--data-dir", str(self.data_dir)]
        with (self.data_dir.parent / "serve.log").open("wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=_env()
            )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"newswire serve exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("newswire serve did not answer /healthz in 90 s")

    def stop(self) -> int | None:
        """SIGTERM the server; its exit status."""
        for client in self.clients:
            client.close()
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(10)

    def server_errors(self) -> list[str]:
        """Lines of the server log that report a 5xx or a traceback."""
        log = (self.data_dir.parent / "serve.log").read_text(errors="replace")
        return [
            line
            for line in log.splitlines()
            if ("Traceback" in line or re.search(r'"status": 5\d\d|" 5\d\d ', line))
        ]


# What the folder's modules need. The samples' product, plans and subscribers are made
# with the CLI (in parallel waves), the rest through the admin API, which is quicker.
_SAMPLE_TYPES = ("--types", "text,picture,video,graphic,audio,composite,event")
CLI_PRODUCTS = {"samples": ("--name", "Agency samples", "--public")}
CLI_PLANS = {
    "samples-full": ("--products", "samples", *_SAMPLE_TYPES),
    "samples-summary": ("--products", "samples", "--depth", "summary", *_SAMPLE_TYPES),
    "samples-embargo": ("--products", "samples", "--embargoed", *_SAMPLE_TYPES),
}
PRODUCTS: dict[str, dict[str, Any]] = {
    "wire-api": {"name": "Wire API"},
    "public-ops": {"public": True, "publicDelay": 0},
    "public-later": {"public": True, "publicDelay": 120},
    "private-ops": {},
    "media-cli": {},
}
PLANS: dict[str, dict[str, Any]] = {
    "api-full": {"products": ["wire-api"], "languages": ["en"]},
    "api-summary": {"products": ["wire-api"], "languages": ["en"], "depth": "summary"},
    "api-tr": {"products": ["wire-api"], "languages": ["tr"]},
    "api-emb": {"products": ["wire-api"], "languages": ["en"], "embargoed": True},
    "hooks": {"products": ["public-ops"]},
    "media-full": {"products": ["media-cli"]},
    "media-summary": {"products": ["media-cli"], "depth": "summary"},
    "media-text": {"products": ["media-cli"], "types": ["text"]},
}


def _wave(wire: Newswire, commands: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Run CLI commands at once; each one's stdout. `--data-dir` goes right after the
    plan's slug for the first plan (CONTRACT: it may stand anywhere after the name)."""
    running = {}
    for n, (name, args) in enumerate(commands.items()):
        at = 3 if n == 0 and args[0] == "plan" else len(args)
        rest = [*args[:at], "--data-dir", str(wire.data_dir), *args[at:]]
        running[name] = subprocess.Popen(
            [sys.executable, "-m", "newswire", *rest],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
        )
    out = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=180)
        assert process.returncode == 0, (name, stdout[-300:], stderr[-500:])
        out[name] = stdout
    return out


def _provision(wire: Newswire) -> None:
    first: dict[str, tuple[str, ...]] = {
        "admin": ("key", "create", "--role", "admin"),
        "editor": ("key", "create", "--role", "editor"),
    }
    first |= {slug: ("product", "add", slug, *args) for slug, args in CLI_PRODUCTS.items()}
    made = _wave(wire, first)
    wire.admin_key, wire.editor_key = made["admin"].split()[-1], made["editor"].split()[-1]
    admin = wire.client(wire.admin_key)
    for slug, body in PRODUCTS.items():
        answer = admin.post("/v1/admin/products", json={"slug": slug, **body})
        assert answer.status_code == 201, answer.text
    _wave(wire, {slug: ("plan", "add", slug, *args) for slug, args in CLI_PLANS.items()})
    for slug, body in PLANS.items():
        answer = admin.post("/v1/admin/plans", json={"slug": slug, **body})
        assert answer.status_code == 201, answer.text
    subscribers = {p: ("subscriber", "add", f"Sub {p}", "--plan", p) for p in CLI_PLANS}
    keys = {name: out.split()[-1] for name, out in _wave(wire, subscribers).items()}
    for plan in PLANS:
        answer = admin.post("/v1/admin/subscribers", json={"name": f"Sub {plan}", "plan": plan})
        assert answer.status_code == 201, answer.text
        keys[plan] = answer.json()["key"]
    wire.keys = keys


@pytest.fixture(scope="session")
def nw() -> Iterator[Newswire]:
    """One served newswire for the whole folder, administered by the CLI.

    Its data dir is a private temporary dir, not pytest's: other pytest runs on this
    machine prune pytest's numbered dirs while they start.
    """
    root = Path(tempfile.mkdtemp(prefix="newswire-acceptance-"))
    wire = Newswire(root / "data")
    try:
        started = time.monotonic()
        wire.serve()
        print(f"acceptance: serve answered in {time.monotonic() - started:.1f} s")
        _provision(wire)
        print(
            f"acceptance: keys, products, plans, subscribers in {time.monotonic() - started:.1f} s"
        )
        yield wire
    finally:
        status = wire.stop()
        errors = wire.server_errors() if (root / "serve.log").exists() else []
        shutil.rmtree(root, ignore_errors=True)
    assert status == 0, f"newswire serve did not stop cleanly on SIGTERM (status {status})"
    assert errors == [], f"the server logged errors (a 5xx or a traceback): {errors[:5]}"
