"""Ingest: files in any supported format mapped onto the publish lifecycle.

Each item in a file is published (new uri), updated or corrected (known uri, a newer
source version), or killed (pubStatus canceled). Products given by the operator win
over the services a file names. A file is checked whole before any
of it is stored, so a bad file stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from newswire import formats
from newswire.errors import Invalid, NotFound
from newswire.formats.common import Parsed
from newswire.formats.safe_html import clean_item
from newswire.model import Item, Signal
from newswire.store import items
from newswire.store.database import Database
from newswire.store.enrichment import enrich_version
from newswire.store.products import missing_products

__all__ = ["Ingested", "ingest_document"]


@dataclass(frozen=True)
class Ingested:
    """What happened to one item of a file."""

    uri: str
    action: str  # published, updated, corrected, killed, skipped
    version: int = 0
    seq: int = 0
    note: str = ""


def _source_version(item: Item) -> int | None:
    try:
        return int(item.version) if item.version else None
    except ValueError:
        return None


def _products(entry: Parsed, default_products: list[str]) -> list[str]:
    """The operator's products when given, else the services the file names."""
    return default_products or sorted(set(entry.products))


async def _plan(db: Database, parsed: list[Parsed], default_products: list[str]) -> None:
    """Check every item before anything is stored."""
    for n, entry in enumerate(parsed):
        products = _products(entry, default_products)
        where = f"item {n + 1}" + (f" ({entry.item.uri})" if entry.item.uri else "")
        if not products:
            raise Invalid(f"{where}: products: the file names no product; give --products")
        if entry.item.pub_status != "canceled":
            try:
                items.check_version(entry.item, products)
            except Invalid as err:
                raise Invalid(f"{where}: {err}") from err
        async with db.connection() as conn:
            missing = await missing_products(conn, products)
        if missing:
            raise Invalid(f"{where}: products: no such product {', '.join(missing)}")


# What the wire stamps on every version itself; a resend differing only here is unchanged.
_STAMPS = frozenset({"version", "version_created", "first_created", "representation_type"})


def _unchanged(item: Item, stored: Item) -> bool:
    """Whether the item says nothing the stored version does not already say (lists may
    have grown on the wire: enrichment adds subjects beside the source's own). HTML is
    compared as stored, after sanitising (`&eacute;` is stored as the character)."""
    cleaned = clean_item(item)  # its own fields set: only those the source sent count
    for name in item.model_fields_set - _STAMPS:
        new, old = getattr(cleaned, name), getattr(stored, name)
        if new == old:
            continue
        if isinstance(new, list) and isinstance(old, list) and all(x in old for x in new):
            continue
        return False
    return True


async def _apply(db: Database, entry: Parsed, products: list[str], uri_prefix: str) -> Ingested:
    item = entry.item
    known = None
    if item.uri:
        try:
            known = await items.item_state(db, item.uri)
        except NotFound:
            known = None
    if item.pub_status == "canceled":
        if known is None or item.uri is None:
            return Ingested(item.uri or "", "skipped", note="a kill for an item not on the wire")
        if known.killed:
            return Ingested(item.uri, "skipped", note="already killed")
        done = await items.kill_item(db, item.uri, item.ed_note or "canceled by the source")
        return Ingested(done.uri, "killed", done.version, done.seq)
    source = _source_version(item)
    if item.first_created is None and item.version_created is not None:
        # The source's own time (NITF date.issue, G2 versionCreated) is when the story was
        # first created as far as we know; our version gets its own versionCreated.
        item = item.model_copy(update={"first_created": item.version_created})
    if known is None:
        enriched, record = await enrich_version(db, item)
        done = await items.publish_item(
            db, enriched, products, uri_prefix=uri_prefix, source_version=source, enrichment=record
        )
        return Ingested(done.uri, "published", done.version, done.seq)
    assert item.uri is not None
    if known.killed:
        # A feed resending the story after its kill: the kill stands, the file is no error.
        return Ingested(item.uri, "skipped", note="killed on the wire; a kill is final")
    if source is None and set(products) == known.products and _unchanged(item, known.item):
        # Feeds resend files; an unversioned copy of what is on the wire is no update.
        return Ingested(item.uri, "skipped", note="unchanged since the version on the wire")
    seen = await items.source_version(db, item.uri)
    if source is not None and seen is not None and source <= seen:
        return Ingested(item.uri, "skipped", note=f"version {source} is already on the wire")
    signal: Signal = "correction" if entry.signal == "correction" else "update"
    enriched, record = await enrich_version(db, item)
    done = await items.update_item(
        db, item.uri, enriched, products, signal, source_version=source, enrichment=record
    )
    return Ingested(
        done.uri, "corrected" if signal == "correction" else "updated", done.version, done.seq
    )


async def ingest_document(
    db: Database,
    data: bytes,
    *,
    content_type: str | None = None,
    filename: str | None = None,
    products: list[str] | None = None,
    uri_prefix: str = "urn:newswire:",
) -> list[Ingested]:
    """Parse one document and apply each of its items; `Invalid` stores nothing."""
    parsed = formats.parse(data, content_type=content_type, filename=filename)
    default_products = sorted(set(products or []))
    await _plan(db, parsed, default_products)
    return [
        await _apply(db, entry, _products(entry, default_products), uri_prefix) for entry in parsed
    ]
