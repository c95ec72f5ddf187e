"""The agency's entity catalogue: add, list, correct and merge people, organisations, places.

Every change bumps `entity_catalogue.version` in the same transaction; `CatalogueCache`
compares it before each enrichment and reloads, so a correction made on any node (or
with the CLI while a server runs) shapes recognition of the very next story.
"""

from __future__ import annotations

import asyncio
import unicodedata
from dataclasses import dataclass

from newswire.enrich.catalogue import Catalogue, EntityKind, KnownEntity, builtin_catalogue
from newswire.enrich.catalogue import entity_uri as derived_uri
from newswire.errors import Conflict, Invalid, NotFound
from newswire.store.database import Database
from newswire.store.events import Conn

__all__ = [
    "KINDS",
    "CatalogueCache",
    "Entity",
    "catalogue_version",
    "correct_entity",
    "create_entity",
    "entities",
    "entity",
    "known_entities",
    "merge_entities",
]

KINDS: tuple[EntityKind, ...] = ("person", "organisation", "place")
MAX_NAME = 200
MAX_ALIASES = 50


@dataclass(frozen=True)
class Entity:
    """One catalogue entry; `merged_into` is the id of the entity that replaced it."""

    id: int
    uri: str
    kind: EntityKind
    name: str
    aliases: tuple[str, ...]
    merged_into: int | None = None


def _check_text(field: str, text: str) -> None:
    if not 1 <= len(text.strip()) <= MAX_NAME:
        raise Invalid(f"{field}: must be 1 to {MAX_NAME} characters, not only spaces")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise Invalid(f"{field}: control characters (tabs, line breaks, NUL) are not allowed")


def _check(kind: str | None, name: str | None, aliases: list[str] | None) -> None:
    if kind is not None and kind not in KINDS:
        raise Invalid(f"type: {kind!r} is not one of {', '.join(KINDS)}")
    if name is not None:
        _check_text("name", name)
    if aliases is not None:
        if len(aliases) > MAX_ALIASES:
            raise Invalid(f"aliases: at most {MAX_ALIASES}")
        for alias in aliases:
            _check_text("aliases", alias)


def _clean(aliases: list[str], name: str) -> list[str]:
    seen = {name.lower()}
    kept = []
    for alias in (a.strip() for a in aliases):
        if alias.lower() not in seen:
            seen.add(alias.lower())
            kept.append(alias)
    return kept


async def _bump(conn: Conn) -> None:
    await conn.execute("UPDATE entity_catalogue SET version = version + 1")


async def _clash(conn: Conn, names: list[str], other_than: int | None) -> None:
    """Conflict when a name or alias already names another live entity."""
    folded = [n.lower() for n in names]
    cur = await conn.execute(
        "SELECT e.id, e.name, n FROM entities e"
        " LEFT JOIN entity_aliases a ON a.entity_id = e.id,"
        " LATERAL (SELECT lower(e.name) AS n UNION SELECT lower(a.alias)) names"
        " WHERE e.merged_into IS NULL AND n = ANY(%s)"
        " AND (%s::bigint IS NULL OR e.id <> %s) LIMIT 1",
        (folded, other_than, other_than),
    )
    row = await cur.fetchone()
    if row is not None:
        raise Conflict(
            f"{row[2]!r} already names entity {row[0]} ({row[1]}); correct or merge that one"
        )


async def _load(conn: Conn, entity_id: int) -> Entity:
    cur = await conn.execute(
        "SELECT e.id, e.uri, e.kind, e.name, e.merged_into,"
        " coalesce(array_agg(a.alias ORDER BY a.alias) FILTER (WHERE a.alias IS NOT NULL), '{}')"
        " FROM entities e LEFT JOIN entity_aliases a ON a.entity_id = e.id"
        " WHERE e.id = %s GROUP BY e.id",
        (entity_id,),
    )
    row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no entity {entity_id}")
    return Entity(row[0], row[1], row[2], row[3], tuple(row[5]), row[4])


async def _set_aliases(conn: Conn, entity_id: int, aliases: list[str]) -> None:
    await conn.execute("DELETE FROM entity_aliases WHERE entity_id = %s", (entity_id,))
    for alias in aliases:
        await conn.execute(
            "INSERT INTO entity_aliases (entity_id, alias) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (entity_id, alias),
        )


async def create_entity(
    db: Database, kind: str, name: str, aliases: list[str] | None = None
) -> Entity:
    """A new entity with a stable uri (the one recognition already gives that name)."""
    _check(kind, name, aliases or [])
    name = name.strip()
    kept = _clean(aliases or [], name)
    base = derived_uri(kind, name)  # type: ignore[arg-type]
    async with db.transaction() as conn:
        await _clash(conn, [name, *kept], None)
        cur = await conn.execute(
            "SELECT count(*) FROM entities WHERE uri = %s OR uri LIKE %s",
            (base, base + "-%"),
        )
        taken = (await cur.fetchone() or (0,))[0]
        uri = base if not taken else f"{base}-{taken + 1}"
        cur = await conn.execute(
            "INSERT INTO entities (uri, kind, name) VALUES (%s, %s, %s) RETURNING id",
            (uri, kind, name),
        )
        row = await cur.fetchone()
        assert row is not None
        await _set_aliases(conn, row[0], kept)
        await _bump(conn)
        return await _load(conn, row[0])


async def entity(db: Database, entity_id: int) -> Entity:
    """One entity by id (merged ones too, with `merged_into` set)."""
    async with db.connection() as conn:
        return await _load(conn, entity_id)


async def entities(
    db: Database, kind: str | None = None, query: str | None = None, limit: int = 100
) -> list[Entity]:
    """Live (unmerged) entities by name, optionally of one kind or matching a name part."""
    _check(kind, None, None)
    if query is not None and "\x00" in query:
        raise Invalid("q: NUL is not allowed")
    if not 1 <= limit <= 1000:
        raise Invalid("limit: from 1 to 1000")
    pattern = f"%{query.strip().lower()}%" if query else None
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT e.id FROM entities e WHERE e.merged_into IS NULL"
            " AND (%s::text IS NULL OR e.kind = %s)"
            " AND (%s::text IS NULL OR lower(e.name) LIKE %s OR EXISTS (SELECT 1 FROM"
            " entity_aliases a WHERE a.entity_id = e.id AND lower(a.alias) LIKE %s))"
            " ORDER BY lower(e.name), e.id LIMIT %s",
            (kind, kind, pattern, pattern, pattern, limit),
        )
        ids = [row[0] for row in await cur.fetchall()]
        return [await _load(conn, i) for i in ids]


async def correct_entity(
    db: Database,
    entity_id: int,
    *,
    kind: str | None = None,
    name: str | None = None,
    aliases: list[str] | None = None,
) -> Entity:
    """Change an entity's kind, name or aliases; its uri stays the same."""
    _check(kind, name, aliases)
    async with db.transaction() as conn:
        current = await _load(conn, entity_id)
        if current.merged_into is not None:
            raise Conflict(
                f"entity {entity_id} was merged into {current.merged_into}; correct that one"
            )
        new_name = name.strip() if name is not None else current.name
        new_aliases = _clean(aliases if aliases is not None else list(current.aliases), new_name)
        await _clash(conn, [new_name, *new_aliases], entity_id)
        await conn.execute(
            "UPDATE entities SET kind = %s, name = %s, updated_at = now() WHERE id = %s",
            (kind or current.kind, new_name, entity_id),
        )
        await _set_aliases(conn, entity_id, new_aliases)
        await _bump(conn)
        return await _load(conn, entity_id)


async def merge_entities(db: Database, entity_id: int, into: int) -> Entity:
    """Merge an entity into another: its name and aliases move, its uri redirects there."""
    if entity_id == into:
        raise Invalid("into: an entity cannot be merged into itself")
    async with db.transaction() as conn:
        source, target = await _load(conn, entity_id), await _load(conn, into)
        for e in (source, target):
            if e.merged_into is not None:
                raise Conflict(f"entity {e.id} was already merged into {e.merged_into}")
        moved = _clean([*target.aliases, source.name, *source.aliases], target.name)
        await conn.execute("DELETE FROM entity_aliases WHERE entity_id = %s", (entity_id,))
        await _set_aliases(conn, into, moved)
        await conn.execute(
            "UPDATE entities SET merged_into = %s, updated_at = now() WHERE id = %s"
            " OR merged_into = %s",
            (into, entity_id, entity_id),
        )
        await _bump(conn)
        return await _load(conn, into)


async def catalogue_version(db: Database) -> int:
    """The catalogue's change counter."""
    async with db.connection() as conn:
        cur = await conn.execute("SELECT version FROM entity_catalogue")
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def known_entities(db: Database) -> list[KnownEntity]:
    """Every live entity as recognition's `KnownEntity`."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT e.kind, e.name, e.uri, coalesce(array_agg(a.alias)"
            " FILTER (WHERE a.alias IS NOT NULL), '{}') FROM entities e"
            " LEFT JOIN entity_aliases a ON a.entity_id = e.id"
            " WHERE e.merged_into IS NULL GROUP BY e.id ORDER BY e.id"
        )
        rows = await cur.fetchall()
    return [KnownEntity(kind, name, tuple(aliases), uri) for kind, name, uri, aliases in rows]


class CatalogueCache:
    """The built-in gazetteer plus the agency's entities, reloaded when the version moves."""

    def __init__(self) -> None:
        self._version = -1
        self._catalogue = builtin_catalogue()
        self._lock = asyncio.Lock()

    async def catalogue(self, db: Database) -> Catalogue:
        """The current catalogue (one small query when nothing changed)."""
        version = await catalogue_version(db)
        if version != self._version:
            async with self._lock:
                if version != self._version:
                    self._catalogue = builtin_catalogue().add(await known_entities(db))
                    self._version = version
        return self._catalogue
