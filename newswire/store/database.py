"""The connection pool and the migrations applied at start under an advisory lock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
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
# How long a caller waits for a free connection before the database counts as away: a
# request during an outage answers 503 within seconds instead of hanging.
ACQUIRE_TIMEOUT = 5.0

log = logging.getLogger(__name__)


class Database:
    """A pool of async connections to one PostgreSQL database.

    When a connection breaks, or none comes within the acquire timeout and the database
    does not answer a direct probe, the database counts as away: callers get
    `Unavailable` at once instead of waiting, a watcher probes twice a second, and when
    the database is back it gets a fresh pool (no dead connections, no reconnect
    back-off left over from the outage).
    """

    def __init__(self, url: str, size: int = 10, acquire_timeout: float = ACQUIRE_TIMEOUT) -> None:
        self.url = url
        self._size = size
        self._acquire_timeout = acquire_timeout
        self.pool = self._new_pool()
        self.down_since: float | None = None  # time.monotonic() when the outage was seen
        self._watcher: asyncio.Task[None] | None = None

    def _new_pool(self) -> AsyncConnectionPool[psycopg.AsyncConnection[tuple[Any, ...]]]:
        return AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=self._size,
            open=False,
            timeout=self._acquire_timeout,
            kwargs={"autocommit": True},
        )

    async def open(self) -> None:
        """Open the pool and wait until the database answers."""
        await self.pool.open(wait=True, timeout=30)

    async def close(self) -> None:
        """Close every connection."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        await self.pool.close()

    def outage(self) -> float | None:
        """Seconds since the database was seen away, or None while it answers."""
        return None if self.down_since is None else time.monotonic() - self.down_since

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[psycopg.AsyncConnection[tuple[Any, ...]]]:
        """A connection in autocommit mode; database outages become `Unavailable`."""
        away = self.outage()
        if away is not None:
            raise Unavailable(f"the database has not answered for {away:.0f} s; retry shortly")
        conn: psycopg.AsyncConnection[tuple[Any, ...]] | None = None
        try:
            async with self.pool.connection() as conn:
                yield conn
        except (psycopg.OperationalError, psycopg.InterfaceError, TimeoutError) as err:
            if conn is None or conn.broken:
                self._suspect(renew=conn is not None)
            raise Unavailable(f"the database is not answering ({err}); retry shortly") from err

    def _suspect(self, renew: bool) -> None:
        """Start the watcher unless it runs; `renew` when a pooled connection broke."""
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._watch(renew), name="database-watch")

    async def _watch(self, renew: bool) -> None:
        if await self._answers() and not renew:
            return  # busy, not away: every connection was in use for the whole wait
        if not await self._answers():
            self.down_since = time.monotonic()
            log.warning("the database is not answering; requests get 503 until it is back")
        while True:
            while not await self._answers():
                await asyncio.sleep(0.5)
            fresh = self._new_pool()
            try:
                await fresh.open(wait=True, timeout=10)
            except (psycopg.Error, OSError, TimeoutError):
                await fresh.close()
                continue
            stale, self.pool = self.pool, fresh
            if self.down_since is not None:
                log.warning("the database is back after %.1f s", self.outage())
            self.down_since = None
            await stale.close(timeout=2)
            return

    async def _answers(self) -> bool:
        """Whether a new connection to the database answers a query."""
        try:
            conn = await psycopg.AsyncConnection.connect(
                self.url, autocommit=True, connect_timeout=2
            )
            async with conn:
                await conn.execute("SELECT 1")
        except (psycopg.Error, OSError):
            return False
        return True

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
