"""Failed page logins, counted per username and per client address over a sliding
window (table `login_failures`, migration 0013). Kept in the database so that every
node behind a load balancer sees the same counts."""

from __future__ import annotations

import math
from datetime import timedelta

from newswire.store.database import Database

__all__ = ["clear_failures", "record_failure", "throttled_for"]

_WAIT = (
    "SELECT extract(epoch FROM at + %s - clock_timestamp()) FROM login_failures"
    " WHERE {column} = %s AND at > clock_timestamp() - %s ORDER BY at DESC OFFSET %s LIMIT 1"
)


async def throttled_for(
    db: Database, username: str, client: str, limit: int, window: timedelta
) -> int:
    """Seconds until a login for `username` from `client` may be tried again: 0 when
    fewer than `limit` attempts failed for either within `window`."""
    wait = 0.0
    async with db.connection() as conn:
        for column, value in (("username", username), ("client", client)):
            cur = await conn.execute(
                _WAIT.format(column=column), (window, value, window, limit - 1)
            )
            row = await cur.fetchone()
            if row is not None:
                wait = max(wait, float(row[0]))
    return math.ceil(wait) if wait > 0 else 0


async def record_failure(db: Database, username: str, client: str) -> None:
    """Count one failed login (and forget failures older than a day)."""
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO login_failures (username, client) VALUES (%s, %s)", (username, client)
        )
        await conn.execute(
            "DELETE FROM login_failures WHERE at < clock_timestamp() - interval '1 day'"
        )


async def clear_failures(db: Database, username: str) -> None:
    """A successful login: the username starts again with no failures."""
    async with db.connection() as conn:
        await conn.execute("DELETE FROM login_failures WHERE username = %s", (username,))
