"""The webhook outbox: one row per (webhook, event), filled and drained by workers.

The filler inserts rows in the transaction that advances the webhook's cursor; workers
claim the head row of each webhook (its lowest pending seq) with FOR UPDATE SKIP LOCKED
and lease it by pushing its `next_attempt_at` ahead, so a crashed worker's claim falls
due again by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from newswire.model import Plan
from newswire.store.database import Database
from newswire.store.plans import plan_from_row
from newswire.store.webhooks import DeliveryStatus

__all__ = [
    "Claim",
    "FillTarget",
    "Queued",
    "claim_deliveries",
    "fill_targets",
    "finish_delivery",
    "prune_deliveries",
    "queue_deliveries",
]


@dataclass(frozen=True)
class FillTarget:
    """A webhook with wire-log events beyond its cursor, and its subscriber's plan."""

    id: int
    cursor: int
    plan: Plan
    format: str = "ninjs3"


@dataclass(frozen=True)
class Queued:
    """One event to queue: its seq, kind, item uri and the exact body to send."""

    seq: int
    kind: str
    uri: str
    body: str


@dataclass(frozen=True)
class Claim:
    """A leased head row, with what sending it needs."""

    webhook_id: int
    seq: int
    kind: str
    attempts: int
    created_at: datetime
    body: str
    url: str
    secret: str
    killed: bool  # the item was killed since: only its kill notice may still go out


async def fill_targets(db: Database) -> list[FillTarget]:
    """Every webhook whose cursor is behind the wire log's head, with its plan."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT w.id, w.cursor, w.format, p.slug, p.products, p.languages, p.types,"
            " p.depth, p.delay_minutes, p.embargoed FROM webhooks w"
            " JOIN subscribers s ON s.id = w.subscriber_id JOIN plans p ON p.slug = s.plan"
            " WHERE w.cursor < (SELECT coalesce(max(seq), 0) FROM events)"
        )
        rows = await cur.fetchall()
    return [
        FillTarget(int(row[0]), int(row[1]), plan_from_row(row[3:]), str(row[2])) for row in rows
    ]


async def queue_deliveries(
    db: Database, webhook_ids: list[int], cursor: int, next_cursor: int, rows: list[Queued]
) -> int:
    """Queue rows for the webhooks still at `cursor` and move them to `next_cursor`.

    One transaction: a webhook whose cursor moved meanwhile (another filler, a replay)
    is left alone. Returns how many webhooks advanced.
    """
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE webhooks SET cursor = %s WHERE id = ANY(%s) AND cursor = %s RETURNING id",
            (next_cursor, webhook_ids, cursor),
        )
        advanced = [int(row[0]) for row in await cur.fetchall()]
        if advanced and rows:
            await conn.execute(
                "INSERT INTO webhook_deliveries (webhook_id, seq, kind, uri, body)"
                " SELECT w.id, d.seq, d.kind, d.uri, d.body FROM unnest(%s::bigint[]) AS w(id)"
                " CROSS JOIN unnest(%s::bigint[], %s::text[], %s::text[], %s::text[])"
                " AS d(seq, kind, uri, body) ON CONFLICT DO NOTHING",
                (
                    advanced,
                    [r.seq for r in rows],
                    [r.kind for r in rows],
                    [r.uri for r in rows],
                    [r.body for r in rows],
                ),
            )
    return len(advanced)


async def claim_deliveries(db: Database, limit: int, lease: timedelta) -> list[Claim]:
    """Lease up to `limit` due head rows, at most one per webhook, and count the attempt.

    A row is a head when no earlier row of its webhook is pending. A leased head is not
    due until the lease ends, so its successors wait: per-webhook order holds across
    any number of workers.
    """
    async with db.transaction() as conn:
        cur = await conn.execute(
            "WITH due AS (SELECT o.webhook_id, o.seq FROM webhook_deliveries o"
            "  WHERE o.status = 'pending' AND o.next_attempt_at <= now()"
            "  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.status = 'pending'"
            "   AND p.webhook_id = o.webhook_id AND p.seq < o.seq)"
            "  ORDER BY o.next_attempt_at, o.seq LIMIT %s FOR UPDATE OF o SKIP LOCKED)"
            " UPDATE webhook_deliveries o SET attempts = o.attempts + 1,"
            "  last_attempt_at = now(), next_attempt_at = now() + %s"
            " FROM due, webhooks w, items i WHERE o.webhook_id = due.webhook_id"
            "  AND o.seq = due.seq AND w.id = o.webhook_id AND i.uri = o.uri"
            " RETURNING o.webhook_id, o.seq, o.kind, o.attempts, o.created_at, o.body,"
            "  w.url, w.secret, i.killed_at IS NOT NULL",
            (limit, lease),
        )
        rows = await cur.fetchall()
    return [Claim(*row) for row in rows]


async def finish_delivery(
    db: Database,
    claim: Claim,
    status: DeliveryStatus,
    http_status: int | None,
    error: str | None,
    retry_in: timedelta = timedelta(0),
) -> None:
    """Record an attempt's outcome, unless the lease was lost (the row moved on)."""
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE webhook_deliveries SET status = %s, last_status = %s, last_error = %s,"
            " delivered_at = CASE WHEN %s = 'delivered' THEN now() END,"
            " next_attempt_at = now() + %s"
            " WHERE webhook_id = %s AND seq = %s AND status = 'pending' AND attempts = %s",
            (
                status,
                http_status,
                None if error is None else error[:500],
                status,
                retry_in,
                claim.webhook_id,
                claim.seq,
                claim.attempts,
            ),
        )


async def prune_deliveries(db: Database, older_than: timedelta) -> int:
    """Delete finished rows (delivered, dead, skipped) older than `older_than`."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < now() - %s",
            (older_than,),
        )
        return cur.rowcount
