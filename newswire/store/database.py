"""The connection pool and the migrations applied at start under an advisory lock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from newswire.errors import Unavailable

__all__ = ["MIGRATION_LOCK", "WIRE_LOCK", "Database", "migrate"]

MIGRATION_LOCK = 0x6E657773  # "news": one migrator at a time
WIRE_LOCK = 0x77697265  # "wire": appends to the wire log are serialised


class Database:
    """A pool of async connections to one PostgreSQL database."""

    def __init__(self, url: str, size: int = 10) -> None:
        self.url = url
        self.pool = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=size,
            open=False,
            timeout=10,
            kwargs={"autocommit": True},
        )

    async def open(self) -> None:
        """Open the pool and wait until the database answers."""
        await self.pool.open(wait=True, timeout=30)

    async def close(self) -> None:
        """Close every connection."""
        await self.pool.close()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[tuple[Any, ...]]]:
        """A connection in autocommit mode; database outages become `Unavailable`."""
        try:
            async with self.pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, TimeoutError) as err:
            raise Unavailable(f"the database is not answering ({err}); retry shortly") from err

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[psycopg.AsyncConnection[tuple[Any, ...]]]:
        """A connection inside one transaction: committed on success, rolled back on error."""
        async with self.connection() as conn, conn.transaction():
            yield conn


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("newswire.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number = int(entry.name.split("_", 1)[0])
            found.append((number, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def migrate(url: str) -> list[str]:
    """Apply the migrations not yet applied, in order; returns the names applied."""
    applied: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            for number, name, sql in _migrations():
                if number in done:
                    continue
                with conn.transaction():
                    conn.execute(sql.encode())
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                        (number, name),
                    )
                applied.append(name)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    return applied
