"""Usage counters: deliveries, downloads and searches per subscriber per day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from newswire.store.database import Database

__all__ = ["UsageRow", "record_usage", "record_webhook_usage", "usage", "usage_today"]


@dataclass(frozen=True)
class UsageRow:
    """One counter: a subscriber's count of one kind on one day (UTC)."""

    subscriber_id: int
    subscriber: str
    day: date
    kind: str
    count: int


async def record_usage(db: Database, subscriber_id: int, kind: str, count: int = 1) -> None:
    """Add `count` to today's counter of `kind` for the subscriber."""
    if count <= 0:
        return
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO usage_daily (subscriber_id, day, kind, count)"
            " VALUES (%s, (now() AT TIME ZONE 'UTC')::date, %s, %s)"
            " ON CONFLICT (subscriber_id, day, kind)"
            " DO UPDATE SET count = usage_daily.count + EXCLUDED.count",
            (subscriber_id, kind, count),
        )


async def record_webhook_usage(db: Database, webhook_id: int, count: int = 1) -> None:
    """Count a delivered webhook (`delivery:webhook`) for the webhook's subscriber."""
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO usage_daily (subscriber_id, day, kind, count)"
            " SELECT subscriber_id, (now() AT TIME ZONE 'UTC')::date, 'delivery:webhook', %s"
            " FROM webhooks WHERE id = %s"
            " ON CONFLICT (subscriber_id, day, kind)"
            " DO UPDATE SET count = usage_daily.count + EXCLUDED.count",
            (count, webhook_id),
        )


async def usage_today(db: Database, subscriber_id: int, kind: str) -> int:
    """Today's count of `kind` for the subscriber (for quotas)."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT count FROM usage_daily WHERE subscriber_id = %s"
            " AND day = (now() AT TIME ZONE 'UTC')::date AND kind = %s",
            (subscriber_id, kind),
        )
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def usage(db: Database, days: int = 30, subscriber_id: int | None = None) -> list[UsageRow]:
    """Counters of the last `days` days, oldest first; one subscriber's when given."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT u.subscriber_id, s.name, u.day, u.kind, u.count"
            " FROM usage_daily u JOIN subscribers s ON s.id = u.subscriber_id"
            " WHERE u.day > (now() AT TIME ZONE 'UTC')::date - %s"
            " AND (%s::bigint IS NULL OR u.subscriber_id = %s)"
            " ORDER BY u.day, s.name, u.kind",
            (days, subscriber_id, subscriber_id),
        )
        rows = await cur.fetchall()
    return [UsageRow(int(r[0]), r[1], r[2], r[3], int(r[4])) for r in rows]
