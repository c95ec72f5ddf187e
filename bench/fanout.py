"""Stream fan-out: publish-to-receive latency, loss and memory at N SSE connections.

For each server and each N, a C receiver (bench/fanout/receiver.c, built with the system
gcc into a temp dir) opens N authenticated `GET /v1/stream` connections from its own
process and timestamps every `id:` line per connection; this script publishes K stories
spaced apart, noting time.time_ns() just before each POST, and matches the returned seq
to the receiver's timestamps. Servers, one at a time on loopback:

- newswire: `newswire serve` on a fresh data dir (embedded PostgreSQL), publishing
  through the desk API;
- floor: a bare asyncio server writing the same pre-encoded bytes to every socket
  (bench/fanout/floor_server.py);
- naive: FastAPI + sse-starlette with one asyncio.Queue per client
  (bench/fanout/naive_server.py; needs `pip install sse-starlette==3.7.0`).

    .venv/bin/python bench/fanout.py [--sizes 1000,5000,10000] [--events 20]

Prints a table and writes bench/results/fanout.json.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib.util
import json
import math
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).parent
PARTS = HERE / "fanout"
RESULTS = HERE / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")
STREAM_PATH = "/v1/stream"
# Length of the `data:` line newswire sends for _story() in ninjs3; the reference servers
# send as many bytes, so every server moves the same volume (compare bytes_per_event).
DATA_BYTES = 2350


_MEDTOP = "http://cv.iptc.org/newscodes/mediatopic/"


def _story(n: int) -> dict[str, Any]:
    """A desk item whose stream frame is about 2 KB."""
    body = "".join(
        f"<p>Paragraph {p} of story {n}, with the detail that a wire story carries: who, "
        "what, where, when, and a quote from someone who was there.</p>"
        for p in range(12)
    )
    return {
        "item": {
            "headlines": [{"value": f"Fan-out benchmark story {n}"}],
            "language": "en",
            "urgency": 3,
            "bodies": [{"contentType": "text/html", "value": body}],
            # A desk-written flash carries its metadata, so enrichment (measured by
            # bench/publish_latency.py) adds nothing here: this bench measures delivery.
            "descriptions": [{"role": "summary", "value": "What happened, in a sentence."}],
            "subjects": [{"name": "economy", "uri": _MEDTOP + "04000000"}],
            "people": [{"name": "Ana Costa"}],
            "places": [{"name": "Lisbon"}],
            "organisations": [{"name": "Port Authority"}],
        },
        "products": ["world"],
    }


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _process_tree(root: int) -> list[int]:
    """`root` and its descendants, by the parent ids in /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
                parents.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(parents.get(pid, []))
    return tree


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def _cpu_s(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / CLK_TCK


def _stop(proc: subprocess.Popen[Any], wait_s: float = 60) -> None:
    """SIGTERM, wait, then SIGKILL."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(wait_s)
        except subprocess.TimeoutExpired:
            print(f"  pid {proc.pid} ignored SIGTERM for {wait_s:.0f} s; killing it")
            proc.kill()
            proc.wait()


def _wait_http(port: int, path: str, proc: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{_tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer {path} within 90 s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-20:])


class Publisher:
    """One keep-alive HTTP connection that POSTs events and returns their seq."""

    def __init__(self, port: int, path: str, headers: dict[str, str]) -> None:
        self.port, self.path, self.headers = port, path, headers
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def reconnect(self) -> None:
        """A fresh connection (servers drop idle keep-alive connections)."""
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", port=self.port, timeout=120)
        self.conn.connect()

    def post(self, body: bytes) -> int:
        """POST the body; the answer's seq."""
        self.conn.request("POST", self.path, body=body, headers=self.headers)
        response = self.conn.getresponse()
        answer = response.read()
        if response.status not in (200, 201):
            raise RuntimeError(f"publish answered {response.status}: {answer[:300]!r}")
        seq: int = json.loads(answer)["seq"]
        return seq


@dataclass
class Target:
    """A server under test: how to start it, publish to it and find its processes."""

    name: str
    tmp: Path
    port: int = 0
    key: str = "-"
    proc: subprocess.Popen[Any] | None = None
    publisher: Publisher | None = None
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.tmp / f"{self.name}.log"

    def command(self) -> list[str]:
        """The server's command line (for self.port)."""
        raise NotImplementedError

    def publisher_for(self) -> Publisher:
        """How events are published to this server."""
        return Publisher(self.port, "/publish", {"content-type": "application/json"})

    def wait_ready(self) -> None:
        """Block until the server answers."""
        assert self.proc is not None
        _wait_http(self.port, "/healthz", self.proc, self.log)

    def start(self) -> None:
        """Start the server on a fresh port and wait for it."""
        self.port = _port()
        self.log = self.tmp / f"{self.name}-{self.port}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                self.command(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self.wait_ready()
        self.publisher = self.publisher_for()

    def payload(self, n: int) -> bytes:
        """The POST body of event n: its `data:` line, as long as newswire's for the story."""
        data = {"uri": f"urn:bench:fanout:{n}", **_story(n)["item"], "pad": ""}
        data["pad"] = "x" * max(0, DATA_BYTES - len(json.dumps(data)))
        return json.dumps(data).encode()

    def pids(self) -> list[int]:
        """The server's Python processes (not its PostgreSQL)."""
        assert self.proc is not None
        tree = _process_tree(self.proc.pid)
        return [p for p in tree if not _comm(p).startswith(("postgres", "pg_ctl"))]

    def stop(self) -> None:
        """Stop the server and anything it left behind."""
        if self.publisher is not None:
            self.publisher.conn.close()
        if self.proc is not None:
            _stop(self.proc)


class Floor(Target):
    """The bare asyncio server."""

    def command(self) -> list[str]:
        return [sys.executable, str(PARTS / "floor_server.py"), str(self.port)]

    def wait_ready(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "ready" not in self.log.read_text():
            if self.proc.poll() is not None:
                raise RuntimeError(f"floor server exited:\n{_tail(self.log)}")
            time.sleep(0.05)


class Naive(Target):
    """FastAPI + sse-starlette, a queue per client."""

    def command(self) -> list[str]:
        return [sys.executable, str(PARTS / "naive_server.py"), str(self.port)]


class Newswire(Target):
    """`newswire serve` with its embedded PostgreSQL, set up through the CLI."""

    workers = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        self.data = self.tmp / "newswire-data"
        self._cli("product", "add", "world")
        self._cli("plan", "add", "live", "--products", "world")
        self.key = self._cli("subscriber", "add", "bench", "--plan", "live")
        self.editor = self._cli("key", "create", "--role", "editor")

    def _cli(self, *args: str) -> str:
        argv = [sys.executable, "-m", "newswire", *args, "--data-dir", str(self.data)]
        out = subprocess.run(argv, capture_output=True, text=True, check=False)
        if out.returncode != 0:
            sys.exit(f"fanout: `newswire {' '.join(args)}` failed:\n{out.stderr[-2000:]}")
        return out.stdout.split()[-1]

    def command(self) -> list[str]:
        return [
            *(sys.executable, "-m", "newswire", "serve", "--data-dir", str(self.data)),
            *("--port", str(self.port), "--workers", str(self.workers)),
        ]

    def payload(self, n: int) -> bytes:
        return json.dumps(_story(n)).encode()

    def publisher_for(self) -> Publisher:
        headers = {"content-type": "application/json", "authorization": f"Bearer {self.editor}"}
        return Publisher(self.port, "/v1/desk/items", headers)

    def stop(self) -> None:
        super().stop()
        # `newswire serve` stops its PostgreSQL on SIGTERM; make sure none is left over.
        for pid in self._postgres():
            print(f"  PostgreSQL pid {pid} outlived newswire serve; stopping it")
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGINT)  # fast shutdown
        deadline = time.monotonic() + 30
        while self._postgres() and time.monotonic() < deadline:
            time.sleep(0.2)

    def _postgres(self) -> list[int]:
        """PostgreSQL server processes running on this target's data dir."""
        data, found = str(self.data.resolve()), []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and _comm(int(entry.name)) == "postgres":
                with contextlib.suppress(OSError):
                    if data in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                        found.append(int(entry.name))
        return found


@dataclass
class Receiver:
    """The C receiver process: N connections, commands on stdin, answers on stdout."""

    binary: Path
    out: Path
    proc: subprocess.Popen[str] | None = None

    def start(self, target: Target, n: int, window: int) -> tuple[int, int, float]:
        """Open n connections; (connected, failed, seconds)."""
        argv = [str(self.binary), "127.0.0.1", str(target.port), str(n), STREAM_PATH]
        self.proc = subprocess.Popen(
            [*argv, target.key, str(window), str(self.out)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        words = self._line("connected")
        return int(words[1]), int(words[2]), float(words[3])

    def _line(self, expect: str) -> list[str]:
        assert self.proc is not None and self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith(expect):
            self.proc.wait(10)
            raise RuntimeError(f"receiver said {line!r} (exit {self.proc.returncode})")
        return line.split()

    def send(self, command: str) -> None:
        """One command line to the receiver."""
        assert self.proc is not None and self.proc.stdin is not None
        stdin: IO[str] = self.proc.stdin
        stdin.write(command + "\n")
        stdin.flush()

    def count(self) -> tuple[int, int]:
        """(id lines received so far, connections the server closed)."""
        self.send("count")
        words = self._line("count")
        return int(words[1]), int(words[2])

    def dump(self) -> tuple[float, dict[int, tuple[int, bool, bool]], list[tuple[int, int, int]]]:
        """Stop; (receiver CPU seconds, conn -> (bytes, closed, failed), samples)."""
        self.send("dump")
        cpu = float(self._line("done")[1])
        assert self.proc is not None
        self.proc.wait(30)
        conns: dict[int, tuple[int, bool, bool]] = {}
        samples: list[tuple[int, int, int]] = []
        with self.out.open() as f:
            for line in f:
                kind, a, b, c, *rest = line.split()
                if kind == "c":
                    conns[int(a)] = (int(b), c == "1", rest[0] == "1")
                else:
                    samples.append((int(a), int(b), int(c)))
        return cpu, conns, samples

    def kill(self) -> None:
        """Make sure the process is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _publish(target: Target, events: int, interval: float) -> tuple[dict[int, int], list[float]]:
    """Publish `events` stories on a fixed beat; seq -> time_ns before the POST."""
    assert target.publisher is not None
    target.publisher.reconnect()
    sent: dict[int, int] = {}
    post_ms: list[float] = []
    beat = time.monotonic()
    for i in range(events):
        body = target.payload(i)
        delay = beat + i * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        started = time.time_ns()
        seq = target.publisher.post(body)
        post_ms.append((time.time_ns() - started) / 1e6)
        sent[seq] = started
    return sent, post_ms


def _await_delivery(receiver: Receiver, expected: int, quiet_s: float) -> None:
    """Wait until every expected id arrived or nothing has arrived for quiet_s."""
    last, last_change = -1, time.monotonic()
    while True:
        got, _ = receiver.count()
        if got >= expected:
            return
        if got != last:
            last, last_change = got, time.monotonic()
        elif time.monotonic() - last_change > quiet_s:
            return
        time.sleep(0.1)


def _warm_up(target: Target, binary: Path, tmp: Path) -> None:
    """A few connections and events, so first-use costs stay out of the numbers."""
    receiver = Receiver(binary, tmp / "warmup.txt")
    try:
        connected, _, _ = receiver.start(target, 20, 20)
        if connected < 20:
            raise RuntimeError(f"warm-up: only {connected} of 20 stream connections opened")
        time.sleep(0.5)
        _publish(target, 3, 0.1)
        _await_delivery(receiver, 60, 5)
        receiver.dump()
    finally:
        receiver.kill()


def _summarise(
    sent: dict[int, int],
    conns: dict[int, tuple[int, bool, bool]],
    samples: list[tuple[int, int, int]],
) -> dict[str, Any]:
    seen: set[tuple[int, int]] = set()
    duplicated = 0
    latencies: list[float] = []
    by_event: dict[int, list[float]] = {seq: [] for seq in sent}
    for conn, seq, ns in samples:
        if seq not in sent:
            continue
        if (conn, seq) in seen:
            duplicated += 1
            continue
        seen.add((conn, seq))
        ms = (ns - sent[seq]) / 1e6
        latencies.append(ms)
        by_event[seq].append(ms)
    live = [c for c, (_, _, failed) in conns.items() if not failed]
    lost = len(live) * len(sent) - sum(1 for c, _ in seen if not conns[c][2])
    latencies.sort()
    firsts = [min(v) for v in by_event.values() if v]
    lasts = [max(v) for v in by_event.values() if v]
    event_bytes = statistics.median(conns[c][0] for c in live) / len(sent) if live else 0
    return {
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99), 2) if latencies else None,
        "max_ms": round(latencies[-1], 2) if latencies else None,
        "first_ms": round(statistics.median(firsts), 2) if firsts else None,
        "last_ms": round(statistics.median(lasts), 2) if lasts else None,
        "lost": lost,
        "duplicated": duplicated,
        "closed_by_server": sum(1 for _, closed, _ in conns.values() if closed),
        "bytes_per_event": round(event_bytes),
        # Per event, in publishing order: when its last copy arrived (stalls show here).
        "event_last_ms": [round(max(by_event[seq]), 1) if by_event[seq] else None for seq in sent],
    }


def measure(target: Target, binary: Path, n: int, args: argparse.Namespace) -> dict[str, Any]:
    """One (server, N) run on a freshly started server."""
    tmp = target.tmp
    load = os.getloadavg()[0]  # other work on the machine skews everything: say how much
    target.start()
    receiver = Receiver(binary, tmp / f"samples-{target.name}-{n}.txt")
    try:
        _warm_up(target, binary, tmp)
        time.sleep(1)
        rss_before = _rss_kb(target.pids())
        connected, failed, connect_s = receiver.start(target, n, args.window)
        time.sleep(args.idle)
        rss_after = _rss_kb(target.pids())
        assert receiver.proc is not None
        server_cpu, receiver_cpu = _cpu_s(target.pids()), _cpu_s([receiver.proc.pid])
        sent, post_ms = _publish(target, args.events, args.interval)
        _await_delivery(receiver, connected * args.events, args.quiet)
        server_cpu = _cpu_s(target.pids()) - server_cpu
        receiver_cpu = _cpu_s([receiver.proc.pid]) - receiver_cpu
        _, conns, samples = receiver.dump()
    finally:
        receiver.kill()
        target.stop()
    record: dict[str, Any] = {
        "server": target.name,
        "connections": n,
        "connected": connected,
        "failed_connections": failed,
        "connect_seconds": round(connect_s, 2),
        "events": len(sent),
        "load_1m_before": round(load, 2),
    }
    record.update(_summarise(sent, conns, samples))
    record.update(
        {
            "rss_before_mb": round(rss_before / 1024, 1),
            "rss_per_conn_kb": round((rss_after - rss_before) / max(connected, 1), 2),
            "post_p50_ms": round(statistics.median(post_ms), 2),
            "server_cpu_s": round(server_cpu, 2),
            "receiver_cpu_s": round(receiver_cpu, 2),
        }
    )
    return record


COLUMNS = [
    ("server", "server", "{}"),
    ("N", "connections", "{}"),
    ("conn'd", "connected", "{}"),
    ("conn s", "connect_seconds", "{:.1f}"),
    ("p50 ms", "p50_ms", "{:.1f}"),
    ("p99 ms", "p99_ms", "{:.1f}"),
    ("max ms", "max_ms", "{:.1f}"),
    ("first", "first_ms", "{:.1f}"),
    ("last", "last_ms", "{:.1f}"),
    ("lost", "lost", "{}"),
    ("dup", "duplicated", "{}"),
    ("KB/conn", "rss_per_conn_kb", "{:.1f}"),
    ("post ms", "post_p50_ms", "{:.1f}"),
    ("srv cpu", "server_cpu_s", "{:.2f}"),
    ("rcv cpu", "receiver_cpu_s", "{:.2f}"),
]


def _row(cells: list[str]) -> str:
    return "  ".join(f"{c:>9}" if i else f"{c:<9}" for i, c in enumerate(cells))


def _cells(record: dict[str, Any]) -> list[str]:
    return ["-" if record.get(key) is None else fmt.format(record[key]) for _, key, fmt in COLUMNS]


def _build_receiver(tmp: Path) -> Path:
    gcc = shutil.which("gcc") or shutil.which("cc")
    if gcc is None:
        sys.exit("fanout: needs gcc (or cc) to build bench/fanout/receiver.c")
    binary = tmp / "receiver"
    subprocess.run([gcc, "-O2", "-Wall", "-o", str(binary), str(PARTS / "receiver.c")], check=True)
    return binary


def _raise_nofile(need: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < need:
        sys.exit(f"fanout: RLIMIT_NOFILE hard limit is {hard}; {need} descriptors are needed")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


@contextlib.contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="newswire-fanout-") as tmp:
        yield Path(tmp)


def _targets(args: argparse.Namespace, tmp: Path, notes: list[str]) -> list[Target]:
    targets: list[Target] = []
    for name in args.servers.split(","):
        if name == "newswire":
            Newswire.workers = args.workers
            targets.append(Newswire(name, tmp))
        elif name == "floor":
            targets.append(Floor(name, tmp))
        elif name == "naive":
            if importlib.util.find_spec("sse_starlette") is None:
                note = (
                    "naive: SKIPPED, sse-starlette is not installed in this Python "
                    "(pip install sse-starlette==3.7.0)"
                )
                print(note)
                notes.append(note)
                continue
            targets.append(Naive(name, tmp))
        else:
            sys.exit(f"fanout: unknown server {name!r} (newswire, floor, naive)")
    return targets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="connection counts")
    parser.add_argument("--events", type=int, default=20, help="stories published per run")
    parser.add_argument("--interval", type=float, default=0.4, help="seconds between stories")
    parser.add_argument("--servers", default="newswire,floor,naive")
    parser.add_argument("--naive-max", type=int, default=None, help="skip naive above this N")
    parser.add_argument("--workers", type=int, default=1, help="newswire serve --workers")
    parser.add_argument("--window", type=int, default=256, help="connections awaiting a head")
    parser.add_argument("--idle", type=float, default=2.0, help="seconds idle before RSS")
    parser.add_argument("--quiet", type=float, default=15.0, help="give up after this silence")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    _raise_nofile(max(sizes) + 200)
    notes: list[str] = []
    records: list[dict[str, Any]] = []
    with _workdir() as tmp:
        binary = _build_receiver(tmp)
        print(_row([title for title, _, _ in COLUMNS]), flush=True)
        for target in _targets(args, tmp, notes):
            for n in sizes:
                if target.name == "naive" and args.naive_max is not None and n > args.naive_max:
                    notes.append(f"naive at N={n}: skipped (--naive-max {args.naive_max})")
                    continue
                try:
                    record = measure(target, binary, n, args)
                except (RuntimeError, OSError, subprocess.SubprocessError) as err:
                    notes.append(f"{target.name} at N={n}: failed: {err}")
                    print(f"{target.name} at N={n}: failed: {err}", flush=True)
                    continue
                records.append(record)
                print(_row(_cells(record)), flush=True)
    for note in notes:
        print(note)
    result = {
        "benchmark": "fanout",
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "python": platform.python_version(),
        "events": args.events,
        "interval_s": args.interval,
        "newswire_workers": args.workers,
        "notes": notes,
        "records": records,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fanout.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {RESULTS / 'fanout.json'}")


if __name__ == "__main__":
    main()
