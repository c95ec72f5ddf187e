"""The wire log: one ordered row per publish, update, correction, kill and release.

Appends take a transaction-scoped advisory lock before drawing the sequence number
and hold it until commit. So sequence numbers become visible strictly in order: once
a reader sees seq N, every smaller seq is committed or was rolled back for good, and
no row can appear behind a cursor a reader has already passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from newswire.model import Event, EventKind, Item, ItemState, Plan
from newswire.store.database import WIRE_LOCK, Database
from newswire.store.item_rows import STATE_COLUMNS, state_from_row

__all__ = ["CHANNEL", "Conn", "Entry", "Page", "append_event", "head", "head_at", "read_events"]

CHANNEL = "newswire_events"
Conn = psycopg.AsyncConnection[tuple[Any, ...]]


@dataclass(frozen=True)
class Entry:
    """One wire-log event with the item version it refers to."""

    event: Event
    state: ItemState


@dataclass(frozen=True)
class Page:
    """A page of the wire log and the cursor to continue from."""

    entries: list[Entry]
    next: int


async def append_event(
    conn: Conn, kind: EventKind, item: Item, version: int, products: list[str], embargoed: bool
) -> int:
    """Append one event inside the caller's transaction; returns its sequence number."""
    await conn.execute("SELECT pg_advisory_xact_lock(%s)", (WIRE_LOCK,))
    cur = await conn.execute(
        "INSERT INTO events (seq, kind, uri, version, products, language, type, embargoed)"
        " VALUES (nextval('events_seq'), %s, %s, %s, %s, %s, %s, %s) RETURNING seq",
        (kind.value, item.uri, version, products, item.language, item.type or "text", embargoed),
    )
    row = await cur.fetchone()
    assert row is not None
    seq = int(row[0])
    await conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(seq)))
    return seq


async def head(db: Database) -> int:
    """The highest committed sequence number (0 for an empty log)."""
    async with db.connection() as conn:
        cur = await conn.execute("SELECT coalesce(max(seq), 0) FROM events")
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def head_at(db: Database, horizon: datetime) -> int:
    """The highest sequence number of an event no newer than `horizon`."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT coalesce(max(seq), 0) FROM events WHERE created_at <= %s", (horizon,)
        )
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


def _narrowing(plan: Plan | None) -> tuple[str, dict[str, object]]:
    """SQL that narrows the scan to a plan's products, languages and types.

    This only saves work: the gate still decides every entry.
    """
    if plan is None:
        return "", {}
    sql = " AND e.products && %(products)s AND e.type = ANY(%(types)s)"
    params: dict[str, object] = {"products": sorted(plan.products), "types": sorted(plan.types)}
    if plan.languages:
        sql += " AND e.language = ANY(%(languages)s)"
        params["languages"] = sorted(plan.languages)
    return sql, params


async def read_events(
    db: Database, after: int, limit: int, horizon: datetime, plan: Plan | None = None
) -> Page:
    """Events after `after` and no newer than `horizon`, oldest first, with their items.

    The cursor returned moves past events the plan's narrowing skipped, so a reader
    with a narrow plan does not rescan the same stretch of log on every call.
    """
    narrowing, params = _narrowing(plan)
    params |= {"after": after, "limit": limit, "horizon": horizon}
    async with db.connection() as conn:
        # One statement, one snapshot: the page and the log's top are read together.
        cur = await conn.execute(
            "WITH top AS (SELECT coalesce(max(seq), 0) AS seq FROM events"
            "  WHERE created_at <= %(horizon)s),"
            " page AS (SELECT e.* FROM events e WHERE e.seq > %(after)s"
            "  AND e.created_at <= %(horizon)s" + narrowing + " ORDER BY e.seq LIMIT %(limit)s),"
            " found AS (SELECT e.seq, e.kind, e.uri, e.version, e.products AS event_products,"
            "  e.embargoed, e.created_at, " + STATE_COLUMNS + " FROM page e"
            "  JOIN items i ON i.uri = e.uri"
            "  JOIN item_versions v ON v.uri = e.uri AND v.version = e.version)"
            " SELECT top.seq, found.* FROM top LEFT JOIN found ON true ORDER BY found.seq",
            params,
        )
        rows = await cur.fetchall()
    top = int(rows[0][0]) if rows else 0
    entries = [
        Entry(
            event=Event(
                seq=row[1],
                kind=EventKind(row[2]),
                uri=row[3],
                version=row[4],
                products=frozenset(row[5]),
                embargoed=row[6],
                created_at=row[7],
            ),
            state=state_from_row(row[8:]),
        )
        for row in rows
        if row[1] is not None
    ]
    if len(entries) == limit:
        return Page(entries, entries[-1].event.seq)
    return Page(entries, max(after, top))
