"""Items and their immutable versions: publish, update, correct, kill, release."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from psycopg.types.json import Jsonb

from newswire.enrich.record import EnrichmentRecord
from newswire.errors import Conflict, Invalid, NotFound
from newswire.formats.safe_html import clean_item
from newswire.model import EventKind, Item, ItemState, Signal
from newswire.store.database import Database
from newswire.store.enrichment import record_enrichment
from newswire.store.events import Conn, append_event
from newswire.store.item_rows import STATE_COLUMNS, state_from_row
from newswire.store.products import check_slug, missing_products

__all__ = [
    "Published",
    "check_version",
    "item_state",
    "item_versions",
    "kill_item",
    "next_embargo",
    "publish_item",
    "release_due",
    "source_version",
    "update_item",
]

MAX_URI_LENGTH = 500


@dataclass(frozen=True)
class Published:
    """What the desk gets back for a publish, update, correction or kill."""

    uri: str
    version: int
    seq: int


def check_version(item: Item, products: list[str]) -> None:
    """Invalid, naming the field, when a version cannot go out as it is."""
    named = item.headline().strip() or (item.title or "").strip()
    captioned = any(d.value.strip() for d in item.descriptions or [])
    if not named and ((item.type or "text") == "text" or not captioned):
        raise Invalid(
            "item.headlines: a story needs a non-empty headline (or a title);"
            " a picture, video or graphic needs a headline, a title or a caption"
        )
    if item.pub_status == "canceled":
        raise Invalid("item.pubStatus: 'canceled' is set by killing the item, not by publishing")
    if item.uri is not None and len(item.uri) > MAX_URI_LENGTH:
        raise Invalid(f"item.uri: longer than {MAX_URI_LENGTH} characters")
    if not products:
        raise Invalid("products: an item belongs to at least one product")
    for slug in products:
        check_slug("products", slug)


def _stamp(item: Item, uri: str, version: int, now: datetime, first: datetime) -> Item:
    return item.model_copy(
        update={
            "uri": uri,
            "version": str(version),
            "version_created": now,
            "first_created": first,
            "type": item.type or "text",
            "pub_status": item.pub_status or "usable",
            "representation_type": None,
        }
    )


async def _check_products(conn: Conn, products: list[str]) -> None:
    missing = await missing_products(conn, products)
    if missing:
        raise Invalid(f"products: no such product {', '.join(missing)}")


async def _insert_version(
    conn: Conn, item: Item, version: int, products: list[str], signal: str | None
) -> None:
    await conn.execute(
        "INSERT INTO item_versions (uri, version, item, products, signal)"
        " VALUES (%s, %s, %s, %s, %s)",
        (item.uri, version, Jsonb(item.to_ninjs()), products, signal),
    )


async def publish_item(
    db: Database,
    item: Item,
    products: list[str],
    *,
    uri_prefix: str = "urn:newswire:",
    source_version: int | None = None,
    also: Callable[[Conn], Awaitable[None]] | None = None,
    enrichment: EnrichmentRecord | None = None,
) -> Published:
    """Publish a new item as version 1; held back while its embargo is in the future.

    `enrichment` (provenance, fingerprint, concepts) is stored in the same transaction.

    `also` runs inside the publishing transaction, before the wire-log append (media
    renditions are recorded this way, so an item never goes out without them).
    """
    products = sorted(set(products))
    item = clean_item(item)  # bodies sanitised once, for every exit (formats/safe_html.py)
    check_version(item, products)
    now = datetime.now(UTC)
    uri = item.uri or f"{uri_prefix}{uuid.uuid4()}"
    stored = _stamp(item, uri, 1, now, item.first_created or now)
    embargoed = stored.embargoed_until is not None and stored.embargoed_until > now
    async with db.transaction() as conn:
        await _check_products(conn, products)
        cur = await conn.execute(
            "INSERT INTO items (uri, type, language, products, latest_version, first_created,"
            " embargo_until, released_at, source_version)"
            " VALUES (%s, %s, %s, %s, 1, %s, %s, %s, %s) ON CONFLICT (uri) DO NOTHING",
            (
                uri,
                stored.type,
                stored.language,
                products,
                stored.first_created,
                stored.embargoed_until,
                None if embargoed else now,
                source_version,
            ),
        )
        if cur.rowcount == 0:
            raise Conflict(f"item {uri!r} exists already; send a new version with PUT")
        await _insert_version(conn, stored, 1, products, None)
        if enrichment is not None:
            await record_enrichment(conn, uri, 1, enrichment)
        if also is not None:
            await also(conn)
        seq = await append_event(conn, EventKind.PUBLISH, stored, 1, products, embargoed)
    return Published(uri, 1, seq)


async def update_item(
    db: Database,
    uri: str,
    item: Item,
    products: list[str] | None,
    signal: Signal,
    *,
    source_version: int | None = None,
    enrichment: EnrichmentRecord | None = None,
) -> Published:
    """Store a new version (an update or a correction) of a live item."""
    if item.uri is not None and item.uri != uri:
        raise Invalid(f"item.uri: {item.uri!r} differs from the uri in the path {uri!r}")
    item = clean_item(item)
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        cur = await conn.execute(
            "SELECT i.latest_version, i.first_created, i.released_at, i.killed_at, v.products"
            " FROM items i JOIN item_versions v ON v.uri = i.uri AND v.version = i.latest_version"
            " WHERE i.uri = %s FOR UPDATE OF i",
            (uri,),
        )
        row = await cur.fetchone()
        if row is None:
            raise NotFound(f"no item {uri!r}; publish it with POST /v1/desk/items first")
        latest, first, released_at, killed_at, previous_products = row
        if killed_at is not None:
            raise Conflict(f"item {uri!r} was killed; a killed item takes no new versions")
        products = sorted(set(products if products is not None else previous_products))
        check_version(item, products)
        await _check_products(conn, products)
        version = latest + 1
        stored = _stamp(item, uri, version, now, first)
        embargo = stored.embargoed_until
        if released_at is not None and embargo is not None and embargo > now:
            raise Conflict(f"item {uri!r} is already released; it cannot be embargoed again")
        embargoed = released_at is None and embargo is not None and embargo > now
        if released_at is None and not embargoed:
            released_at = now
        await conn.execute(
            "UPDATE items SET type = %s, language = %s, products = ARRAY(SELECT DISTINCT"
            " unnest(products || %s::text[]) ORDER BY 1), latest_version = %s,"
            " embargo_until = %s, released_at = %s,"
            " source_version = coalesce(%s, source_version) WHERE uri = %s",
            (
                stored.type,
                stored.language,
                products,
                version,
                embargo,
                released_at,
                source_version,
                uri,
            ),
        )
        await _insert_version(conn, stored, version, products, signal)
        if enrichment is not None:
            await record_enrichment(conn, uri, version, enrichment)
        seq = await append_event(conn, EventKind(signal), stored, version, products, embargoed)
    return Published(uri, version, seq)


async def kill_item(db: Database, uri: str, reason: str) -> Published:
    """Kill an item: a new, canceled version and a kill event to everyone entitled."""
    reason = reason.strip()
    if not reason:
        raise Invalid("reason: a kill needs a reason subscribers can read")
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        cur = await conn.execute(
            f"SELECT {STATE_COLUMNS}, i.products FROM items i JOIN item_versions v"
            " ON v.uri = i.uri AND v.version = i.latest_version WHERE i.uri = %s FOR UPDATE OF i",
            (uri,),
        )
        row = await cur.fetchone()
        if row is None:
            raise NotFound(f"no item {uri!r}")
        state = state_from_row(row[:-1])
        if state.killed:
            raise Conflict(f"item {uri!r} was killed already")
        all_products: list[str] = row[-1]
        version = state.version + 1
        notice = Item(
            uri=uri,
            type=state.item.type,
            language=state.item.language,
            version=str(version),
            first_created=state.item.first_created,
            version_created=now,
            pub_status="canceled",
            ed_note=reason,
        )
        await conn.execute(
            "UPDATE items SET latest_version = %s, killed_at = %s, kill_reason = %s,"
            " embargo_until = NULL WHERE uri = %s",
            (version, now, reason, uri),
        )
        await _insert_version(conn, notice, version, all_products, "kill")
        seq = await append_event(conn, EventKind.KILL, notice, version, all_products, False)
    return Published(uri, version, seq)


async def item_state(db: Database, uri: str, version: int | None = None) -> ItemState:
    """The item at a version (latest when None) with its current lifecycle state."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {STATE_COLUMNS} FROM items i JOIN item_versions v ON v.uri = i.uri"
            " AND v.version = coalesce(%s, i.latest_version) WHERE i.uri = %s",
            (version, uri),
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no item {uri!r}" + (f" at version {version}" if version else ""))
    return state_from_row(row)


async def source_version(db: Database, uri: str) -> int | None:
    """The version number the item last arrived with from an ingested file, if any."""
    async with db.connection() as conn:
        cur = await conn.execute("SELECT source_version FROM items WHERE uri = %s", (uri,))
        row = await cur.fetchone()
    return None if row is None or row[0] is None else int(row[0])


async def item_versions(db: Database, uri: str) -> list[ItemState]:
    """Every version of an item, oldest first."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {STATE_COLUMNS} FROM items i JOIN item_versions v ON v.uri = i.uri"
            " WHERE i.uri = %s ORDER BY v.version",
            (uri,),
        )
        rows = await cur.fetchall()
    if not rows:
        raise NotFound(f"no item {uri!r}")
    return [state_from_row(row) for row in rows]


async def release_due(db: Database) -> list[int]:
    """Write a release event for every item whose embargo has passed; returns their seqs.

    Each item is claimed with a row lock and a condition on `released_at`, so when
    several processes run this at once every release is still written exactly once.
    """
    seqs: list[int] = []
    now = datetime.now(UTC)
    async with db.transaction() as conn:
        cur = await conn.execute(
            f"SELECT {STATE_COLUMNS} FROM items i JOIN item_versions v ON v.uri = i.uri"
            " AND v.version = i.latest_version WHERE i.released_at IS NULL"
            " AND i.killed_at IS NULL AND i.embargo_until <= %s ORDER BY i.embargo_until"
            " LIMIT 200 FOR UPDATE OF i SKIP LOCKED",
            (now,),
        )
        for row in await cur.fetchall():
            state = state_from_row(row)
            await conn.execute(
                "UPDATE items SET released_at = %s WHERE uri = %s", (now, state.item.uri)
            )
            seqs.append(
                await append_event(
                    conn,
                    EventKind.RELEASE,
                    state.item,
                    state.version,
                    sorted(state.products),
                    False,
                )
            )
    return seqs


async def next_embargo(db: Database) -> datetime | None:
    """When the next pending embargo falls due, if any."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT min(embargo_until) FROM items WHERE released_at IS NULL AND killed_at IS NULL"
        )
        row = await cur.fetchone()
    return None if row is None else row[0]
