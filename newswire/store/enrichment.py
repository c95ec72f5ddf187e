"""What enrichment did to each stored version, near-duplicates, and related-story candidates.

`record_enrichment` runs inside the transaction that stores the version (see items.py),
so a version never exists without its provenance and fingerprint, nor the reverse.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from newswire.enrich.catalogue import Catalogue
from newswire.enrich.fingerprint import NEAR_DUPLICATE_BITS
from newswire.enrich.pipeline import enrich_with_provenance
from newswire.enrich.record import TOPIC_WEIGHT, EnrichmentRecord, enrichment_record
from newswire.errors import NotFound
from newswire.model import Item, ItemState
from newswire.store.database import Database
from newswire.store.entities import CatalogueCache
from newswire.store.events import Conn
from newswire.store.item_rows import STATE_COLUMNS, state_from_row

__all__ = [
    "NEAR_DUPLICATE_DAYS",
    "StoredEnrichment",
    "current_catalogue",
    "enrich_version",
    "enrichment_of",
    "near_duplicate_of",
    "record_enrichment",
    "related_states",
]

NEAR_DUPLICATE_DAYS = 7
# At most this many of the newest fingerprints are compared (about 3.5 ms here, whatever
# the archive holds; all of 100,000 took about 20 ms and grew with the volume).
NEAR_DUPLICATE_RECENT = 20_000
_SIGN = 2**63


def _signed(value: int) -> int:
    return value - 2**64 if value >= _SIGN else value


def _unsigned(value: int) -> int:
    return value + 2**64 if value < 0 else value


_CACHES: weakref.WeakKeyDictionary[Database, CatalogueCache] = weakref.WeakKeyDictionary()


async def current_catalogue(db: Database) -> Catalogue:
    """The built-in plus the agency's catalogue, as of now, for this database."""
    cache = _CACHES.get(db)
    if cache is None:
        cache = _CACHES.setdefault(db, CatalogueCache())
    return await cache.catalogue(db)


async def enrich_version(db: Database, item: Item) -> tuple[Item, EnrichmentRecord]:
    """Enrich an item with the current catalogue (on a worker thread) and say what was done."""
    catalogue = await current_catalogue(db)
    enriched, provenance = await asyncio.to_thread(enrich_with_provenance, item, None, catalogue)
    return enriched, enrichment_record(enriched, provenance)


@dataclass(frozen=True)
class StoredEnrichment:
    """One version's enrichment as editors see it."""

    uri: str
    version: int
    provenance: dict[str, str]
    fingerprint: int | None
    near_duplicate_of: str | None
    near_duplicate_bits: int | None


async def record_enrichment(
    conn: Conn,
    uri: str,
    version: int,
    record: EnrichmentRecord,
    days: int = NEAR_DUPLICATE_DAYS,
    recent: int = NEAR_DUPLICATE_RECENT,
) -> None:
    """Store a version's enrichment, flag a near-duplicate of another recent item (among
    the `recent` newest fingerprints of the last `days`), and replace the item's
    concepts with this version's."""
    near: tuple[Any, ...] | None = None
    if record.fingerprint is not None:
        cur = await conn.execute(
            "SELECT uri, bits FROM ("
            " SELECT uri, created_at, bit_count((fingerprint # %s)::bit(64)) AS bits FROM ("
            "  SELECT uri, fingerprint, created_at FROM item_enrichment"
            "  WHERE fingerprint IS NOT NULL AND uri <> %s"
            "  AND created_at > now() - make_interval(days => %s)"
            "  ORDER BY created_at DESC LIMIT %s) AS newest"
            ") AS scored WHERE bits <= %s ORDER BY bits, created_at DESC LIMIT 1",
            (_signed(record.fingerprint), uri, days, recent, NEAR_DUPLICATE_BITS),
        )
        near = await cur.fetchone()
    await conn.execute(
        "INSERT INTO item_enrichment (uri, version, provenance, fingerprint,"
        " near_duplicate_of, near_duplicate_bits) VALUES (%s, %s, %s, %s, %s, %s)",
        (
            uri,
            version,
            Jsonb(record.provenance),
            None if record.fingerprint is None else _signed(record.fingerprint),
            near[0] if near else None,
            near[1] if near else None,
        ),
    )
    await conn.execute("DELETE FROM item_concepts WHERE uri = %s", (uri,))
    if record.concepts:
        await conn.execute(
            "INSERT INTO item_concepts (uri, concept, weight)"
            " SELECT %s, c, w FROM unnest(%s::text[], %s::smallint[]) AS t(c, w)",
            (uri, list(record.concepts), list(record.concepts.values())),
        )


async def enrichment_of(db: Database, uri: str, version: int | None = None) -> StoredEnrichment:
    """A version's enrichment (the latest version's by default); NotFound when none."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT e.uri, e.version, e.provenance, e.fingerprint, e.near_duplicate_of,"
            " e.near_duplicate_bits FROM item_enrichment e"
            " WHERE e.uri = %s AND e.version = coalesce(%s,"
            " (SELECT max(version) FROM item_enrichment WHERE uri = %s))",
            (uri, version, uri),
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(
            f"no enrichment stored for item {uri!r}" + (f" version {version}" if version else "")
        )
    fp = None if row[3] is None else _unsigned(row[3])
    return StoredEnrichment(row[0], row[1], dict(row[2]), fp, row[4], row[5])


async def related_states(db: Database, uri: str, limit: int) -> list[tuple[int, ItemState]]:
    """Other items sharing entities or second-level topics with this one, best first
    (newest on ties), each with its latest version and lifecycle, for the gate to judge.

    Top-level topics are left out of the join and the score: shared by too many stories
    to relate any two, and too costly to join on at archive scale."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT c.score, {STATE_COLUMNS} FROM ("
            "SELECT o.uri, sum(least(m.weight, o.weight))::int AS score"
            " FROM item_concepts m JOIN item_concepts o"
            " ON o.concept = m.concept AND o.uri <> m.uri"
            " WHERE m.uri = %s AND m.weight > %s GROUP BY o.uri"
            ") c JOIN items i ON i.uri = c.uri AND i.killed_at IS NULL"
            " JOIN item_versions v ON v.uri = i.uri AND v.version = i.latest_version"
            " ORDER BY c.score DESC, i.first_created DESC LIMIT %s",
            (uri, TOPIC_WEIGHT, limit),
        )
        rows = await cur.fetchall()
    return [(row[0], state_from_row(row[1:])) for row in rows]


async def near_duplicate_of(db: Database, uri: str, version: int) -> str | None:
    """The earlier item a stored version nearly repeats, if enrichment flagged one."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT near_duplicate_of FROM item_enrichment WHERE uri = %s AND version = %s",
            (uri, version),
        )
        row = await cur.fetchone()
    return row[0] if row else None
