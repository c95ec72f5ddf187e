"""The public front page under load: requests per second served from the page cache.

Starts `newswire demo` (embedded PostgreSQL, sample stories on public products) as a
child process, warms the front page once, then loads `GET /` from a second process:
wrk when it is installed (Debian: `apt-get install wrk`), else a small asyncio/httpx
load generator. Prints and saves the numbers to bench/results/public.json.

    .venv/bin/python bench/public.py [--seconds 15] [--connections 64] [--workers 1]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

RESULTS = Path(__file__).parent / "results"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(data: Path, log: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSWIRE_DATABASE_URL"}
    args = [sys.executable, "-m", "newswire", "demo", "--data-dir", str(data)]
    args += ["--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        return subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_ready(url: str, log: Path, timeout: float = 300) -> bytes:
    """The front page once the demo has finished seeding (its output ends with `try:`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if b"try: curl" in log.read_bytes():
            try:
                r = httpx.get(url + "/", timeout=10)
                if r.status_code == 200 and b"/stories/" in r.content:
                    return r.content
            except httpx.HTTPError:
                pass  # not listening yet
        time.sleep(0.5)
    raise RuntimeError(f"the demo server was not ready in time:\n{log.read_text()[-2000:]}")


def _wrk(url: str, seconds: int, connections: int, threads: int) -> dict[str, Any]:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url + "/"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    return {
        "tool": "wrk",
        "requests_per_second": rps,
        "requests": total,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
        "latency_percentiles": latency,
        "raw": out,
    }


async def _load(url: str, seconds: float, connections: int) -> tuple[int, int]:
    done = bad = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as client:

        async def one() -> None:
            nonlocal done, bad
            while time.monotonic() < stop:
                r = await client.get("/")
                done += 1
                bad += r.status_code != 200

        await asyncio.gather(*(one() for _ in range(connections)))
    return done, bad


def _httpx_worker(args: tuple[str, float, int]) -> tuple[int, int]:
    return asyncio.run(_load(*args))


def _httpx(url: str, seconds: int, connections: int, processes: int) -> dict[str, Any]:
    per = max(connections // processes, 1)
    began = time.perf_counter()
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(_httpx_worker, [(url, seconds, per)] * processes)
    elapsed = time.perf_counter() - began
    total = sum(r[0] for r in results)
    return {
        "tool": f"httpx asyncio x{processes}",
        "requests_per_second": total / elapsed,
        "requests": total,
        "non_2xx": sum(r[1] for r in results),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=1, help="newswire serve --workers")
    parser.add_argument("--tool", choices=("auto", "wrk", "httpx"), default="auto")
    args = parser.parse_args()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="newswire-bench-public-") as tmp:
        data = Path(tmp) / "data"
        os.chmod(tmp, 0o755)  # the embedded PostgreSQL runs as its own user
        log = Path(tmp) / "server.log"
        server = _start(data, log, port, args.workers)
        try:
            page = _wait_ready(url, log)
            tool = args.tool
            if tool == "auto":
                tool = "wrk" if shutil.which("wrk") else "httpx"
            if tool == "wrk":
                measured = _wrk(url, args.seconds, args.connections, args.threads)
            else:
                measured = _httpx(url, args.seconds, args.connections, 2)
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    result = {
        "benchmark": "public front page GET / from the page cache",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "server_workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "page_bytes": len(page),
        "target_requests_per_second": 2000,
        **{k: v for k, v in measured.items() if k != "raw"},
    }
    print(measured.get("raw", ""))
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "public.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
