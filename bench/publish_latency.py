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


MEDTOP = "http://cv.iptc.org/newscodes/mediatopic/"


def _story(n: int, bare: bool) -> dict[str, object]:
    """A story; `bare` leaves out what enrichment would otherwise fill in."""
    body = "".join(
        f"<p>Paragraph {p} of story {n}: Minister Ana Costa said in Lisbon that the port"
        " authority would reopen the northern terminal after repairs.</p>"
        for p in range(8)
    )
    item: dict[str, object] = {
        "headlines": [{"value": f"Benchmark story {n}"}],
        "urgency": 5,
        "bodies": [{"contentType": "text/html", "value": body}],
    }
    if not bare:  # the editor's metadata: enrichment leaves it all alone
        item |= {
            "language": "en",
            "descriptions": [{"role": "summary", "value": "A summary."}],
            "subjects": [{"name": "economy", "uri": MEDTOP + "04000000"}],
            "people": [{"name": "Ana Costa"}],
            "places": [{"name": "Lisbon"}],
            "organisations": [{"name": "Port Authority"}],
        }
    return {"item": item, "products": ["world"]}


def _timings(client: httpx.Client, count: int, bare: bool) -> list[float]:
    for n in range(50):  # warm up connections, caches and models
        client.post("/v1/desk/items", json=_story(-n - 1000 * bare, bare))
    timings = []
    for n in range(count):
        started = time.perf_counter()
        r = client.post("/v1/desk/items", json=_story(n + 100_000 * bare, bare))
        timings.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 201, r.text
    return sorted(timings)


def _summary(timings: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
        "max_ms": round(timings[-1], 2),
        "publishes_per_s": round(1000 / statistics.fmean(timings), 1),
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
                core = _timings(c, args.count, bare=False)
                enriched = _timings(c, args.count, bare=True)
        finally:
            server.terminate()
            server.wait(30)
    result = {
        "benchmark": "publish_latency",
        "count": args.count,
        "core": _summary(core) | {"what": "stories with the editor's metadata: no enrichment"},
        "enriched": _summary(enriched)
        | {"what": "bare stories: language, summary, entities, topics, keywords inferred"},
        "machine": f"{platform.machine()} {platform.python_version()}",
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "publish_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
