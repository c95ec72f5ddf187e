"""The destination outbox: one row per (destination, event), filled and drained by workers.

The same shape as the webhook outbox: the filler inserts rows in the transaction that
advances the destination's cursor; workers lease the head row of each destination (its
lowest pending seq) with FOR UPDATE SKIP LOCKED, so files reach a server in wire order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from newswire.model import Plan
from newswire.store.database import Database
from newswire.store.plans import plan_from_row

__all__ = [
    "Claim",
    "FillTarget",
    "Queued",
    "claim_uploads",
    "fill_targets",
    "finish_upload",
    "queue_uploads",
]

UploadStatus = Literal["pending", "delivered", "dead", "skipped"]


@dataclass(frozen=True)
class FillTarget:
    """A destination behind the wire log, its format and its subscriber's plan."""

    id: int
    cursor: int
    format: str
    plan: Plan


@dataclass(frozen=True)
class Queued:
    """One file to queue for an event."""

    seq: int
    kind: str
    uri: str
    filename: str
    body: bytes


@dataclass(frozen=True)
class Claim:
    """A leased head row, with everything the upload needs."""

    destination_id: int
    seq: int
    kind: str
    attempts: int
    created_at: datetime
    filename: str
    body: bytes
    protocol: str
    host: str
    port: int
    username: str
    credentials: bytes
    host_key: str
    folder: str
    passive: bool
    killed: bool  # the item was killed since: only its kill notice may still go out


async def fill_targets(db: Database) -> list[FillTarget]:
    """Every destination whose cursor is behind the wire log's head, with its plan."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.id, d.cursor, d.format, p.slug, p.products, p.languages, p.types,"
            " p.depth, p.delay_minutes, p.embargoed FROM destinations d"
            " JOIN subscribers s ON s.id = d.subscriber_id JOIN plans p ON p.slug = s.plan"
            " WHERE d.cursor < (SELECT coalesce(max(seq), 0) FROM events)"
        )
        rows = await cur.fetchall()
    return [FillTarget(int(r[0]), int(r[1]), str(r[2]), plan_from_row(r[3:])) for r in rows]


async def queue_uploads(
    db: Database, ids: list[int], cursor: int, next_cursor: int, rows: list[Queued]
) -> int:
    """Queue rows for the destinations still at `cursor`, moving them to `next_cursor`."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE destinations SET cursor = %s WHERE id = ANY(%s) AND cursor = %s RETURNING id",
            (next_cursor, ids, cursor),
        )
        advanced = [int(row[0]) for row in await cur.fetchall()]
        if advanced and rows:
            await conn.execute(
                "INSERT INTO destination_deliveries (destination_id, seq, kind, uri, filename,"
                " body) SELECT t.id, q.seq, q.kind, q.uri, q.filename, q.body"
                " FROM unnest(%s::bigint[]) AS t(id) CROSS JOIN"
                " unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::bytea[])"
                " AS q(seq, kind, uri, filename, body) ON CONFLICT DO NOTHING",
                (
                    advanced,
                    [r.seq for r in rows],
                    [r.kind for r in rows],
                    [r.uri for r in rows],
                    [r.filename for r in rows],
                    [r.body for r in rows],
                ),
            )
    return len(advanced)


async def claim_uploads(db: Database, limit: int, lease: timedelta) -> list[Claim]:
    """Lease up to `limit` due head rows, at most one per destination; count the attempt."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "WITH due AS (SELECT o.destination_id, o.seq FROM destination_deliveries o"
            "  WHERE o.status = 'pending' AND o.next_attempt_at <= now()"
            "  AND NOT EXISTS (SELECT 1 FROM destination_deliveries p"
            "   WHERE p.status = 'pending' AND p.destination_id = o.destination_id"
            "   AND p.seq < o.seq)"
            "  ORDER BY o.next_attempt_at, o.seq LIMIT %s FOR UPDATE OF o SKIP LOCKED)"
            " UPDATE destination_deliveries o SET attempts = o.attempts + 1,"
            "  last_attempt_at = now(), next_attempt_at = now() + %s"
            " FROM due, destinations d, items i WHERE o.destination_id = due.destination_id"
            "  AND o.seq = due.seq AND d.id = o.destination_id AND i.uri = o.uri"
            " RETURNING o.destination_id, o.seq, o.kind, o.attempts, o.created_at, o.filename,"
            "  o.body, d.protocol, d.host, d.port, d.username, d.credentials, d.host_key,"
            "  d.folder, d.passive, i.killed_at IS NOT NULL",
            (limit, lease),
        )
        rows = await cur.fetchall()
    return [Claim(*row) for row in rows]


async def finish_upload(
    db: Database,
    claim: Claim,
    status: UploadStatus,
    error: str | None,
    retry_in: timedelta = timedelta(0),
) -> None:
    """Record an attempt's outcome (and the destination's health), unless the lease was lost."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE destination_deliveries SET status = %s, last_error = %s,"
            " delivered_at = CASE WHEN %s = 'delivered' THEN now() END,"
            " next_attempt_at = now() + %s"
            " WHERE destination_id = %s AND seq = %s AND status = 'pending' AND attempts = %s",
            (
                status,
                None if error is None else error[:500],
                status,
                retry_in,
                claim.destination_id,
                claim.seq,
                claim.attempts,
            ),
        )
        if cur.rowcount == 0 or status == "skipped":
            return
        if error is None:
            await conn.execute(
                "UPDATE destinations SET last_success_at = now() WHERE id = %s",
                (claim.destination_id,),
            )
        else:
            await conn.execute(
                "UPDATE destinations SET last_error = %s, last_error_at = now() WHERE id = %s",
                (error[:500], claim.destination_id),
            )
