"""One item version against one saved query: the exact test behind an alert.

The version is analysed once (`DocTerms`) with the index's own analyzers (its
language family's stemmer for headline, summary and body; the plain analyzer for
tags; the keyword analyzer for entities and topics), and each candidate query is
evaluated on those terms with the semantics `/v1/search` gives it: words in any
text part or the tags, phrases as consecutive terms in one part, prefixes with the
typed and the stemmed form, `field:value` exact, AND/OR/NOT.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from newswire.model import ItemState
from newswire.search.filters import Filters
from newswire.search.query import Node, Not, Word
from newswire.search.schema import KEYWORD, analyzer, family_of, normalize, searchable

__all__ = ["DocTerms", "Scope", "doc_terms", "evaluate", "passes_filters"]

_PARTS = ("headline", "summary", "body")


@dataclass(frozen=True)
class Scope:
    """What a query may look at for its subscriber: language families, body, products."""

    families: frozenset[str]
    body: bool
    products: frozenset[str] | None


@dataclass
class DocTerms:
    """The analysed terms of one item version, as the index would hold them."""

    family: str
    parts: dict[str, list[str]] = field(default_factory=dict)  # headline/summary/body/tags
    sets: dict[str, frozenset[str]] = field(default_factory=dict)
    keywords: dict[str, frozenset[str]] = field(default_factory=dict)
    products: frozenset[str] = frozenset()
    language: str = ""
    type: str = "text"
    urgency: int | None = None

    def terms(self, part: str) -> frozenset[str]:
        """The distinct terms of one part."""
        return self.sets.get(part, frozenset())


def _keyword(value: str) -> str:
    found = analyzer(KEYWORD).analyze(normalize(value))
    return found[0] if found else ""


def doc_terms(state: ItemState) -> DocTerms:
    """Analyse a version once, from what `schema.document` puts in the index."""
    item = state.item
    family = family_of(item.language)
    text = analyzer(f"text_{family}")
    found = searchable(item)
    doc = DocTerms(family=family)
    for part, value in found.texts().items():
        doc.parts[part] = text.analyze(normalize(value)) if value else []
    tags: list[str] = []
    for tag in found.tags:  # "" between tags: no phrase runs from one into the next
        tags.extend([*analyzer("text_xx").analyze(normalize(tag)), ""])
    doc.parts["tags"] = tags
    doc.keywords = {
        name: frozenset({_keyword(k) for k in keys} - {""}) for name, keys in found.keys.items()
    }
    doc.sets = {part: frozenset(terms) for part, terms in doc.parts.items()}
    doc.products = frozenset(state.products)
    doc.language = item.language or ""
    doc.type = item.type or "text"
    doc.urgency = item.urgency
    return doc


def evaluate(node: Node, doc: DocTerms, scope: Scope) -> bool:
    """Whether the version matches the query tree for a subscriber of this scope."""
    if isinstance(node, Word):
        return _word(node, doc, scope)
    if isinstance(node, Not):
        return not evaluate(node.node, doc, scope)
    if node.op == "or":
        return any(evaluate(n, doc, scope) for n in node.nodes)
    return all(evaluate(n, doc, scope) for n in node.nodes)


def _text_parts(word: Word, doc: DocTerms, scope: Scope) -> Iterator[tuple[str, str]]:
    """(part, analyzer family) pairs the word is looked for in."""
    if doc.family in scope.families:
        if word.field is not None:
            if word.field != "body" or scope.body:
                yield word.field, doc.family
        else:
            for part in _PARTS:
                if part != "body" or scope.body:
                    yield part, doc.family
    if word.field is None:
        yield "tags", "xx"


def _word(word: Word, doc: DocTerms, scope: Scope) -> bool:
    if word.field is None or word.field in _PARTS:
        return any(_in_part(word, doc, part, fam) for part, fam in _text_parts(word, doc, scope))
    if word.field in ("person", "organisation", "place", "topic"):
        value = _keyword(word.text)
        values = doc.keywords.get(word.field, frozenset())
        if word.prefix:
            return any(v.startswith(value) for v in values)
        return value in values
    if word.field == "urgency":
        return word.text.isdigit() and doc.urgency == int(word.text)
    if word.field == "product":
        allowed = scope.products
        return word.text in doc.products and (allowed is None or word.text in allowed)
    if word.field == "language":
        return doc.language == word.text
    if word.field == "type":
        return doc.type == word.text
    return False


def _in_part(word: Word, doc: DocTerms, part: str, family: str) -> bool:
    text = normalize(word.text)
    if word.prefix:
        stems = analyzer(f"text_{family}").analyze(text)[:1]
        prefixes = {*stems, *analyzer("text_xx").analyze(text)[:1]}
        return any(t.startswith(p) for t in doc.terms(part) for p in prefixes)
    tokens = analyzer(f"text_{family}").analyze(text)
    if not tokens:
        return False
    if len(tokens) == 1:
        return tokens[0] in doc.terms(part)
    if not set(tokens) <= doc.terms(part):
        return False
    terms, n = doc.parts[part], len(tokens)
    return any(terms[i : i + n] == tokens for i in range(len(terms) - n + 1))


def passes_filters(filters: Filters, doc: DocTerms, products: frozenset[str] | None) -> bool:
    """Whether the version passes an alert's filters (as `filters.filter_clauses` would)."""
    if filters.products:
        wanted = {p for p in filters.products if products is None or p in products}
        if not wanted & doc.products:
            return False
    if filters.languages and doc.language not in filters.languages:
        return False
    if filters.types and doc.type not in filters.types:
        return False
    if filters.urgency and str(doc.urgency) not in filters.urgency:
        return False
    for name in ("person", "organisation", "place", "topic"):
        values: list[str] = getattr(filters, name)
        if values and not {_keyword(v) for v in values} & doc.keywords.get(name, frozenset()):
            return False
    return True
