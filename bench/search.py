"""Search speed: a synthetic multilingual archive, indexed, then queried as GET /v1/search
does, beside the same queries on PostgreSQL full-text search as the reference.

Generates N stories in six languages (Zipf word frequencies over a 20,000-word
vocabulary per language, entities, IPTC topics, eight products), indexes them through
newswire.search (the writer `newswire reindex` uses), and times the index side of a
search (query parse, entitlement clauses, top 20, total, snippets; the five facets for
the facets kind, as `facets=all` asks) for a
query mix (rare, medium and common word, two-term AND, phrase, prefix, filtered by
product and date, facets, newest-first) at concurrency 1 and 16. The same stories go
into PostgreSQL (an embedded server: tsvector per language with weights, GIN index)
and the same queries run there (`ts_rank` top 20 with the total, newest-first, facet
counts) at concurrency 1 and 16: ratios of the p50s and throughputs are in the JSON.

    .venv/bin/python bench/search.py --stories 1000000      # writes results/search-1m.json
    .venv/bin/python bench/search.py --stories 50000 --no-pg

Results are saved after each phase, so an interrupted run leaves what it measured.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from newswire.model import Item, ItemState, Plan, Viewer, ViewerKind
from newswire.search.filters import Filters, entitlement, filter_clauses, whole
from newswire.search.index import IndexWriter, new_generation, publish_generation, searcher
from newswire.search.query import compile_query, parse
from newswire.search.results import FACETS, run_search
from newswire.store.server import start_embedded

RESULTS = Path(__file__).parent / "results"
LANGUAGES = ["en", "tr", "ar", "fr", "de", "es"]
PG_CONFIG = {
    "en": "english",
    "tr": "turkish",
    "ar": "arabic",
    "fr": "french",
    "de": "german",
    "es": "spanish",
}
PRODUCTS = [f"p{n}" for n in range(8)]
PLAN = frozenset(PRODUCTS[:4])  # the searching subscriber's plan
_SYLLABLES = {
    "en": "ba be co da el en fi ga ho in ka lo ma ne or pe ra si ta un ve wi",
    "tr": "ba be ca ça de dı gü ka ke la le me mı ne öz ra sa şe ta ya ze",
    "ar": "با بي تا جي حا دو را زي سا شي عا في قا كي لا ما نا ها وا يا",
    "fr": "ba bé ce da dé fa ge la le ma mé na pa ré sa té va vi tion ment",
    "de": "ba be da de ge ha ka la ma na ra sa ta we ung ber sch ein auf",
    "es": "ba ca ci da de la le ma me na ño pa ra re sa ta te va ción mos",
}
SYLLABLES = {language: text.split() for language, text in _SYLLABLES.items()}
VOCABULARY = 20_000
WORDS_PER_STORY = 120
MEDTOP = "http://cv.iptc.org/newscodes/mediatopic/"
START = datetime(2020, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=6 * 365)  # the archive covers six years, whatever its size
CUMULATIVE = list(accumulate(1 / (rank + 1) for rank in range(VOCABULARY)))  # Zipf
CHUNK = 10_000


def _vocabulary(rng: random.Random, language: str) -> list[str]:
    syllables = SYLLABLES[language]
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass(frozen=True)
class Story:
    """One generated story: its version as the index gets it, and its PostgreSQL row."""

    state: ItemState
    row: tuple[str, ...]


def _stories(count: int, vocab: dict[str, list[str]], seed: int) -> Iterator[Story]:
    rng = random.Random(seed)
    people = [f"Person {n}" for n in range(500)]
    places = [f"Place {n}" for n in range(200)]
    step = SPAN / max(count, 1)
    for n in range(count):
        lang = LANGUAGES[n % len(LANGUAGES)]
        words = rng.choices(vocab[lang], cum_weights=CUMULATIVE, k=WORDS_PER_STORY + 12)
        when = START + step * n
        headline, summary, body = (
            " ".join(words[:8]),
            " ".join(words[8:12]),
            " ".join(words[12:]),
        )
        urgency = rng.randint(1, 6)
        item = Item.model_validate(
            {
                "uri": f"urn:bench:{n}",
                "type": "text",
                "language": lang,
                "urgency": urgency,
                "versionCreated": when.isoformat(),
                "headlines": [{"role": "main", "value": headline}],
                "descriptions": [{"role": "summary", "value": summary}],
                "bodies": [{"role": "main", "value": f"<p>{body}</p>"}],
                "people": [{"name": rng.choice(people)}],
                "places": [{"name": rng.choice(places)}],
                "subjects": [{"uri": f"{MEDTOP}{rng.randint(1, 17):02d}000000"}],
            }
        )
        products = frozenset(rng.sample(PRODUCTS, rng.randint(1, 2)))
        state = ItemState(item=item, version=1, products=products, released_at=when)
        array = "{" + ",".join(sorted(products)) + "}"
        row = (
            f"urn:bench:{n}",
            lang,
            PG_CONFIG[lang],
            array,
            str(urgency),
            when.isoformat(),
            headline,
            summary,
            body,
        )
        yield Story(state, row)


@dataclass
class Build:
    """What building the archive took."""

    generate_s: float = 0.0
    index_s: float = 0.0
    rows_s: float = 0.0


def _build(index_dir: Path, rows_file: Path, count: int, vocab: dict[str, list[str]]) -> Build:
    """Generate the stories once: index each, and keep its PostgreSQL row in a CSV file."""
    generation = new_generation(index_dir, first=True)
    publish_generation(index_dir, generation)
    writer = IndexWriter(generation)
    spent = Build()
    stories = _stories(count, vocab, seed=1)
    with rows_file.open("w", newline="", encoding="utf-8") as out:
        rows = csv.writer(out)
        while True:
            began = time.perf_counter()
            chunk = [story for _, story in zip(range(CHUNK), stories, strict=False)]
            spent.generate_s += time.perf_counter() - began
            if not chunk:
                break
            began = time.perf_counter()
            for story in chunk:
                assert story.state.released_at is not None
                writer.replace(story.state, story.state.released_at)
            spent.index_s += time.perf_counter() - began
            began = time.perf_counter()
            rows.writerows(story.row for story in chunk)
            spent.rows_s += time.perf_counter() - began
    began = time.perf_counter()
    writer.commit(count)
    writer.close()
    spent.index_s += time.perf_counter() - began
    return spent


@dataclass(frozen=True)
class Kind:
    """One kind of query: as typed to newswire, and as SQL for the PostgreSQL reference."""

    q: str
    filters: Filters
    sort: str
    sql: str | None
    params: dict[str, Any]
    facets: tuple[str, ...] = ()


_RANKED = (
    "SELECT uri, ts_rank(tsv, q) AS rank, count(*) OVER () AS total FROM stories, {tsq} AS q"
    " WHERE tsv @@ q AND products && %(plan)s{extra} ORDER BY rank DESC LIMIT 20"
)
_NEWEST = (
    "SELECT uri FROM stories, {tsq} AS q WHERE tsv @@ q AND products && %(plan)s"
    " ORDER BY created DESC LIMIT 20"
)
_FACETS = (
    "SELECT 'products', p, count(*) FROM stories, unnest(products) p, {tsq} AS q"
    " WHERE tsv @@ q AND products && %(plan)s AND p = ANY(%(plan)s) GROUP BY p"
    " UNION ALL SELECT 'languages', language, count(*) FROM stories, {tsq} AS q"
    " WHERE tsv @@ q AND products && %(plan)s GROUP BY language"
    " UNION ALL SELECT 'urgency', urgency::text, count(*) FROM stories, {tsq} AS q"
    " WHERE tsv @@ q AND products && %(plan)s GROUP BY urgency"
)
_WORD = "to_tsquery('english', %(w)s)"


def _kinds(en: list[str]) -> dict[str, Kind]:
    plan = {"plan": sorted(PLAN)}
    since = datetime(2024, 1, 1, tzinfo=UTC)
    recent = Filters(products=["p1"], start=since)

    def ranked(tsq: str, extra: str = "") -> str:
        return _RANKED.format(tsq=tsq, extra=extra)

    return {
        "rare": Kind(en[15_000], Filters(), "relevance", ranked(_WORD), plan | {"w": en[15_000]}),
        "medium": Kind(en[300], Filters(), "relevance", ranked(_WORD), plan | {"w": en[300]}),
        "common": Kind(en[1], Filters(), "relevance", ranked(_WORD), plan | {"w": en[1]}),
        "two_term_and": Kind(
            f"{en[1]} {en[40]}",
            Filters(),
            "relevance",
            ranked("plainto_tsquery('english', %(w)s)"),
            plan | {"w": f"{en[1]} {en[40]}"},
        ),
        "phrase": Kind(
            f'"{en[0]} {en[1]}"',
            Filters(),
            "relevance",
            ranked("phraseto_tsquery('english', %(w)s)"),
            plan | {"w": f"{en[0]} {en[1]}"},
        ),
        "prefix": Kind(
            en[300][:4] + "*",
            Filters(),
            "relevance",
            ranked("to_tsquery('english', %(w)s || ':*')"),
            plan | {"w": en[300][:4]},
        ),
        "filtered_product_date": Kind(
            en[40],
            recent,
            "relevance",
            ranked(_WORD, " AND products && %(only)s AND created >= %(since)s"),
            plan | {"w": en[40], "only": ["p1"], "since": since},
        ),
        "facets": Kind(
            en[40],
            Filters(),
            "relevance",
            _FACETS.format(tsq=_WORD),
            plan | {"w": en[40]},
            facets=tuple(FACETS),
        ),
        "common_newest": Kind(
            en[1], Filters(), "newest", _NEWEST.format(tsq=_WORD), plan | {"w": en[1]}
        ),
        "rare_newest": Kind(
            en[15_000], Filters(), "newest", _NEWEST.format(tsq=_WORD), plan | {"w": en[15_000]}
        ),
        "no_words_newest": Kind("", Filters(urgency=["1"]), "newest", None, {}),
    }


def _tantivy(index_dir: Path, kind: Kind) -> Callable[[], int]:
    viewer = Viewer(ViewerKind.SUBSCRIBER, plan=Plan("bench", PLAN))

    def search() -> int:
        required = entitlement(viewer, datetime.now(UTC)) or []
        node = parse(kind.q)
        text = None if node is None else compile_query(node, frozenset(), True, PLAN)
        query = whole(text, filter_clauses(kind.filters, PLAN) + required)
        highlight = (
            None if node is None else compile_query(node, frozenset(), True, PLAN, pairs=False)
        )
        results = run_search(
            index_dir,
            query,
            highlight,
            sort="newest" if kind.sort == "newest" else "relevance",
            limit=20,
            offset=0,
            snippet_parts=("headline", "summary", "body"),
            facets=kind.facets,
        )
        return results.total

    return search


def _tantivy_bare(index_dir: Path, kind: Kind) -> Callable[[], int]:
    """The same query, top 20 and the total only: what the PostgreSQL reference computes."""
    viewer = Viewer(ViewerKind.SUBSCRIBER, plan=Plan("bench", PLAN))

    def search() -> int:
        required = entitlement(viewer, datetime.now(UTC)) or []
        node = parse(kind.q)
        text = None if node is None else compile_query(node, frozenset(), True, PLAN)
        query = whole(text, filter_clauses(kind.filters, PLAN) + required)
        opened = searcher(index_dir)
        assert opened is not None
        by = "newest" if kind.sort == "newest" else None
        found = opened[1].search(query, 20, count=True, order_by_field=by)
        return int(found.count)  # type: ignore[attr-defined]

    return search


def _postgres(pool: ConnectionPool, kind: Kind) -> Callable[[], int]:
    assert kind.sql is not None
    sql = kind.sql

    def search() -> int:
        with pool.connection() as conn:
            rows = conn.execute(sql.encode(), kind.params).fetchall()
        if rows and len(rows[0]) == 3 and isinstance(rows[0][2], int) and "rank" in sql:
            return int(rows[0][2])
        return len(rows)

    return search


def _percentiles(took: list[float]) -> dict[str, float]:
    took = sorted(took)
    return {
        "p50_ms": round(statistics.median(took), 2),
        "p95_ms": round(took[max(0, int(len(took) * 0.95) - 1)], 2),
        "p99_ms": round(took[max(0, int(len(took) * 0.99) - 1)], 2),
    }


def _measure(search: Callable[[], int], calls: int, concurrency: int) -> dict[str, Any]:
    """Latency percentiles and throughput of `calls` searches, `concurrency` at a time."""
    search()  # warm: caches, the first reader

    def timed(_: int) -> tuple[float, int]:
        began = time.perf_counter()
        hits = search()
        return (time.perf_counter() - began) * 1000, hits

    began = time.perf_counter()
    if concurrency == 1:
        outcomes = [timed(n) for n in range(calls)]
    else:
        with ThreadPoolExecutor(concurrency) as pool:
            outcomes = list(pool.map(timed, range(calls)))
    wall = time.perf_counter() - began
    took = [ms for ms, _ in outcomes]
    return {
        "hits": outcomes[-1][1],
        **_percentiles(took),
        "queries": calls,
        "per_s": round(calls / wall, 1),
    }


def _load_postgres(url: str, rows_file: Path) -> dict[str, float]:
    """The reference table: tsvector per language (weights A/B/D), a GIN index."""
    spent: dict[str, float] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("DROP TABLE IF EXISTS stories")
        conn.execute(
            # Unlogged: the load is not what is measured, the queries are.
            "CREATE UNLOGGED TABLE stories (uri text PRIMARY KEY, language text NOT NULL,"
            " cfg regconfig NOT NULL, products text[] NOT NULL, urgency integer NOT NULL,"
            " created timestamptz NOT NULL, headline text, summary text, body text,"
            " tsv tsvector GENERATED ALWAYS AS ("
            "  setweight(to_tsvector(cfg, coalesce(headline, '')), 'A')"
            "  || setweight(to_tsvector(cfg, coalesce(summary, '')), 'B')"
            "  || setweight(to_tsvector(cfg, coalesce(body, '')), 'D')) STORED)"
        )
        began = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY stories (uri, language, cfg, products, urgency, created, headline,"
                " summary, body) FROM STDIN (FORMAT csv)"
            ) as copy,
            rows_file.open("rb") as source,
        ):
            while block := source.read(1 << 20):
                copy.write(block)
        spent["copy_with_tsvector_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        conn.execute("CREATE INDEX stories_tsv ON stories USING gin (tsv)")
        spent["gin_index_s"] = round(time.perf_counter() - began, 1)
        began = time.perf_counter()
        conn.execute("CREATE INDEX stories_created ON stories (created)")
        conn.execute("VACUUM ANALYZE stories")
        spent["btree_and_analyze_s"] = round(time.perf_counter() - began, 1)
        row = conn.execute("SELECT pg_total_relation_size('stories')").fetchone()
        spent["table_and_indexes_mb"] = round(int(row[0]) / 1e6, 1) if row else 0.0
    return spent


def _save(result: dict[str, Any], name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def _ratios(result: dict[str, Any]) -> dict[str, Any]:
    ratios: dict[str, Any] = {}
    for name, pg in result.get("postgres", {}).get("queries", {}).items():
        ours = result["tantivy"]["queries"].get(name)
        if not ours or "c1" not in pg:
            continue
        ratios[name] = {
            "p50_c1_postgres_over_newswire": round(pg["c1"]["p50_ms"] / ours["c1"]["p50_ms"], 1),
            "p50_c1_postgres_over_newswire_top20_total_only": round(
                pg["c1"]["p50_ms"] / ours["c1_top20_total_only"]["p50_ms"], 1
            ),
            "throughput_c16_newswire_over_postgres": round(
                ours["c16"]["per_s"] / pg["c16"]["per_s"], 1
            )
            if "c16" in pg
            else None,
        }
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=100, help="queries per kind, concurrency 1")
    parser.add_argument("--c16", type=int, default=320, help="queries per kind, concurrency 16")
    parser.add_argument("--pg-runs", type=int, default=10, help="PostgreSQL, concurrency 1")
    parser.add_argument("--pg-c16", type=int, default=32, help="PostgreSQL, concurrency 16")
    parser.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL reference")
    parser.add_argument("--out", help="file name under bench/results (default by size)")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build in this folder and keep it; a later run with the same --keep and"
        " --stories reuses the index and rows instead of building again",
    )
    args = parser.parse_args()
    n = args.stories
    name = args.out or (
        f"search-{n // 1_000_000}m.json" if n % 1_000_000 == 0 else f"search-{n // 1000}k.json"
    )
    rng = random.Random(1)
    vocab = {lang: _vocabulary(rng, lang) for lang in LANGUAGES}
    kinds = _kinds(vocab["en"])
    result: dict[str, Any] = {
        "benchmark": "search",
        "stories": n,
        "languages": LANGUAGES,
        "words_per_story": WORDS_PER_STORY,
        "vocabulary_per_language": VOCABULARY,
        "plan": {"products": sorted(PLAN), "of": len(PRODUCTS)},
        "machine": f"{platform.machine()} {platform.python_version()}",
        "load_average_at_start": [round(v, 1) for v in os.getloadavg()],
        "queries_typed": {k: v.q for k, v in kinds.items()},
    }
    with tempfile.TemporaryDirectory(prefix="nw-search-bench-") as scratch:
        tmp = args.keep or Path(scratch)
        index_dir, rows_file = tmp / "index", tmp / "rows.csv"
        result["build"] = _built(tmp, index_dir, rows_file, n, vocab)
        _save(result, name)
        print(json.dumps(result["build"]), flush=True)
        result["tantivy"] = {
            "measured": "index side of GET /v1/search: parse, entitlement, top 20, total,"
            " snippets, and the 5 facets for the facets kind (facets=all); the gate's"
            " database reads for the 20 hits come on top;"
            " c1_top20_total_only: the same query, top 20 and total only (like the reference)",
            "queries": {},
        }
        for kind_name, kind in kinds.items():
            search = _tantivy(index_dir, kind)
            result["tantivy"]["queries"][kind_name] = {
                "c1": _measure(search, args.runs, 1),
                "c16": _measure(search, args.c16, 16),
                "c1_top20_total_only": _measure(_tantivy_bare(index_dir, kind), args.runs, 1),
            }
            print(kind_name, json.dumps(result["tantivy"]["queries"][kind_name]), flush=True)
            _save(result, name)
        if not args.no_pg:
            result["postgres"] = _reference(Path(tmp), rows_file, kinds, args)
            result["ratios"] = _ratios(result)
            _save(result, name)
    result["load_average_at_end"] = [round(v, 1) for v in os.getloadavg()]
    _save(result, name)
    print(json.dumps(result, indent=2, ensure_ascii=False))


def _built(
    tmp: Path, index_dir: Path, rows_file: Path, n: int, vocab: dict[str, list[str]]
) -> dict[str, Any]:
    """Build the archive, or reuse the one a kept folder holds for the same count."""
    record = tmp / "build.json"
    if record.exists():
        kept: dict[str, Any] = json.loads(record.read_text())
        if kept.get("stories") == n and (index_dir / "CURRENT").exists():
            print("reusing the index built in", tmp, flush=True)
            return dict(kept["build"])
    shutil.rmtree(index_dir, ignore_errors=True)
    tmp.mkdir(parents=True, exist_ok=True)
    spent = _build(index_dir, rows_file, n, vocab)
    size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    build = {
        "generate_s": round(spent.generate_s, 1),
        "index_s": round(spent.index_s, 1),
        "stories_per_s": round(n / spent.index_s),
        "index_mb": round(size / 1e6, 1),
        "what": "newswire's IndexWriter (one writer thread, as `newswire reindex`):"
        " document building, adding and the final commit",
    }
    record.write_text(json.dumps({"stories": n, "build": build}))
    return build


def _reference(
    tmp: Path, rows_file: Path, kinds: dict[str, Kind], args: argparse.Namespace
) -> dict[str, Any]:
    """The same stories and queries on PostgreSQL full-text search."""
    server = start_embedded(tmp / "pg")
    try:
        out: dict[str, Any] = {"load": _load_postgres(server.url, rows_file), "queries": {}}
        out["measured"] = (
            "ts_rank top 20 with count(*) OVER () as the total (no facets, no snippets),"
            " newest-first by the created index, facet counts by GROUP BY; english"
            " configuration for the English query words"
        )
        print("postgres", json.dumps(out["load"]), flush=True)
        options = "-c statement_timeout=60000 -c jit=off"
        with ConnectionPool(
            server.url, min_size=16, max_size=16, kwargs={"options": options}
        ) as pool:
            for kind_name, kind in kinds.items():
                if kind.sql is None:
                    continue
                search = _postgres(pool, kind)
                try:
                    out["queries"][kind_name] = {
                        "c1": _measure(search, args.pg_runs, 1),
                        "c16": _measure(search, args.pg_c16, 16),
                    }
                except psycopg.errors.QueryCanceled:
                    out["queries"][kind_name] = {"error": "over the 60 s statement timeout"}
                print("postgres", kind_name, json.dumps(out["queries"][kind_name]), flush=True)
        return out
    finally:
        server.stop()


if __name__ == "__main__":
    main()
