"""Running a search on the served index: hits, the total, facet counts and snippets.

Everything here is computed from one query that already holds the caller's
entitlement clauses, so no count or facet can come from outside the plan. Facets
are counted only when asked for: each one runs the query again over every match.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tantivy

from newswire.search.index import NotServed, searcher
from newswire.search.schema import FAMILIES, SCHEMA, text_field

__all__ = ["FACETS", "Hit", "Results", "run_search"]

# facet name -> (index field, how many values at most)
FACETS: dict[str, tuple[str, int]] = {
    "products": ("products", 50),
    "languages": ("language", 50),
    "types": ("type", 20),
    "urgency": ("urgency", 9),
    "topics": ("topic_id", 30),
}
SNIPPET_CHARS = 200


@dataclass(frozen=True)
class Hit:
    """One matching item: its uri, score (or newest-first key) and highlighted snippets."""

    uri: str
    score: float
    snippets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Results:
    """A page of hits with the total and the asked-for facet counts of the whole result set."""

    total: int
    hits: list[Hit]
    facets: dict[str, list[dict[str, Any]]]


def run_search(
    index_dir: Path,
    query: tantivy.Query,
    text_query: tantivy.Query | None,
    *,
    sort: Literal["relevance", "newest"],
    limit: int,
    offset: int,
    snippet_parts: tuple[str, ...],
    facets: Collection[str] = (),
) -> Results:
    """Search the served generation (blocking: call it in a worker thread).

    `query` holds every clause, entitlement included; `text_query` is the typed part
    alone as snippets highlight it (`compile_query(..., pairs=False)`); only
    `snippet_parts` give snippets, and only `facets` (names from FACETS) are counted.
    Raises `NotServed` while no index is served yet.
    """
    opened = searcher(index_dir)
    if opened is None:
        raise NotServed(index_dir)
    _, found = opened
    by = "newest" if sort == "newest" else None
    result = found.search(query, limit, count=True, order_by_field=by, offset=offset)
    generators: dict[str, tantivy.SnippetGenerator] = {}
    hits = []
    for key, address in result.hits:
        doc = found.doc(address)
        snippets = (
            _snippets(found, doc, text_query, snippet_parts, generators) if text_query else {}
        )
        hits.append(Hit(str(doc.get_first("uri")), float(key), snippets))
    total = int(result.count)  # type: ignore[attr-defined]  # missing from the stubs
    return Results(total, hits, _facets(found, query, facets) if facets else {})


def _facets(
    found: tantivy.Searcher, query: tantivy.Query, names: Collection[str]
) -> dict[str, list[dict[str, Any]]]:
    spec = {
        name: {"terms": {"field": f, "size": size}}
        for name, (f, size) in FACETS.items()
        if name in names
    }
    counted = found.aggregate(query, spec)
    return {
        name: [
            {"value": bucket["key"], "count": int(bucket["doc_count"])}
            for bucket in counted.get(name, {}).get("buckets", [])
        ]
        for name in spec
    }


def _family(doc: tantivy.Document) -> str | None:
    stored = doc.to_dict()
    for family in FAMILIES:
        if any(text_field(part, family) in stored for part in ("headline", "summary", "body")):
            return family
    return None


def _snippets(
    found: tantivy.Searcher,
    doc: tantivy.Document,
    text_query: tantivy.Query,
    parts: tuple[str, ...],
    generators: dict[str, tantivy.SnippetGenerator],
) -> dict[str, str]:
    family = _family(doc)
    snippets: dict[str, str] = {}
    if family is None:
        return snippets
    for part in parts:
        name = text_field(part, family)
        if doc.get_first(name) is None:
            continue
        generator = generators.get(name)
        if generator is None:
            generator = tantivy.SnippetGenerator.create(found, text_query, SCHEMA, name)
            generator.set_max_num_chars(SNIPPET_CHARS)
            generators[name] = generator
        snippet = generator.snippet_from_doc(doc)
        if snippet.highlighted():
            snippets[part] = str(snippet.to_html())
    return snippets
