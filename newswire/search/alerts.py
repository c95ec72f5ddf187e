"""The percolator: saved queries indexed by their anchor terms, matched per new version.

Running every saved query against every new story costs queries x stories. Instead
each query is reduced once to its *anchors*: a set of index terms such that every
version it can match contains at least one of them (the words of an AND's rarest
branch, the union over an OR's branches, in every language family the query may
search). An inverted map from anchor to queries then yields, for a new version, the
few candidate queries whose anchors occur in it, and only those are evaluated
exactly (`alerts_match.evaluate`). Queries with no anchor (`NOT x` alone) are
candidates for every version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from newswire.enrich.stopwords import stopwords
from newswire.search.alerts_match import DocTerms, Scope, evaluate, passes_filters
from newswire.search.filters import Filters
from newswire.search.query import Node, Not, Word
from newswire.search.schema import FAMILIES, KEYWORD, analyzer, family_of, normalize

__all__ = ["Anchor", "Percolator", "SavedQuery", "anchors", "doc_anchors", "scope_for"]

# ("t", family, term) a text term; ("p", family, prefix) a prefix of one;
# ("k", field, value) an entity or topic; ("kp", field, prefix); ("x", field, value).
Anchor = tuple[str, str, str]
_PARTS = ("headline", "summary", "body")
_KEYWORD_FIELDS = ("person", "organisation", "place", "topic")
_EXACT = {"product": "products", "language": "language", "type": "type", "urgency": "urgency"}
_COMMON = 1_000_000.0  # the cost of an exact field value: products, languages, types
_MIN_PREFIX = 2


@dataclass(frozen=True)
class SavedQuery:
    """An alert as the matcher holds it: its parsed query and filters."""

    id: int
    subscriber_id: int
    name: str
    node: Node
    filters: Filters
    created_at: datetime
    channels: frozenset[str] = frozenset()
    after_seq: int = 0  # fires for wire events after this seq only


def _families(query: SavedQuery) -> tuple[str, ...]:
    # The plan's languages may change after the alert was saved: anchor in every family
    # the query could ever search, and let the exact test apply the plan of the moment.
    if query.filters.languages:
        return tuple(sorted({family_of(lang) for lang in query.filters.languages}))
    return tuple(FAMILIES)


def _cost(anchor: Anchor) -> float:
    kind, family, value = anchor
    if kind in ("x",):
        return _COMMON
    if kind in ("k", "kp"):
        return 1.0 if kind == "k" else 10.0 / max(len(value), 1)
    if kind == "p":
        return 1000.0 / max(len(value), 1)
    language = "en" if family == "xx" else family
    return 1000.0 if value in stopwords(language) else 100.0 / max(len(value), 1)


def _keyword(value: str) -> str:
    found = analyzer(KEYWORD).analyze(normalize(value))
    return found[0] if found else ""


def _rarest(tokens: list[str]) -> str:
    return max(tokens, key=len)


def _word_anchors(word: Word, families: tuple[str, ...]) -> set[Anchor] | None:
    if word.field in _KEYWORD_FIELDS:
        value = _keyword(word.text)
        return {("kp" if word.prefix else "k", word.field or "", value)} if value else None
    if word.field in _EXACT:
        return {("x", _EXACT[word.field], word.text)}
    found: set[Anchor] = set()
    text = normalize(word.text)
    pairs = [(f, f) for f in families]
    if word.field is None:
        pairs.append(("tags", "xx"))
    for key, family in pairs:
        tokens = analyzer(f"text_{family}").analyze(text)
        if word.prefix:
            folds = analyzer("text_xx").analyze(text)
            for prefix in {*tokens[:1], *folds[:1]}:
                found.add(("p", key, prefix[:16]))
        elif tokens:
            found.add(("t", key, _rarest(tokens)))
    return found or None


def anchors(node: Node, families: tuple[str, ...]) -> set[Anchor] | None:
    """Terms of which every match holds one; None when the query can match without any."""
    if isinstance(node, Word):
        return _word_anchors(node, families)
    if isinstance(node, Not):
        return None
    children = [anchors(n, families) for n in node.nodes]
    if node.op == "or":
        if any(c is None for c in children):
            return None
        return set().union(*(c for c in children if c is not None))
    known = [c for c in children if c]
    if not known:
        return None
    return min(known, key=lambda c: sum(_cost(a) for a in c))


def _filter_anchors(filters: Filters) -> set[Anchor] | None:
    """Anchors from the filters, for a query whose words give none."""
    options: list[set[Anchor]] = []
    for name in _KEYWORD_FIELDS:
        values: list[str] = getattr(filters, name)
        if values:
            options.append({("k", name, _keyword(v)) for v in values})
    for values, name in (
        (filters.products, "products"),
        (filters.languages, "language"),
        (filters.types, "type"),
        (filters.urgency, "urgency"),
    ):
        if values:
            options.append({("x", name, v) for v in values})
    return min(options, key=lambda c: sum(_cost(a) for a in c)) if options else None


def doc_anchors(doc: DocTerms) -> set[Anchor]:
    """Every anchor a version holds (terms, their prefixes, entities, exact values)."""
    found: set[Anchor] = set()
    for part in (*_PARTS, "tags"):
        key = "tags" if part == "tags" else doc.family
        for term in doc.terms(part):
            found.add(("t", key, term))
            for end in range(_MIN_PREFIX, min(len(term), 16) + 1):
                found.add(("p", key, term[:end]))
    for name, values in doc.keywords.items():
        for value in values:
            found.add(("k", name, value))
            for end in range(1, len(value) + 1):
                found.add(("kp", name, value[:end]))
    found.update(("x", "products", p) for p in doc.products)
    found.add(("x", "language", doc.language))
    found.add(("x", "type", doc.type))
    if doc.urgency is not None:
        found.add(("x", "urgency", str(doc.urgency)))
    return found


def scope_for(
    query: SavedQuery, plan_languages: frozenset[str], full: bool, products: frozenset[str]
) -> Scope:
    """The query's scope under its subscriber's plan now (as `/v1/search` would set it)."""
    languages = frozenset(query.filters.languages) or plan_languages
    families = frozenset(family_of(lang) for lang in languages) or frozenset(FAMILIES)
    return Scope(families, full, products)


class Percolator:
    """Saved queries of this process, indexed by anchor."""

    def __init__(self) -> None:
        self.queries: dict[int, SavedQuery] = {}
        self._by_anchor: dict[Anchor, set[int]] = defaultdict(set)
        self._anchors: dict[int, set[Anchor]] = {}
        self._always: set[int] = set()

    def __len__(self) -> int:
        return len(self.queries)

    def add(self, query: SavedQuery) -> None:
        """Index a query (replacing one with the same id)."""
        self.remove(query.id)
        self.queries[query.id] = query
        found = anchors(query.node, _families(query)) or _filter_anchors(query.filters)
        if found is None:
            self._always.add(query.id)
            return
        self._anchors[query.id] = found
        for anchor in found:
            self._by_anchor[anchor].add(query.id)

    def remove(self, alert_id: int) -> None:
        """Forget a query."""
        self.queries.pop(alert_id, None)
        self._always.discard(alert_id)
        for anchor in self._anchors.pop(alert_id, set()):
            ids = self._by_anchor.get(anchor)
            if ids is not None:
                ids.discard(alert_id)
                if not ids:
                    del self._by_anchor[anchor]

    def replace_all(self, queries: Iterable[SavedQuery]) -> None:
        """Rebuild from scratch."""
        self.queries.clear()
        self._by_anchor.clear()
        self._anchors.clear()
        self._always.clear()
        for query in queries:
            self.add(query)

    def candidates(self, doc: DocTerms) -> list[SavedQuery]:
        """The queries that may match the version: only these are evaluated."""
        ids = set(self._always)
        by_anchor = self._by_anchor
        for anchor in doc_anchors(doc):
            found = by_anchor.get(anchor)
            if found:
                ids.update(found)
        return [self.queries[i] for i in sorted(ids)]

    @staticmethod
    def matches(query: SavedQuery, doc: DocTerms, scope: Scope) -> bool:
        """The exact test of one candidate."""
        return passes_filters(query.filters, doc, scope.products) and evaluate(
            query.node, doc, scope
        )
