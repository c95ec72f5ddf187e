"""Subscribers: the organisations that receive the wire."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

from newswire.errors import Conflict, Invalid, NotFound
from newswire.store.database import Database

__all__ = ["Subscriber", "create_subscriber", "subscriber", "subscribers"]


@dataclass(frozen=True)
class Subscriber:
    """A subscribing organisation and the slug of its plan."""

    id: int
    name: str
    plan: str
    created_at: datetime


_COLUMNS = "id, name, plan, created_at"


async def create_subscriber(db: Database, name: str, plan: str) -> Subscriber:
    """Store a new subscriber on an existing plan."""
    name = name.strip()
    if not name or len(name) > 200:
        raise Invalid("name: a subscriber needs a name of 1 to 200 characters")
    try:
        async with db.connection() as conn:
            cur = await conn.execute(
                f"INSERT INTO subscribers (name, plan) VALUES (%s, %s) RETURNING {_COLUMNS}",
                (name, plan),
            )
            row = await cur.fetchone()
    except psycopg.errors.UniqueViolation as err:
        raise Conflict(f"subscriber {name!r} already exists") from err
    except psycopg.errors.ForeignKeyViolation as err:
        raise Invalid(f"plan: no such plan {plan!r}") from err
    assert row is not None
    return Subscriber(*row)


async def subscriber(db: Database, subscriber_id: int) -> Subscriber:
    """One subscriber by id."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_COLUMNS} FROM subscribers WHERE id = %s", (subscriber_id,)
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no subscriber {subscriber_id}")
    return Subscriber(*row)


async def subscribers(db: Database) -> list[Subscriber]:
    """Every subscriber, by name."""
    async with db.connection() as conn:
        cur = await conn.execute(f"SELECT {_COLUMNS} FROM subscribers ORDER BY name")
        return [Subscriber(*row) for row in await cur.fetchall()]
