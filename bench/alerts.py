"""Alert latency with 10,000 saved queries: publish to `event: alert` on the stream.

Starts `newswire serve` on a fresh data dir (embedded PostgreSQL), creates 100
subscribers with 100 alerts each over the API (a mix of words, AND, OR, NOT,
phrases, prefixes and person:, drawn from a Zipf vocabulary, so common words make
many alerts fire), opens the first subscriber's stream, then publishes stories one
at a time. Each carries a word that one alert of that subscriber waits for; the time
from the start of the publish request to the `alert` event on the stream is the alert
latency (the story's own `publish` event on the same stream is the fan-out reference).
It also times the percolator alone, in this process, over the same 10,000 queries.

    .venv/bin/python bench/alerts.py [--alerts 10000] [--count 200]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

from newswire.model import Item, ItemState
from newswire.search.alerts import Percolator, SavedQuery, scope_for
from newswire.search.alerts_match import doc_terms
from newswire.search.filters import Filters
from newswire.search.query import parse
from newswire.store.server import start_embedded

RESULTS = Path(__file__).parent / "results"
PER_SUBSCRIBER = 100
VOCABULARY = 20_000
SYLLABLES = "ba be co da el en fi ga ho in ka lo ma ne or pe ra si ta un ve wi".split()  # noqa: SIM905
WEIGHTS = [1 / (rank + 1) for rank in range(VOCABULARY)]


def _cli(data: Path, env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "newswire", *args, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return out.stdout.split()[-1]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _vocabulary(rng: random.Random) -> list[str]:
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _queries(rng: random.Random, vocab: list[str], count: int) -> list[str]:
    """Saved searches on words of every rank but the 100 most common (Zipf: a word of
    rank r is in about 170 / (10.5 r) of the stories)."""

    def word() -> str:
        return vocab[rng.randrange(100, VOCABULARY)]

    kinds = [
        (0.40, lambda: word()),
        (0.20, lambda: f"{word()} {word()}"),
        (0.10, lambda: f'"{word()} {word()}"'),
        (0.10, lambda: f"{word()} OR {word()}"),
        (0.10, lambda: f"{word()} NOT {word()}"),
        (0.05, lambda: _stem(word()) + "*"),
        (0.05, lambda: f'person:"Person {rng.randrange(500)}"'),
    ]
    out = []
    for _ in range(count):
        pick, acc = rng.random(), 0.0
        for share, make in kinds:
            acc += share
            if pick <= acc:
                out.append(make())
                break
        else:
            out.append(word())
    return out


def _stem(word: str) -> str:
    """A prefix as people type one: the word less its last syllable, six letters at least."""
    return word[:-2] if len(word) >= 8 else word


def _story(rng: random.Random, vocab: list[str], extra: str = "") -> dict[str, Any]:
    words = rng.choices(vocab, WEIGHTS, k=170)
    return {
        "language": "en",
        "headlines": [{"value": " ".join(words[:8]) + (f" {extra}" if extra else "")}],
        "descriptions": [{"role": "summary", "value": " ".join(words[8:20])}],
        "bodies": [{"contentType": "text/html", "value": "<p>" + " ".join(words[20:]) + "</p>"}],
        "subjects": [
            {"name": "economy", "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000"}
        ],
        "people": [{"name": f"Person {rng.randrange(500)}"}],
        "places": [{"name": "Lisbon"}],
        "organisations": [{"name": "Port Authority"}],
    }


class StreamWatch:
    """Reads one subscriber's stream in a thread; notes when each event arrived."""

    def __init__(self, url: str, key: str) -> None:
        self.arrived: dict[tuple[str, int], float] = {}
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(url, key), daemon=True)
        self.thread.start()
        assert self.ready.wait(10), "the stream did not open"

    def _read(self, url: str, key: str) -> None:
        headers = {"Authorization": f"Bearer {key}"}
        timeout = httpx.Timeout(30, read=None)
        with (
            contextlib.suppress(httpx.HTTPError),  # the server stops at the end
            httpx.Client(base_url=url, headers=headers, timeout=timeout) as client,
            client.stream("GET", "/v1/stream") as response,
        ):
            self.ready.set()
            event: dict[str, str] = {}
            for line in response.iter_lines():
                if line:
                    name, _, value = line.partition(": ")
                    event[name] = value
                    continue
                now = time.perf_counter()
                if event.get("event") == "alert":
                    self.arrived[("alert", int(json.loads(event["data"])["seq"]))] = now
                elif "id" in event:
                    self.arrived[(event.get("event", ""), int(event["id"]))] = now
                event = {}

    def wait(self, key: tuple[str, int], timeout: float = 10.0) -> float | None:
        deadline = time.perf_counter() + timeout
        while key not in self.arrived:
            if time.perf_counter() > deadline:
                return None
            time.sleep(0.0005)
        return self.arrived[key]


def _summary(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)], 2),
        "p99_ms": round(values[max(0, int(len(values) * 0.99) - 1)], 2),
        "max_ms": round(values[-1], 2),
    }


def _percolator_alone(queries: list[str], vocab: list[str], stories: int) -> dict[str, Any]:
    """The matcher's CPU work per story, without HTTP or the database."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    began = time.perf_counter()
    percolator = Percolator()
    for n, q in enumerate(queries):
        node = parse(q)
        assert node is not None
        percolator.add(SavedQuery(n, n // PER_SUBSCRIBER, q, node, Filters(), now))
    load_s = time.perf_counter() - began
    took, candidates, matched = [], [], []
    for _ in range(stories):
        item = Item.model_validate({"uri": "urn:b", **_story(rng, vocab)})
        state = ItemState(item=item, version=1, products=frozenset({"world"}), released_at=now)
        start = time.perf_counter()
        doc = doc_terms(state)
        found = percolator.candidates(doc)
        hits = [
            q
            for q in found
            if Percolator.matches(q, doc, scope_for(q, frozenset(), True, frozenset({"world"})))
        ]
        took.append((time.perf_counter() - start) * 1000)
        candidates.append(len(found))
        matched.append(len(hits))
    return {
        "queries": len(queries),
        "load_s": round(load_s, 2),
        "stories": stories,
        "per_story": _summary(took),
        "candidates_mean": round(statistics.fmean(candidates), 1),
        "matches_mean": round(statistics.fmean(matched), 1),
        "what": "analyse the story, look up candidates by anchor, exact test of each",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--count", type=int, default=200, help="measured publishes")
    args = parser.parse_args()
    load_before = [round(v, 1) for v in os.getloadavg()]
    rng = random.Random(1)
    vocab = _vocabulary(rng)
    queries = _queries(rng, vocab, args.alerts)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        pg = start_embedded(data)  # the CLI and the server join this one
        env = {**os.environ, "NEWSWIRE_DATABASE_URL": pg.url}
        try:
            _cli(data, env, "product", "add", "world")
            _cli(data, env, "plan", "add", "full-en", "--products", "world", "--languages", "en")
            watched_key = _cli(data, env, "subscriber", "add", "watched", "--plan", "full-en")
            editor_key = _cli(data, env, "key", "create", "--role", "editor")
            _store_alerts(pg.url, queries[:-1])
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
                    *[str(port)],
                ],
                stdout=subprocess.DEVNULL,
                env=env,
            )
            try:
                url = f"http://127.0.0.1:{port}"
                keys = (watched_key, editor_key)
                result = _run(url, pg.url, keys, vocab, args.count, rng)
            finally:
                server.terminate()
                server.wait(30)
        finally:
            pg.stop()
    result["load_average_before"] = load_before
    result["load_average_after"] = [round(v, 1) for v in os.getloadavg()]
    result["percolator_alone"] = _percolator_alone(queries, vocab, 500)
    result["machine"] = f"{platform.machine()} {platform.python_version()}"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "alerts.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def _store_alerts(url: str, queries: list[str]) -> None:
    """All but one saved query, written straight to the tables (100 per subscriber, the
    API's cap; the first subscriber, the watched one, gets 99 and saves one over HTTP)."""
    with psycopg.connect(url, autocommit=True) as conn:
        watched = conn.execute("SELECT id FROM subscribers WHERE name = 'watched'").fetchone()
        assert watched is not None
        owners = [int(watched[0])]
        for n in range(1, -(-(len(queries) + 1) // PER_SUBSCRIBER)):
            row = conn.execute(
                "INSERT INTO subscribers (name, plan) VALUES (%s, 'full-en') RETURNING id",
                (f"sub{n}",),
            ).fetchone()
            assert row is not None
            owners.append(int(row[0]))
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO alerts (subscriber_id, name, query, channels)"
                " VALUES (%s, %s, %s, '{stream,portal}')",
                [(owners[(n + 1) // PER_SUBSCRIBER], f"a{n}", q) for n, q in enumerate(queries)],
            )


def _run(
    url: str,
    db_url: str,
    keys: tuple[str, str],
    vocab: list[str],
    count: int,
    rng: random.Random,
) -> dict[str, Any]:
    key, editor_key = keys
    editor = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {editor_key}"})
    watched = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"})
    for _ in range(300):
        try:
            if editor.get("/healthz").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.1)
    r = watched.post("/v1/alerts", json={"name": "target", "query": "benchtarget"})
    assert r.status_code == 201, r.text
    target = r.json()["id"]
    watch = StreamWatch(url, key)
    time.sleep(0.5)
    for _ in range(20):  # warm up
        editor.post("/v1/desk/items", json={"item": _story(rng, vocab), "products": ["world"]})
    time.sleep(1.0)
    alert_ms, publish_ms, behind_ms, missing = [], [], [], 0
    for _ in range(count):
        item = _story(rng, vocab, extra="benchtarget")
        started = time.perf_counter()
        r = editor.post("/v1/desk/items", json={"item": item, "products": ["world"]})
        assert r.status_code == 201, r.text
        seq = r.json()["seq"]
        got_alert = watch.wait(("alert", seq))
        got_publish = watch.wait(("publish", seq))
        if got_alert is None:
            missing += 1
        else:
            alert_ms.append((got_alert - started) * 1000)
        if got_publish is not None:
            publish_ms.append((got_publish - started) * 1000)
        if got_publish is not None and got_alert is not None:
            behind_ms.append((got_alert - got_publish) * 1000)
        time.sleep(0.05)
    time.sleep(1.0)
    matches = watched.get(f"/v1/alerts/{target}/matches", params={"limit": 500}).json()
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT seq), (SELECT count(*) FROM alerts) FROM alert_matches"
        ).fetchone()
    assert row is not None
    return {
        "benchmark": "alerts",
        "alerts_stored": int(row[2]),
        "measured_publishes": count,
        "alerts_missing": missing,
        "publish_to_alert_event": _summary(alert_ms) if alert_ms else None,
        "publish_to_own_publish_event": _summary(publish_ms) if publish_ms else None,
        "alert_event_after_publish_event": _summary(behind_ms) if behind_ms else None,
        "target_matches_listed": len(matches["matches"]),
        "matches_recorded": int(row[0]),
        "matches_per_story": round(int(row[0]) / max(int(row[1]), 1), 1),
        "what": "from the start of POST /v1/desk/items to the SSE `alert` event on a"
        " subscriber's stream, one newswire process holding the saved queries; the"
        " story's own `publish` event on the same stream is the reference",
    }


if __name__ == "__main__":
    main()
