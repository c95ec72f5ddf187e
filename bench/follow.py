"""The follow agent: catch-up speed, live latency and memory.

Starts `newswire serve` on a fresh data dir (embedded PostgreSQL), publishes a backlog
of stories, then runs `newswire follow` as a subprocess in two formats, one after the
other: ninjs3 (written from the stream as received) and newsmlg2 (one GET per item).
For each it times the catch-up over the backlog, samples the agent's resident memory
(psutil) as it goes, then publishes stories one at a time and times publish-to-file
(the file's appearance, polled every 2 ms).

    .venv/bin/python bench/follow.py [--backlog 1000] [--live 100]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from newswire.delivery.filenames import item_file
from newswire.store.server import start_embedded

RESULTS = Path(__file__).parent / "results"
_MEDTOP = "http://cv.iptc.org/newscodes/mediatopic/"


def _cli(data: Path, env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "newswire", *args, "--data-dir", str(data)],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return out.stdout.split()[-1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _story(n: int) -> dict[str, Any]:
    body = "".join(
        f"<p>Paragraph {p} of story {n}: who, what, where and when.</p>" for p in range(8)
    )
    return {
        "uri": f"urn:bench:story-{n}",
        "headlines": [{"value": f"Bench story {n}"}],
        "language": "en",
        "bodies": [{"contentType": "text/html", "value": body}],
        "descriptions": [{"role": "summary", "value": "What happened, in a sentence."}],
        "subjects": [{"name": "economy", "uri": _MEDTOP + "04000000"}],
        "people": [{"name": "Ana Costa"}],
        "places": [{"name": "Lisbon"}],
        "organisations": [{"name": "Port Authority"}],
    }


def _publish(editor: httpx.Client, n: int) -> int:
    r = editor.post("/v1/desk/items", json={"item": _story(n), "products": ["world"]})
    r.raise_for_status()
    seq: int = r.json()["seq"]
    return seq


def _cursor(out: Path) -> int:
    try:
        seq: int = json.loads((out / ".newswire-follow.json").read_text())["seq"]
    except (FileNotFoundError, ValueError):
        return -1
    return seq


def _follow(
    url: str, key: str, fmt: str, out: Path, editor: httpx.Client, head: int, first: int, live: int
) -> dict[str, Any]:
    args = [sys.executable, "-m", "newswire", "follow", "--url", url, "--key", key,
            "--format", fmt, "--out", str(out), "--quiet"]  # fmt: skip
    started = time.perf_counter()
    agent = subprocess.Popen(args)
    proc = psutil.Process(agent.pid)
    rss: list[tuple[int, int]] = []
    while _cursor(out) < head:
        rss.append((_cursor(out), proc.memory_info().rss))
        time.sleep(0.1)
    catch_up = time.perf_counter() - started
    ext = "json" if fmt == "ninjs3" else "xml"
    latencies = []
    for n in range(first, first + live):
        name = out / item_file(f"urn:bench:story-{n}", 1, ext)
        t0 = time.perf_counter()
        _publish(editor, n)
        while not name.exists():
            time.sleep(0.002)
        latencies.append((time.perf_counter() - t0) * 1000)
    rss.append((_cursor(out), proc.memory_info().rss))
    agent.terminate()
    code = agent.wait(20)
    latencies.sort()

    def rss_at(share: float) -> float:
        """Resident MiB at the first sample past this share of the backlog."""
        past = [r for seq, r in rss if seq >= head * share and r]
        return round(past[0] / 2**20, 1) if past else 0.0

    working = [r / 2**20 for seq, r in rss if seq > 0 and r]
    return {
        "format": fmt,
        "backlog_items": head,
        "catch_up_seconds": round(catch_up, 2),
        "catch_up_items_per_second": round(head / catch_up, 1),
        "rss_mib_at_25_50_75_100_percent": [rss_at(q) for q in (0.25, 0.5, 0.75, 1.0)],
        "rss_mib_max_after_first_item": round(max(working), 1) if working else 0.0,
        "rss_mib_after_live_phase": round(rss[-1][1] / 2**20, 1),
        "live_publish_to_file_ms_p50": round(statistics.median(latencies), 1),
        "live_publish_to_file_ms_p99": round(latencies[int(len(latencies) * 0.99) - 1], 1),
        "exit_code_on_sigterm": code,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--live", type=int, default=100)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        pg = start_embedded(data)
        env = {**os.environ, "NEWSWIRE_DATABASE_URL": pg.url}
        try:
            _cli(data, env, "product", "add", "world")
            _cli(data, env, "plan", "add", "full", "--products", "world")
            key = _cli(data, env, "subscriber", "add", "reader", "--plan", "full")
            editor_key = _cli(data, env, "key", "create", "--role", "editor")
            port = _port()
            serve = ["serve", "--data-dir", str(data), "--port", str(port)]
            server = subprocess.Popen(
                [sys.executable, "-m", "newswire", *serve], stdout=subprocess.DEVNULL, env=env
            )
            url = f"http://127.0.0.1:{port}"
            try:
                editor = httpx.Client(
                    base_url=url, headers={"Authorization": f"Bearer {editor_key}"}, timeout=30
                )
                for _ in range(200):
                    try:
                        editor.get("/healthz").raise_for_status()
                        break
                    except httpx.HTTPError:
                        time.sleep(0.1)
                head = 0
                for n in range(args.backlog):
                    head = _publish(editor, n)
                next_story = args.backlog
                for fmt in ("ninjs3", "newsmlg2"):
                    out = Path(tmp) / fmt
                    runs.append(_follow(url, key, fmt, out, editor, head, next_story, args.live))
                    next_story += args.live
                    head += args.live
            finally:
                server.terminate()
                server.wait(30)
        finally:
            pg.stop()
    result = {
        "runs": runs,
        "machine": f"{platform.machine()} {platform.python_version()}, {os.cpu_count()} cores",
        "note": "agent, server and PostgreSQL share the machine; publish-to-file includes"
        " the publish request",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "follow.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
