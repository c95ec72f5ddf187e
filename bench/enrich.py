"""Enrichment quality and speed; writes bench/results/enrich.json.

Quality: entity precision/recall per type on our labelled evaluation stories
(tests/enrich/testdata/eval/stories.jsonl) for the pipeline and, in the same run, for
spaCy's small English model alone on the whole text; topic accuracy on those stories
and k-fold held-out accuracy of the topic model on its own training examples; summary
length and sentence validity. Speed: milliseconds per step for a 500-word story and
the whole pipeline, in one process on one thread (one core), after the one-time model
load, which is reported apart.

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
from newswire.enrich.evaluation import (
    KINDS,
    LabelledStory,
    held_out_topic_accuracy,
    load_stories,
    score_entities,
    score_summary,
    score_topics,
)
from newswire.enrich.fingerprint import fingerprint
from newswire.enrich.keywords import extract_keywords
from newswire.enrich.language import detect_language
from newswire.enrich.ner_model import model_entities
from newswire.enrich.pipeline import enrich_with_provenance, warm_up
from newswire.enrich.summary import summarize
from newswire.enrich.text import plain_text, sentences
from newswire.enrich.topic_model import load_examples
from newswire.enrich.topics import classify_topics
from newswire.model import Item, Text

RESULTS = Path(__file__).parent / "results"
TESTDATA = Path(__file__).resolve().parents[1] / "tests" / "enrich" / "testdata"
WORDS = 500
EVAL = TESTDATA / "eval" / "stories.jsonl"
_KIND_FIELD = {"person": "people", "organisation": "organisations", "place": "places"}


def _story(name: str, words: int | None = WORDS) -> tuple[str, str]:
    """A golden story's headline and HTML body, paragraphs repeated to about `words` words."""
    data = json.loads((TESTDATA / f"{name}.json").read_text())
    body: str = data["body"]
    paragraphs = body.split("</p>")
    while words and len(plain_text(body).split()) < words:
        body += paragraphs[len(body) % (len(paragraphs) - 1)] + "</p>"
    return data["headline"], body


def _ms(fn: Callable[[], object], runs: int, into: list[float] | None = None) -> dict[str, float]:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    if into is not None:
        into.extend(times)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
    }


def _names(concepts: list[Any] | None) -> list[str]:
    return [c["name"] if isinstance(c, dict) else c.name for c in concepts or []]


def quality() -> dict[str, Any]:
    """Entity, topic and summary scores on the evaluation stories; topic model held out."""
    stories = load_stories(EVAL)
    enriched = {}
    for story in stories:
        item = Item(
            headlines=[{"value": story.headline, "role": "main"}], bodies=[{"value": story.html}]
        )
        enriched[story.id] = enrich_with_provenance(item)[0]

    def pipeline(story: LabelledStory) -> dict[str, list[str]]:
        item = enriched[story.id]
        return {k: _names(getattr(item, k)) for k in KINDS}

    def spacy_alone(story: LabelledStory) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {k: [] for k in KINDS}
        for name, kind in model_entities(story.text, words=None):
            found[_KIND_FIELD[kind]].append(name)
        return found

    english = [s for s in stories if s.language == "en"]
    ours = {k: v.summary() for k, v in score_entities(english, pipeline).items()}
    spacy = {k: v.summary() for k, v in score_entities(english, spacy_alone).items()}
    summaries = [
        score_summary(
            s, (enriched[s.id].descriptions or [Text(value="")])[0].value, enriched[s.id].language
        )
        for s in stories
    ]
    words = [
        len((enriched[s.id].descriptions or [Text(value="")])[0].value.split()) for s in stories
    ]
    return {
        "stories": {lang: sum(s.language == lang for s in stories) for lang in ("en", "tr", "fr")},
        "entities_english": {
            "pipeline": ours,
            "spacy_small_alone": spacy,
            "f1_ratio_pipeline_over_spacy": {
                k: round(ours[k]["f1"] / spacy[k]["f1"], 2) if spacy[k]["f1"] else None
                for k in KINDS
            },
        },
        "entities_all_languages_pipeline": {
            k: v.summary() for k, v in score_entities(stories, pipeline).items()
        },
        "topics_eval_stories": score_topics(
            stories,
            lambda s: [
                c.uri.rsplit("/", 1)[-1]
                for c in enriched[s.id].subjects or []
                if c.rel == "about" and c.uri
            ],
        ),
        "topics_held_out_training_examples": held_out_topic_accuracy(load_examples()),
        "summaries": {
            check: round(sum(r[check] for r in summaries) / len(summaries), 3)
            for check in summaries[0]
        }
        | {"words_mean": round(statistics.mean(words), 1), "words_max": max(words)},
    }


def main() -> None:
    """Measure quality, every step and the pipeline; print and save the numbers."""
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
    every: list[float] = []
    for name in sorted(p.stem for p in TESTDATA.glob("*.json")):
        head, html = _story(name)
        item = Item(headlines=[{"value": head, "role": "main"}], bodies=[{"value": html}])
        result["pipeline"][name] = _ms(lambda item=item: enrich_with_provenance(item), runs, every)
    every.sort()
    result["pipeline_all_stories"] = {
        "p50_ms": round(statistics.median(every), 2),
        "p99_ms": round(every[min(len(every) - 1, int(len(every) * 0.99))], 2),
        "samples": len(every),
    }
    result["quality"] = quality()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "enrich.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
