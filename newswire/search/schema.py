"""The search index's fields and analyzers, and how an item version becomes a document.

Tantivy gives each field one analyzer, so every language family has its own
headline, summary and body fields (`headline_tr`, `body_ar`, ...) analyzed with that
language's Snowball stemmer; an item fills the set of its own language, and
languages without a stemmer fill the plain `xx` set. Entitlement and filter fields
(products, language, type, urgency, dates, entities, topics) are exact.

Each text field has a twin of word pairs (`body_en_pairs`: "central_bank bank_rates"),
the analysed words joined two by two, so a phrase becomes one term (two words) or a
phrase of pairs (more) there: checking positions of two common words in every story
that holds both is what made phrases slow at a million stories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

import tantivy

from newswire.enrich.text import plain_text
from newswire.model import Concept, Item, ItemState

__all__ = [
    "FAMILIES",
    "KEYWORD",
    "SCHEMA",
    "TEXT_PARTS",
    "Searchable",
    "analyzer",
    "document",
    "family_of",
    "normalize",
    "pairs_field",
    "register_analyzers",
    "searchable",
    "text_field",
    "word_pairs",
]

# language subtag -> Snowball stemmer; "xx" is every other language, unstemmed.
FAMILIES: dict[str, str] = {
    "en": "english",
    "tr": "turkish",
    "ar": "arabic",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "ru": "russian",
    "pt": "portuguese",
    "it": "italian",
    "xx": "",
}
TEXT_PARTS = ("headline", "summary", "body")
KEYWORD = "keyword"  # whole value, lower-cased: entity names and ids, topics
PAIRS = "pairs"  # word pairs, already analysed: split at whitespace, nothing else
PLAIN = "text_xx"
_WORD = r"[\p{L}\p{N}\p{M}]+"
_MEDTOP = "http://cv.iptc.org/newscodes/mediatopic/"


def _text_analyzer(stemmer: str) -> tantivy.TextAnalyzer:
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(_WORD))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.remove_long(40))
    )
    if stemmer:
        builder = builder.filter(tantivy.Filter.stemmer(stemmer))
    # Folding after stemming: the stemmers need ş, ğ, é; queries typed without them still match.
    return builder.filter(tantivy.Filter.ascii_fold()).build()


_ANALYZERS: dict[str, tantivy.TextAnalyzer] = {
    f"text_{family}": _text_analyzer(stemmer) for family, stemmer in FAMILIES.items()
}
_ANALYZERS[KEYWORD] = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).filter(tantivy.Filter.lowercase()).build()
)
_ANALYZERS[PAIRS] = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


def analyzer(name: str) -> tantivy.TextAnalyzer:
    """The analyzer registered under `name` (`text_en`, ..., `keyword`)."""
    return _ANALYZERS[name]


def register_analyzers(index: tantivy.Index) -> None:
    """Register every analyzer on an opened index (needed before reading or writing)."""
    for name, value in _ANALYZERS.items():
        index.register_tokenizer(name, value)


def normalize(text: str) -> str:
    """Text as it goes to an analyzer, for documents and queries alike.

    Lower-casing turns the Turkish dotted capital İ into i plus a combining dot, which
    would never match a typed `istanbul`; as I it folds to plain i in every language.
    """
    return text.replace("İ", "I")


def text_field(part: str, family: str) -> str:
    """The name of a language family's text field: `body_tr`."""
    return f"{part}_{family}"


def pairs_field(part: str, family: str) -> str:
    """The name of a text field's word-pair twin: `body_tr_pairs`."""
    return f"{part}_{family}_pairs"


def word_pairs(words: list[str]) -> list[str]:
    """Analysed words joined two by two ("a_b", "b_c"); words never hold an underscore."""
    return [f"{first}_{second}" for first, second in pairwise(words)]


def family_of(language: str | None) -> str:
    """The analyzer family for a BCP 47 tag: its primary subtag when stemmed, else `xx`."""
    primary = (language or "").split("-")[0].lower()
    return primary if primary in FAMILIES else "xx"


def _build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("uri", stored=True, tokenizer_name="raw")
    for name in ("products", "language", "type", "topic_id"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True)
    for name in ("person", "organisation", "place", "topic"):
        sb.add_text_field(name, tokenizer_name=KEYWORD, index_option="basic")
    sb.add_integer_field("urgency", indexed=True, fast=True)
    sb.add_integer_field("newest", fast=True)  # versionCreated in µs: dates sort by the second
    sb.add_date_field("created", indexed=True, fast=True)
    sb.add_date_field("released", indexed=True, fast=True)
    sb.add_text_field("tags", stored=True, tokenizer_name=PLAIN)
    for family in FAMILIES:
        for part in TEXT_PARTS:
            sb.add_text_field(
                text_field(part, family), stored=True, tokenizer_name=f"text_{family}"
            )
            sb.add_text_field(pairs_field(part, family), tokenizer_name=PAIRS)
    return sb.build()


SCHEMA = _build_schema()


def _concept_keys(concept: Concept | dict[str, object]) -> list[str]:
    data = concept if isinstance(concept, dict) else concept.model_dump()
    keys = [str(data[k]) for k in ("name", "uri", "literal") if data.get(k)]
    uri = str(data.get("uri") or "")
    if uri.startswith(_MEDTOP):
        keys.append("medtop:" + uri.removeprefix(_MEDTOP))
    return keys


def _topic_id(concept: Concept) -> str:
    return concept.uri or concept.literal or concept.name or ""


@dataclass(frozen=True)
class Searchable:
    """What of an item version is searched, before analysis (the index and alerts share it)."""

    headline: str
    summary: str
    body: str
    tags: list[str]  # by-line, slugline, place line, entity names, keywords: one text each
    keys: dict[str, list[str]]  # person/organisation/place/topic -> exact keys
    topic_ids: list[str]  # for the topics facet

    def texts(self) -> dict[str, str]:
        """headline, summary and body by part name."""
        return dict(zip(TEXT_PARTS, (self.headline, self.summary, self.body), strict=True))


def searchable(item: Item) -> Searchable:
    """The searched parts of an item version."""
    tags: list[str] = [v for v in (item.by, item.slugline, item.located) if v]
    entities: tuple[tuple[str, list[Concept] | list[dict[str, object]]], ...] = (
        ("person", list(item.people or [])),
        ("organisation", list(item.organisations or [])),
        ("place", list(item.places or [])),
        ("topic", [s for s in item.subjects or [] if s.rel != "keyword"]),
    )
    keys: dict[str, list[str]] = {}
    for field, concepts in entities:
        keys[field] = []
        for concept in concepts:
            found = _concept_keys(concept)
            keys[field].extend(found)
            tags.extend(found[:1])
    topic_ids = []
    for subject in item.subjects or []:
        if subject.rel == "keyword":  # enrichment's keywords: searchable words, not topics
            tags.extend(v for v in (subject.literal, subject.name) if v)
        elif _topic_id(subject):
            topic_ids.append(_topic_id(subject))
    return Searchable(
        headline=" ".join(t.value for t in item.headlines or []) or (item.title or ""),
        summary=" ".join(t.value for t in item.descriptions or []),
        body="\n".join(plain_text(t.value) for t in item.bodies or []),
        tags=tags,
        keys=keys,
        topic_ids=topic_ids,
    )


def document(state: ItemState, released: datetime) -> tantivy.Document:
    """The index document of one item version, released (visible) since `released`."""
    item = state.item
    doc = tantivy.Document()
    doc.add_text("uri", item.uri or "")
    for product in sorted(state.products):
        doc.add_text("products", product)
    if item.language:
        doc.add_text("language", item.language)
    doc.add_text("type", item.type or "text")
    if item.urgency is not None:
        doc.add_integer("urgency", item.urgency)
    created = item.version_created or released
    doc.add_date("created", created)
    doc.add_integer("newest", int(created.timestamp() * 1_000_000))
    doc.add_date("released", released)
    family = family_of(item.language)
    words = analyzer(f"text_{family}")
    found = searchable(item)
    for part, text in found.texts().items():
        if text:
            doc.add_text(text_field(part, family), normalize(text))
            pairs = word_pairs(words.analyze(normalize(text)))
            if pairs:
                doc.add_text(pairs_field(part, family), " ".join(pairs))
    for field, keys in found.keys.items():
        for key in keys:
            doc.add_text(field, normalize(key))
    for topic_id in found.topic_ids:
        doc.add_text("topic_id", topic_id)
    for tag in found.tags:  # one value each: a phrase never runs from one into the next
        doc.add_text("tags", normalize(tag))
    return doc
