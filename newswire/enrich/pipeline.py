"""Runs the enrichment steps on an item before it is stored; the editor's values win.

Each step is a pure function of the story; the pipeline runs it on a worker thread
with a time budget. A step that runs over its budget or raises is skipped and
logged, and the item is published without what it would have added. Fields the
editor filled (even partly) are never touched. `enrich_with_provenance` also says
which step produced which field, so editors can see what was inferred.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StepTimeout
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from newswire.enrich.boilerplate import is_boilerplate, strip_dateline
from newswire.enrich.catalogue import Catalogue
from newswire.enrich.entities import Entities, extract_entities
from newswire.enrich.keywords import extract_keywords
from newswire.enrich.language import detect_language
from newswire.enrich.ner_model import model_available
from newswire.enrich.summary import summarize
from newswire.enrich.text import plain_text, sentences
from newswire.enrich.topic_model import default_model
from newswire.enrich.topics import classify_topics
from newswire.metrics import ENRICHMENT_STEP_SECONDS
from newswire.model import Concept, Item, Text

__all__ = [
    "CREATOR",
    "STEP_BUDGETS_MS",
    "enrich",
    "enrich_with_provenance",
    "enriched",
    "warm_up",
]

CREATOR = "newswire:enrich"
# Generous on purpose: a typical 500-word story needs a tenth of each on one core.
STEP_BUDGETS_MS: Mapping[str, float] = {
    "language": 100,
    "sentences": 200,
    "summary": 100,
    "entities": 400,
    "keywords": 100,
    "topics": 100,
}
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="enrich")
_log = logging.getLogger(__name__)


@dataclass
class _Story:
    """What the steps read and hand on to each other."""

    item: Item
    headline: str
    text: str
    language: str | None = None
    clean: list[str] = field(default_factory=list)
    entities: Entities | None = None


Step = Callable[[_Story], dict[str, Any]]


def enrich(item: Item) -> Item:
    """The item with what the editor left out inferred: language, summary, entities, subjects."""
    return enrich_with_provenance(item)[0]


async def enriched(item: Item) -> Item:
    """`enrich` on a worker thread, so the event loop (and the stream fan-out) keeps going."""
    return await asyncio.to_thread(enrich, item)


def enrich_with_provenance(
    item: Item,
    budgets_ms: Mapping[str, float] | None = None,
    catalogue: Catalogue | None = None,
) -> tuple[Item, dict[str, str]]:
    """The enriched item and, for each field enrichment filled, the step that filled it."""
    budgets = {**STEP_BUDGETS_MS, **(budgets_ms or {})}
    body = "\n".join(plain_text(t.value) for t in item.bodies or [])
    story = _Story(item, item.headline() or item.title or "", body, item.language)
    steps: list[tuple[str, Step]] = [
        ("language", _language),
        ("sentences", _sentences),
        ("summary", _summary),
        ("entities", lambda s: _entities(s, catalogue)),
        ("topics", _topics),
        ("keywords", _keywords),
    ]
    update: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    for name, step in steps:
        for key, value in _run(name, step, story, budgets[name]).items():
            if key == "subjects" and key in update:
                update[key] = [*update[key], *value]
                provenance[key] += f"+{name}"
            else:
                update[key] = value
                provenance[key] = name
    return (item.model_copy(update=update) if update else item), provenance


@cache
def warm_up() -> None:
    """Load the models (about two seconds, once per process), outside any step's budget."""
    model_available()
    default_model()
    detect_language("warm up the language model")
    sentences("Warm. Up.", "en")


def _run(name: str, step: Step, story: _Story, budget_ms: float) -> dict[str, Any]:
    warm_up()  # a one-time load per process is not a step's own time
    future = _POOL.submit(step, story)
    started = time.perf_counter()
    try:
        return future.result(timeout=budget_ms / 1000)
    except StepTimeout:
        _log.warning("enrichment step %s ran over its %.0f ms budget: skipped", name, budget_ms)
    except Exception:
        _log.exception("enrichment step %s failed: skipped", name)
    finally:
        ENRICHMENT_STEP_SECONDS.labels(name).observe(time.perf_counter() - started)
    return {}


def _language(story: _Story) -> dict[str, Any]:
    if story.item.language:
        return {}
    story.language = detect_language(f"{story.headline}\n{story.text}")
    return {"language": story.language} if story.language else {}


def _sentences(story: _Story) -> dict[str, Any]:
    found = sentences(story.text, story.language)
    found[:1] = [strip_dateline(s) for s in found[:1]]
    story.clean = [s for s in found if not is_boilerplate(s)]
    return {}


def _summary(story: _Story) -> dict[str, Any]:
    if story.item.descriptions or not story.text:
        return {}
    summary = summarize(story.text, story.language, story.headline)
    return {"descriptions": [Text(role="summary", value=summary)]} if summary else {}


def _entities(story: _Story, catalogue: Catalogue | None) -> dict[str, Any]:
    if story.item.people and story.item.organisations and story.item.places:
        return {}  # the editor named them all: no need to run the model
    text = "\n".join([story.headline, *story.clean])
    found = extract_entities(text, story.language, catalogue)
    story.entities = found
    item = story.item
    update: dict[str, Any] = {}
    if not item.people and found.people:
        update["people"] = [Concept(name=e.name, uri=e.uri) for e in found.people]
    if not item.organisations and found.organisations:
        update["organisations"] = [{"name": e.name, "uri": e.uri} for e in found.organisations]
    if not item.places and found.places:
        update["places"] = [Concept(name=e.name, uri=e.uri) for e in found.places]
    return update


def _topics(story: _Story) -> dict[str, Any]:
    if story.item.subjects:
        return {}
    topics = classify_topics("\n".join(story.clean), story.headline)
    subjects = [
        Concept(
            name=t.name,
            uri=t.uri,
            rel="about",
            creator=CREATOR,
            relevance=t.relevance,
            confidence=t.confidence,
        )
        for t in topics
    ]
    return {"subjects": subjects} if subjects else {}


def _keywords(story: _Story) -> dict[str, Any]:
    if story.item.subjects:
        return {}
    names = _names(story.entities, story.item)
    words = extract_keywords("\n".join(story.clean), story.language, names, story.headline)
    subjects = [Concept(name=w, literal=w, rel="keyword", creator=CREATOR) for w in words]
    return {"subjects": subjects} if subjects else {}


def _names(found: Entities | None, item: Item) -> list[str]:
    """Every entity name, found or given by the editor, that keywords must not repeat."""
    names = [e.name for e in (found.people + found.organisations + found.places)] if found else []
    for concepts in (item.people, item.places):
        names.extend(c.name for c in concepts or [] if c.name)
    names.extend(str(o.get("name")) for o in item.organisations or [] if o.get("name"))
    return names
