"""Figures for the operator's dashboards that need a query (read at scrape time)."""

from __future__ import annotations

from newswire.store.database import Database

__all__ = ["webhook_backlog"]


async def webhook_backlog(db: Database) -> dict[str, int]:
    """Outbox rows waiting (`pending`) and given up (`dead`)."""
    # Two counts, each on its own partial index (0003 for pending, 0014 for dead): the
    # outbox keeps every delivered row, so a scan of it would grow without end.
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'),"
            " (SELECT count(*) FROM webhook_deliveries WHERE status = 'dead')"
        )
        row = await cur.fetchone()
    pending, dead = row if row is not None else (0, 0)
    return {"pending": int(pending), "dead": int(dead)}
