"""Helpers for the follow-agent tests: the agent as a subprocess, and a fast desk story."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from newswire.follow.folder import CURSOR_FILE

_MEDTOP = "http://cv.iptc.org/newscodes/mediatopic/"
RUNNING: list[subprocess.Popen[bytes]] = []  # killed after each test by conftest.py


def desk_story(n: int, language: str = "en") -> dict[str, Any]:
    """A story with the desk's metadata, so enrichment adds nothing and publishing is quick."""
    return {
        "uri": f"urn:newswire:test:story-{n}",
        "headlines": [{"role": "main", "value": f"Story number {n}"}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": f"<p>Body {n}.</p>"}],
        "descriptions": [{"role": "summary", "value": f"Summary {n}."}],
        "language": language,
        "subjects": [{"name": "economy", "uri": _MEDTOP + "04000000"}],
        "people": [{"name": "Ana Costa"}],
        "places": [{"name": "Lisbon"}],
        "organisations": [{"name": "Port Authority"}],
    }


class Agent:
    """`python -m newswire follow ...` as a child process, its log in a file."""

    def __init__(self, url: str, key: str, fmt: str, out: Path, *extra: str) -> None:
        self.args = [
            sys.executable, "-m", "newswire", "follow", "--url", url, "--key", key,
            "--format", fmt, "--out", str(out), "--progress-every", "50", *extra,
        ]  # fmt: skip
        self.out = out
        self.log_path = out.parent / f"{out.name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Agent:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(self.args, stdout=log, stderr=log)
        RUNNING.append(self.proc)
        log.close()
        return self

    def cursor(self) -> int:
        try:
            seq: int = json.loads((self.out / CURSOR_FILE).read_text())["seq"]
        except (FileNotFoundError, ValueError):
            return -1
        return seq

    def wait_cursor(self, seq: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.cursor() < seq:
            assert self.proc is not None
            assert self.proc.poll() is None, f"agent exited {self.proc.returncode}: {self.log()}"
            assert time.monotonic() < deadline, f"cursor {self.cursor()} < {seq}: {self.log()}"
            time.sleep(0.05)

    def wait_log(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log():
            assert time.monotonic() < deadline, f"no {text!r} in the log: {self.log()}"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send a signal and return the exit status."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(20)

    def wait(self, timeout: float = 60) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def files(self) -> set[str]:
        return {p.name for p in self.out.iterdir()} - {CURSOR_FILE, ".newswire-follow.lock"}
