"""Soak: a steady publishing load with every delivery channel open for a long time.

Starts `newswire serve` on a fresh data dir (embedded PostgreSQL), publishes at a fixed
rate while stream clients (raw sockets, resuming with Last-Event-ID when cut off),
feed long-pollers and webhook receivers (some of which fail for a stretch in the
middle) take everything. Reports loss per channel (must be zero), p99 stream
delivery latency and server memory over time, and saves JSON.

    .venv/bin/python bench/soak.py                      # 10 minutes at full scale
    .venv/bin/python bench/soak.py --duration 120 --streams 200 --pollers 10 \\
        --webhooks 6 --rate 5 --out bench/results/soak-short.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

RESULTS = Path(__file__).parent / "results"
WINDOW = 10.0  # seconds per point of the curves


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


def _story(n: int) -> dict[str, Any]:
    body = "".join(
        f"<p>Paragraph {p} of soak story {n}: the port authority in Lisbon said traffic"
        " rose for the third month as shipping lines added routes.</p>"
        for p in range(8)
    )
    return {
        "headlines": [{"role": "main", "value": f"Soak story {n}"}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": body}],
        "descriptions": [{"role": "summary", "value": f"Soak story {n} summary."}],
        "language": "en",
        "subjects": [{"uri": "http://cv.iptc.org/newscodes/mediatopic/20000349"}],
    }


@dataclass
class Soak:
    """Everything measured, shared by the tasks."""

    url: str
    started: float = field(default_factory=time.monotonic)
    published: dict[int, float] = field(default_factory=dict)  # seq: wall time of POST
    publish_errors: int = 0
    stream_seen: list[set[int]] = field(default_factory=list)
    stream_latency: list[tuple[float, float]] = field(default_factory=list)  # (t, seconds)
    stream_reconnects: int = 0
    feed_seen: list[set[int]] = field(default_factory=list)
    hook_seen: list[set[int]] = field(default_factory=list)
    hook_failed_answers: int = 0
    rss: list[tuple[float, float]] = field(default_factory=list)  # (t, MiB)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def publisher(soak: Soak, key: str, rate: float, duration: float) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=soak.url, headers=headers, timeout=30) as client:
        n = 0
        next_at = time.monotonic()
        while time.monotonic() - soak.started < duration:
            sent = time.time()
            try:
                r = await client.post(
                    "/v1/desk/items", json={"item": _story(n), "products": ["world"]}
                )
                if r.status_code == 201:
                    soak.published[r.json()["seq"]] = sent
                else:
                    soak.publish_errors += 1
            except httpx.HTTPError:
                soak.publish_errors += 1
            n += 1
            next_at += 1 / rate
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))


async def stream_client(soak: Soak, key: str, index: int) -> None:
    """SSE over HTTP/1.0 (no chunking); resumes with Last-Event-ID after any cut."""
    seen = soak.stream_seen[index]
    host, port = soak.url.removeprefix("http://").split(":")
    last: int | None = None
    while not soak.stop.is_set():
        try:
            reader, writer = await asyncio.open_connection(host, int(port))
        except OSError:
            await asyncio.sleep(0.5)
            continue
        resume = f"Last-Event-ID: {last}\r\n" if last is not None else ""
        writer.write(
            f"GET /v1/stream HTTP/1.0\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\n"
            f"{resume}\r\n".encode()
        )
        buffer = b""
        try:
            while not soak.stop.is_set():
                chunk = await reader.read(65536)
                if not chunk:
                    break
                buffer += chunk
                at = time.time()
                start = 0
                while True:
                    found = buffer.find(b"\nid: ", start)
                    if found < 0:
                        break
                    end = buffer.find(b"\n", found + 5)
                    if end < 0:
                        break
                    seq = int(buffer[found + 5 : end])
                    start = end
                    seen.add(seq)
                    last = seq
                    if index % 10 == 0 and seq in soak.published:
                        soak.stream_latency.append((at, at - soak.published[seq]))
                buffer = buffer[max(0, start - 1) :]
        except (OSError, ValueError):
            pass
        finally:
            writer.close()
        if not soak.stop.is_set():
            soak.stream_reconnects += 1
            await asyncio.sleep(0.2)


async def poller(soak: Soak, key: str, index: int) -> None:
    seen = soak.feed_seen[index]
    headers = {"Authorization": f"Bearer {key}"}
    after = 0
    async with httpx.AsyncClient(base_url=soak.url, headers=headers, timeout=60) as client:
        while not soak.stop.is_set():
            try:
                r = await client.get("/v1/feed", params={"after": after, "limit": 500, "wait": 5})
            except httpx.HTTPError:
                await asyncio.sleep(1)
                continue
            if r.status_code != 200:
                await asyncio.sleep(1)
                continue
            page = r.json()
            seen.update(e["seq"] for e in page["entries"])
            after = int(page["next"])


class Receiver:
    """A webhook endpoint on a raw asyncio server; a failing one answers 503 for a while."""

    def __init__(self, soak: Soak, index: int, failing: bool, fail_from: float, fail_to: float):
        self.soak, self.index = soak, index
        self.failing, self.fail_from, self.fail_to = failing, fail_from, fail_to
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/hook"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                age = time.monotonic() - self.soak.started
                if self.failing and self.fail_from <= age < self.fail_to:
                    self.soak.hook_failed_answers += 1
                    writer.write(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n")
                else:
                    self.soak.hook_seen[self.index].add(int(json.loads(body)["seq"]))
                    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()


async def memory(soak: Soak, pid: int) -> None:
    proc = psutil.Process(pid)
    while not soak.stop.is_set():
        procs = [proc, *proc.children(recursive=True)]
        rss = 0
        for p in procs:
            try:
                if p.name() != "postgres":
                    rss += p.memory_info().rss
            except psutil.Error:
                pass
        soak.rss.append((time.monotonic() - soak.started, rss / 2**20))
        await asyncio.sleep(5)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def _loss(expected: set[int], seen: list[set[int]]) -> dict[str, int]:
    missing = [len(expected - s) for s in seen]
    return {
        "clients": len(seen),
        "missing_total": sum(missing),
        "clients_missing": sum(1 for m in missing if m),
    }


async def run(args: argparse.Namespace, url: str, data: Path, pid: int) -> dict[str, Any]:
    admin_key = _cli(data, "key", "create", "--role", "admin")
    editor_key = _cli(data, "key", "create", "--role", "editor")
    soak = Soak(url)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {admin_key}"}, timeout=30
    ) as admin:
        (await admin.post("/v1/admin/products", json={"slug": "world"})).raise_for_status()
        (
            await admin.post("/v1/admin/plans", json={"slug": "all", "products": ["world"]})
        ).raise_for_status()

        async def subscriber(name: str) -> str:
            r = await admin.post("/v1/admin/subscribers", json={"name": name, "plan": "all"})
            r.raise_for_status()
            return str(r.json()["key"])

        stream_keys = [await subscriber(f"Stream {n}") for n in range(max(1, args.streams // 100))]
        poll_key = await subscriber("Pollers")
        receivers = []
        for n in range(args.webhooks):
            failing = n < args.webhooks * args.failing
            receiver = Receiver(soak, n, failing, args.duration * 0.3, args.duration * 0.5)
            key = await subscriber(f"Hook {n}")
            target = await receiver.start()
            hook = await admin.post(
                "/v1/webhooks", json={"url": target}, headers={"Authorization": f"Bearer {key}"}
            )
            hook.raise_for_status()
            receivers.append(receiver)
    soak.stream_seen = [set() for _ in range(args.streams)]
    soak.feed_seen = [set() for _ in range(args.pollers)]
    soak.hook_seen = [set() for _ in range(args.webhooks)]
    tasks = [asyncio.create_task(memory(soak, pid))]
    for n in range(args.streams):
        tasks.append(asyncio.create_task(stream_client(soak, stream_keys[n % len(stream_keys)], n)))
        if n % 100 == 99:
            await asyncio.sleep(0.2)  # do not storm the accept queue
    tasks += [asyncio.create_task(poller(soak, poll_key, n)) for n in range(args.pollers)]
    await asyncio.sleep(2)
    soak.started = time.monotonic()
    print(
        f"soak: {args.streams} streams, {args.pollers} pollers, {args.webhooks} webhooks;"
        f" publishing {args.rate}/s for {args.duration:.0f} s",
        flush=True,
    )
    await publisher(soak, editor_key, args.rate, args.duration)
    expected = set(soak.published)
    drain_until = time.monotonic() + args.drain
    while time.monotonic() < drain_until:  # let retries and slow paths finish
        if all(expected <= s for s in soak.stream_seen + soak.feed_seen + soak.hook_seen):
            break
        await asyncio.sleep(1)
    soak.stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    latencies = [seconds for _, seconds in soak.stream_latency]
    windows: dict[int, list[float]] = {}
    base = min((t for t, _ in soak.stream_latency), default=0.0)
    for t, latency in soak.stream_latency:
        windows.setdefault(int((t - base) // WINDOW), []).append(latency)
    return {
        "benchmark": "soak",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus, {platform.python_version()}",
        "duration_s": args.duration,
        "publish_rate_per_s": args.rate,
        "published": len(expected),
        "publish_errors": soak.publish_errors,
        "loss": {
            "stream": _loss(expected, soak.stream_seen),
            "feed": _loss(expected, soak.feed_seen),
            "webhook": _loss(expected, soak.hook_seen),
        },
        "stream_reconnects": soak.stream_reconnects,
        "webhook_503_answers": soak.hook_failed_answers,
        "failing_receivers": sum(1 for r in receivers if r.failing),
        "stream_latency_ms": {
            "p50": round(_percentile(latencies, 0.5) * 1000, 1),
            "p99": round(_percentile(latencies, 0.99) * 1000, 1),
            "sampled_clients": "every 10th stream client",
        },
        "p99_ms_per_window": [
            {
                "t_s": int(k * WINDOW),
                "p99_ms": round(_percentile(v, 0.99) * 1000, 1),
                "samples": len(v),
            }
            for k, v in sorted(windows.items())
        ],
        "server_rss_mib": [{"t_s": round(t), "rss_mib": round(m, 1)} for t, m in soak.rss],
        "what": "newswire serve (one process unless --workers) with embedded PostgreSQL; all"
        " clients in this one Python process on the same machine",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=600.0, help="seconds of publishing")
    parser.add_argument("--rate", type=float, default=20.0, help="publishes per second")
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--pollers", type=int, default=50)
    parser.add_argument("--webhooks", type=int, default=20)
    parser.add_argument("--failing", type=float, default=0.25, help="share of failing receivers")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for stragglers")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", default=str(RESULTS / "soak.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newswire-soak-") as tmp:
        data = Path(tmp) / "data"
        port = _port()
        server = subprocess.Popen(
            [sys.executable, "-m", "newswire", "serve", "--data-dir", str(data), "--port",
             str(port), "--workers", str(args.workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{url}/readyz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("newswire serve did not start")
                time.sleep(0.5)
            result = asyncio.run(run(args, url, data, server.pid))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: result[k] for k in ("published", "loss", "stream_latency_ms")}, indent=2))
    rss = [p["rss_mib"] for p in result["server_rss_mib"]]
    if rss:
        print(f"server RSS MiB: first {rss[0]}, max {max(rss)}, last {rss[-1]}")
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
