"""What the desk does, shared by the desk API (web/desk.py) and the desk pages:
check, enrich and publish; check, enrich and store a new version; kill."""

from __future__ import annotations

from newswire.formats.ninjs_rules import check_item
from newswire.model import Item, Signal
from newswire.store import items
from newswire.store.database import Database
from newswire.store.enrichment import enrich_version
from newswire.store.items import Published

__all__ = ["kill_story", "publish_story", "update_story"]


async def publish_story(
    db: Database, item: Item, products: list[str], uri_prefix: str
) -> Published:
    """Publish a new item; one with a future `embargoedUntil` is held until then."""
    check_item(item.to_ninjs(), "item.")
    enriched, record = await enrich_version(db, item)
    return await items.publish_item(
        db, enriched, products, uri_prefix=uri_prefix, enrichment=record
    )


async def update_story(
    db: Database, uri: str, item: Item, products: list[str] | None, signal: Signal
) -> Published:
    """A new version of an item, signalled as an update or a correction."""
    check_item(item.to_ninjs(), "item.")
    enriched, record = await enrich_version(db, item)
    return await items.update_item(db, uri, enriched, products, signal, enrichment=record)


async def kill_story(db: Database, uri: str, reason: str) -> Published:
    """Kill an item everywhere."""
    return await items.kill_item(db, uri, reason)
