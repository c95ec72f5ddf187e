"""Figures for the operator's dashboards that need a query (read at scrape time)."""

from __future__ import annotations

from newswire.store.database import Database

__all__ = ["webhook_backlog"]


async def webhook_backlog(db: Database) -> dict[str, int]:
    """Outbox rows waiting (`pending`) and given up (`dead`)."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT status, count(*) FROM webhook_deliveries"
            " WHERE status IN ('pending', 'dead') GROUP BY status"
        )
        rows = await cur.fetchall()
    found = {str(status): int(count) for status, count in rows}
    return {"pending": found.get("pending", 0), "dead": found.get("dead", 0)}
