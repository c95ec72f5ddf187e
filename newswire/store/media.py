"""Media renditions: which blob holds each rendition of a picture, video or graphic."""

from __future__ import annotations

from dataclasses import dataclass

from newswire.model import Plan
from newswire.store.database import Database
from newswire.store.events import Conn
from newswire.store.keys import KeyOwner
from newswire.store.plans import plan_from_row

__all__ = [
    "StoredRendition",
    "add_renditions",
    "key_owner_by_id",
    "referenced_blobs",
    "rendition",
]


@dataclass(frozen=True)
class StoredRendition:
    """One rendition row: the blob and its measurements."""

    name: str
    blob: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None


async def add_renditions(conn: Conn, uri: str, renditions: list[StoredRendition]) -> None:
    """Record an item's renditions inside the caller's (publishing) transaction."""
    for r in renditions:
        await conn.execute(
            "INSERT INTO media_renditions"
            " (uri, name, blob, content_type, size, width, height, duration)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (uri, r.name, r.blob, r.content_type, r.size, r.width, r.height, r.duration),
        )


async def rendition(db: Database, uri: str, name: str) -> StoredRendition | None:
    """One rendition of an item, or None."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT name, blob, content_type, size, width, height, duration"
            " FROM media_renditions WHERE uri = %s AND name = %s",
            (uri, name),
        )
        row = await cur.fetchone()
    return None if row is None else StoredRendition(*row)


async def referenced_blobs(db: Database) -> set[str]:
    """Every blob a rendition names (the blob store keeps exactly these, and new ones)."""
    async with db.connection() as conn:
        cur = await conn.execute("SELECT DISTINCT blob FROM media_renditions")
        return {str(row[0]) for row in await cur.fetchall()}


async def key_owner_by_id(db: Database, key_id: int) -> KeyOwner | None:
    """The owner of an active key by its id (signed links name the key by id)."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT k.id, k.role, s.id, s.name, p.slug, p.products, p.languages, p.types,"
            " p.depth, p.delay_minutes, p.embargoed"
            " FROM api_keys k LEFT JOIN subscribers s ON s.id = k.subscriber_id"
            " LEFT JOIN plans p ON p.slug = s.plan"
            " WHERE k.id = %s AND k.revoked_at IS NULL",
            (key_id,),
        )
        row = await cur.fetchone()
    if row is None:
        return None
    key, role, sub_id, sub_name = row[:4]
    plan: Plan | None = plan_from_row(row[4:]) if row[4] is not None else None
    return KeyOwner(
        key_id=int(key),
        role=role,
        subscriber_id=None if sub_id is None else int(sub_id),
        subscriber_name=None if sub_name is None else str(sub_name),
        plan=plan,
    )
