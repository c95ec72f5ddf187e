"""Webhook health across all subscribers, for the admin pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newswire.store.database import Database

__all__ = ["WebhookHealth", "webhook_health"]


@dataclass(frozen=True)
class WebhookHealth:
    """One endpoint's outbox: what waits, what arrived, what was given up on."""

    id: int
    subscriber: str
    url: str
    pending: int
    delivered: int
    dead: int
    last_error: str | None
    last_delivered_at: datetime | None


async def webhook_health(db: Database) -> list[WebhookHealth]:
    """Every webhook with its delivery counts, the ones in trouble first."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT w.id, s.name, w.url,"
            " count(*) FILTER (WHERE d.status = 'pending'),"
            " count(*) FILTER (WHERE d.status = 'delivered'),"
            " count(*) FILTER (WHERE d.status = 'dead'),"
            " (SELECT d2.last_error FROM webhook_deliveries d2 WHERE d2.webhook_id = w.id"
            "  AND d2.last_error IS NOT NULL ORDER BY d2.last_attempt_at DESC NULLS LAST"
            "  LIMIT 1),"
            " max(d.delivered_at)"
            " FROM webhooks w JOIN subscribers s ON s.id = w.subscriber_id"
            " LEFT JOIN webhook_deliveries d ON d.webhook_id = w.id"
            " GROUP BY w.id, s.name, w.url"
            " ORDER BY count(*) FILTER (WHERE d.status = 'dead') DESC,"
            " count(*) FILTER (WHERE d.status = 'pending') DESC, s.name, w.id"
        )
        rows = await cur.fetchall()
    return [
        WebhookHealth(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), int(r[5]), r[6], r[7])
        for r in rows
    ]
