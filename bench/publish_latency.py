"""Publish latency: desk POST to 201 over loopback, p50/p99 over N publishes.

Starts `newswire serve` on a fresh data dir (embedded PostgreSQL), sets it up through
the CLI, publishes N stories one after another, prints and saves the numbers as JSON.

    .venv/bin/python bench/publish_latency.py [--count 1000]
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

RESULTS = Path(__file__).parent / "results"


def _cli(data: Path, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "newswire", *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.split()[-1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _story(n: int) -> dict[str, object]:
    body = "".join(
        f"<p>Paragraph {p} of story {n}, with the detail a wire story carries.</p>"
        for p in range(8)
    )
    return {
        "item": {
            "headlines": [{"value": f"Benchmark story {n}"}],
            "language": "en",
            "urgency": 5,
            "descriptions": [{"role": "summary", "value": "A summary."}],
            "bodies": [{"contentType": "text/html", "value": body}],
        },
        "products": ["world"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        _cli(data, "product", "add", "world")
        key = _cli(data, "key", "create", "--role", "editor")
        port = _port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newswire",
                "serve",
                "--data-dir",
                str(data),
                "--port",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as c:
                for _ in range(300):
                    try:
                        if c.get("/healthz").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.1)
                for n in range(50):  # warm up connections and caches
                    c.post("/v1/desk/items", json=_story(-n))
                timings = []
                for n in range(args.count):
                    started = time.perf_counter()
                    r = c.post("/v1/desk/items", json=_story(n))
                    timings.append((time.perf_counter() - started) * 1000)
                    assert r.status_code == 201, r.text
        finally:
            server.terminate()
            server.wait(30)
    timings.sort()
    result = {
        "benchmark": "publish_latency",
        "count": args.count,
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "publishes_per_s": round(1000 / statistics.fmean(timings), 1),
        "machine": f"{platform.machine()} {platform.python_version()}",
        "enrichment": "language + lead summary (cheap steps only)",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "publish_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
