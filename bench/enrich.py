"""Enrichment speed: milliseconds per step for a 500-word story, and the whole pipeline.

Runs in one process on one thread (one core), after the one-time model load, which
is reported apart. Writes bench/results/enrich.json.

    .venv/bin/python bench/enrich.py [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newswire.enrich.entities import extract_entities
from newswire.enrich.fingerprint import fingerprint
from newswire.enrich.keywords import extract_keywords
from newswire.enrich.language import detect_language
from newswire.enrich.ner_model import model_entities
from newswire.enrich.pipeline import enrich_with_provenance, warm_up
from newswire.enrich.summary import summarize
from newswire.enrich.text import plain_text, sentences
from newswire.enrich.topics import classify_topics
from newswire.model import Item

RESULTS = Path(__file__).parent / "results"
TESTDATA = Path(__file__).resolve().parents[1] / "tests" / "enrich" / "testdata"
WORDS = 500


def _story(name: str, words: int | None = WORDS) -> tuple[str, str]:
    """A golden story's headline and HTML body, paragraphs repeated to about `words` words."""
    data = json.loads((TESTDATA / f"{name}.json").read_text())
    body: str = data["body"]
    paragraphs = body.split("</p>")
    while words and len(plain_text(body).split()) < words:
        body += paragraphs[len(body) % (len(paragraphs) - 1)] + "</p>"
    return data["headline"], body


def _ms(fn: Callable[[], object], runs: int) -> dict[str, float]:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
    }


def main() -> None:
    """Measure every step and the pipeline; print and save the numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    start = time.perf_counter()
    warm_up()
    cold_ms = (time.perf_counter() - start) * 1000

    headline, body = _story("en_defence")
    text = plain_text(body)
    everything = f"{headline}\n{text}"
    steps: dict[str, Callable[[], Any]] = {
        "language": lambda: detect_language(everything),
        "sentences": lambda: sentences(text, "en"),
        "summary": lambda: summarize(text, "en", headline),
        "entities (all)": lambda: extract_entities(everything, "en"),
        "entities: spaCy model part": lambda: model_entities(everything),
        "keywords": lambda: extract_keywords(text, "en", [], headline),
        "topics": lambda: classify_topics(text, headline),
        "fingerprint": lambda: fingerprint(text),
    }
    result: dict[str, Any] = {
        "story_words": len(everything.split()),
        "runs": runs,
        "model_load_once_ms": round(cold_ms, 1),
        "steps": {name: _ms(fn, runs) for name, fn in steps.items()},
        "pipeline": {},
    }
    for name in sorted(p.stem for p in TESTDATA.glob("*.json")):
        head, html = _story(name)
        item = Item(headlines=[{"value": head, "role": "main"}], bodies=[{"value": html}])
        result["pipeline"][name] = _ms(lambda item=item: enrich_with_provenance(item), runs)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "enrich.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
