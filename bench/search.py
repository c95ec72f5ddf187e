"""Search speed: a synthetic multilingual archive, indexed, then queried as GET /v1/search does.

Generates N stories in six languages (Zipf word frequencies, entities, topics,
eight products), indexes them through newswire.search, and times the index part of
a search (query parse, entitlement clauses, top 20, total, facets, snippets) for a
rare, a medium and a common word and a few other query kinds, at concurrency 1.
Prints and saves the numbers as JSON.

    .venv/bin/python bench/search.py [--stories 100000] [--runs 200]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newswire.model import Item, ItemState, Plan, Viewer, ViewerKind
from newswire.search.filters import Filters, entitlement, filter_clauses, whole
from newswire.search.index import IndexWriter, new_generation, publish_generation
from newswire.search.query import compile_query, parse
from newswire.search.results import run_search

RESULTS = Path(__file__).parent / "results"
LANGUAGES = ["en", "tr", "ar", "fr", "de", "es"]
PRODUCTS = [f"p{n}" for n in range(8)]
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


def _stories(count: int, seed: int) -> tuple[list[ItemState], dict[str, list[str]]]:
    rng = random.Random(seed)
    vocab = {lang: _vocabulary(rng, lang) for lang in LANGUAGES}
    weights = [1 / (rank + 1) for rank in range(VOCABULARY)]
    people = [f"Person {n}" for n in range(500)]
    places = [f"Place {n}" for n in range(200)]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    states = []
    for n in range(count):
        lang = LANGUAGES[n % len(LANGUAGES)]
        words = rng.choices(vocab[lang], weights, k=WORDS_PER_STORY + 12)
        when = start + timedelta(minutes=n * 20)
        item = Item.model_validate(
            {
                "uri": f"urn:bench:{n}",
                "type": "text",
                "language": lang,
                "urgency": rng.randint(1, 6),
                "versionCreated": when.isoformat(),
                "headlines": [{"role": "main", "value": " ".join(words[:8])}],
                "descriptions": [{"role": "summary", "value": " ".join(words[8:12])}],
                "bodies": [{"role": "main", "value": "<p>" + " ".join(words[12:]) + "</p>"}],
                "people": [{"name": rng.choice(people)}],
                "places": [{"name": rng.choice(places)}],
                "subjects": [{"uri": f"{MEDTOP}{rng.randint(1, 17):02d}000000"}],
            }
        )
        products = frozenset(rng.sample(PRODUCTS, rng.randint(1, 2)))
        states.append(ItemState(item=item, version=1, products=products, released_at=when))
    return states, vocab


def _build(index_dir: Path, states: list[ItemState]) -> float:
    generation = new_generation(index_dir, first=True)
    publish_generation(index_dir, generation)
    writer = IndexWriter(generation)
    began = time.perf_counter()
    for state in states:
        assert state.released_at is not None
        writer.replace(state, state.released_at)
    writer.commit(len(states))
    elapsed = time.perf_counter() - began
    writer.close()
    return elapsed


def _time(index_dir: Path, q: str, filters: Filters, sort: str, runs: int) -> dict[str, Any]:
    viewer = Viewer(ViewerKind.SUBSCRIBER, plan=Plan("bench", frozenset(PRODUCTS[:4])))
    took: list[float] = []
    total = 0
    for _ in range(runs):
        began = time.perf_counter()
        required = entitlement(viewer, datetime.now(UTC)) or []
        node = parse(q)
        text = (
            None
            if node is None
            else compile_query(node, frozenset(), True, frozenset(PRODUCTS[:4]))
        )
        query = whole(text, filter_clauses(filters, frozenset(PRODUCTS[:4])) + required)
        results = run_search(
            index_dir,
            query,
            text,
            sort="newest" if sort == "newest" else "relevance",
            limit=20,
            offset=0,
            snippet_parts=("headline", "summary", "body"),
        )
        took.append((time.perf_counter() - began) * 1000)
        total = results.total
    took.sort()
    return {
        "q": q,
        "hits": total,
        "p50_ms": round(statistics.median(took), 2),
        "p95_ms": round(took[int(len(took) * 0.95) - 1], 2),
        "p99_ms": round(took[int(len(took) * 0.99) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    began = time.perf_counter()
    states, vocab = _stories(args.stories, seed=1)
    generated = time.perf_counter() - began
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp)
        build_s = _build(index_dir, states)
        en = vocab["en"]
        last_year = Filters(products=["p1"], start=datetime(2022, 1, 1, tzinfo=UTC))
        kinds = {
            "rare": (en[15_000], Filters(), "relevance"),
            "medium": (en[300], Filters(), "relevance"),
            "common": (en[1], Filters(), "relevance"),
            "two_term_and": (f"{en[1]} {en[40]}", Filters(), "relevance"),
            "phrase": (f'"{en[0]} {en[1]}"', Filters(), "relevance"),
            "prefix": (en[300][:4] + "*", Filters(), "relevance"),
            "filtered_product_date": (en[40], last_year, "relevance"),
            "common_newest": (en[1], Filters(), "newest"),
            "rare_newest": (en[15_000], Filters(), "newest"),
            "no_words_newest": ("", Filters(urgency=["1"]), "newest"),
        }
        queries = {name: _time(index_dir, q, f, s, args.runs) for name, (q, f, s) in kinds.items()}
        size = sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
    result = {
        "benchmark": "search",
        "stories": args.stories,
        "languages": LANGUAGES,
        "words_per_story": WORDS_PER_STORY,
        "generate_s": round(generated, 1),
        "index_build_s": round(build_s, 1),
        "stories_per_s": round(args.stories / build_s),
        "index_mb": round(size / 1e6, 1),
        "runs_per_query": args.runs,
        "concurrency": 1,
        "measured": "index side of GET /v1/search: parse, entitlement, top 20, total,"
        " 5 facets, snippets (the gate's database reads for the 20 hits are not included)",
        "queries": queries,
        "machine": f"{platform.machine()} {platform.python_version()}",
    }
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
