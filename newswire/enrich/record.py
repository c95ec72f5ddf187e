"""What the store keeps of one enriched version: provenance, fingerprint and concepts.

Pure: built from the enriched item and `enrich_with_provenance`'s map, before the
version is stored, so the store can write it in the version's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from newswire.enrich.fingerprint import fingerprint
from newswire.enrich.medtop import SUBTOPICS
from newswire.enrich.text import plain_text
from newswire.model import Item

__all__ = [
    "ENTITY_WEIGHT",
    "SUBTOPIC_WEIGHT",
    "TOPIC_WEIGHT",
    "EnrichmentRecord",
    "enrichment_record",
]

# A shared person, organisation or place says more about two stories than a shared topic;
# a shared top-level topic (politics, sport) alone relates nothing (store/enrichment.py).
ENTITY_WEIGHT = 3
SUBTOPIC_WEIGHT = 2
TOPIC_WEIGHT = 1


@dataclass(frozen=True)
class EnrichmentRecord:
    """Which step filled which field, the SimHash of the text, and the concept uris."""

    provenance: dict[str, str]
    fingerprint: int | None
    concepts: dict[str, int] = field(default_factory=dict)


def enrichment_record(item: Item, provenance: dict[str, str]) -> EnrichmentRecord:
    """The record of an enriched item (editor-given entities and topics count as concepts)."""
    # The body only: re-sent stories often get a new headline over the same text.
    text = "\n".join(plain_text(b.value) for b in item.bodies or []).strip()
    text = text or (item.headline() or "").strip()
    concepts: dict[str, int] = {}
    for concept in [*(item.people or []), *(item.places or [])]:
        if concept.uri:
            concepts[concept.uri] = ENTITY_WEIGHT
    for organisation in item.organisations or []:
        uri = organisation.get("uri")
        if isinstance(uri, str) and uri:
            concepts[uri] = ENTITY_WEIGHT
    for subject in item.subjects or []:
        if subject.uri and subject.rel != "keyword":
            code = subject.uri.rsplit("/", 1)[-1]
            weight = SUBTOPIC_WEIGHT if code in SUBTOPICS else TOPIC_WEIGHT
            concepts.setdefault(subject.uri, weight)
    return EnrichmentRecord(dict(provenance), fingerprint(text) if text else None, concepts)
