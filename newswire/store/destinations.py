"""FTP and SFTP destinations: a subscriber's servers, their health and replay.

Credentials arrive here already encrypted (see delivery/destination_secrets.py); the
outbox that the worker fills and drains is in `destination_outbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newswire.errors import Conflict, NotFound
from newswire.store.database import Database

__all__ = [
    "MAX_DESTINATIONS",
    "Destination",
    "NewDestination",
    "create_destination",
    "destination",
    "destinations",
    "remove_destination",
    "replay_destination",
]

MAX_DESTINATIONS = 10  # per subscriber
_COLUMNS = (
    "d.id, d.subscriber_id, d.protocol, d.host, d.port, d.username, d.host_key, d.folder,"
    " d.format, d.passive, d.cursor, d.created_at, d.last_success_at, d.last_error,"
    " d.last_error_at,"
    " (SELECT count(*) FROM destination_deliveries o WHERE o.destination_id = d.id"
    "  AND o.status = 'pending'),"
    " (SELECT count(*) FROM destination_deliveries o WHERE o.destination_id = d.id"
    "  AND o.status = 'dead')"
)


@dataclass(frozen=True)
class NewDestination:
    """What creating a destination takes (credentials as a Fernet token)."""

    subscriber_id: int
    protocol: str
    host: str
    port: int
    username: str
    credentials: bytes
    host_key: str = ""
    folder: str = ""
    format: str = "newsmlg2"
    passive: bool = True


@dataclass(frozen=True)
class Destination:
    """A destination and its health: last success, backlog, dead rows, last error."""

    id: int
    subscriber_id: int
    protocol: str
    host: str
    port: int
    username: str
    host_key: str
    folder: str
    format: str
    passive: bool
    cursor: int
    created_at: datetime
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    backlog: int
    dead: int


async def create_destination(db: Database, new: NewDestination) -> Destination:
    """Create a destination starting at the wire log's head (what is published next)."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "SELECT count(*) FROM destinations WHERE subscriber_id = %s", (new.subscriber_id,)
        )
        row = await cur.fetchone()
        if row is not None and row[0] >= MAX_DESTINATIONS:
            raise Conflict(f"a subscriber may have at most {MAX_DESTINATIONS} destinations")
        cur = await conn.execute(
            "INSERT INTO destinations (subscriber_id, protocol, host, port, username,"
            " credentials, host_key, folder, format, passive, cursor)"
            " SELECT %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, coalesce(max(seq), 0)"
            " FROM events RETURNING id",
            (
                new.subscriber_id, new.protocol, new.host, new.port, new.username,
                new.credentials, new.host_key, new.folder, new.format, new.passive,
            ),
        )  # fmt: skip
        made = await cur.fetchone()
    assert made is not None
    return await destination(db, int(made[0]))


async def destination(db: Database, destination_id: int) -> Destination:
    """One destination with its health; NotFound when there is none."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_COLUMNS} FROM destinations d WHERE d.id = %s", (destination_id,)
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no destination {destination_id}")
    return Destination(*row)


async def destinations(db: Database, subscriber_id: int | None = None) -> list[Destination]:
    """Every destination (or a subscriber's), oldest first."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_COLUMNS} FROM destinations d"
            " WHERE %(sub)s::bigint IS NULL OR d.subscriber_id = %(sub)s ORDER BY d.id",
            {"sub": subscriber_id},
        )
        rows = await cur.fetchall()
    return [Destination(*row) for row in rows]


async def remove_destination(db: Database, destination_id: int) -> None:
    """Delete a destination and its outbox; NotFound when there is none."""
    async with db.connection() as conn:
        cur = await conn.execute("DELETE FROM destinations WHERE id = %s", (destination_id,))
        if cur.rowcount == 0:
            raise NotFound(f"no destination {destination_id}")


async def replay_destination(db: Database, destination_id: int, after: int) -> int:
    """Send again everything after `after`: drop those rows and move the cursor back.

    The cursor never moves forward here. Returns the cursor now in force.
    """
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE destinations SET cursor = least(cursor, %s) WHERE id = %s RETURNING cursor",
            (after, destination_id),
        )
        row = await cur.fetchone()
        if row is None:
            raise NotFound(f"no destination {destination_id}")
        await conn.execute(
            "DELETE FROM destination_deliveries WHERE destination_id = %s AND seq > %s",
            (destination_id, after),
        )
    return int(row[0])
