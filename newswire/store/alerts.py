"""Alerts (saved searches), their matches, and the matchers' place in the wire log.

Every change to an alert is announced on the `newswire_alerts` channel (payload
`+ID` or `-ID`) in its own transaction, so every process's percolator follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from newswire.errors import Conflict, Invalid, NotFound
from newswire.model import Plan
from newswire.store.database import Database
from newswire.store.plans import plan_from_row

__all__ = [
    "ALERT_CHANNEL",
    "CHANNELS",
    "MAX_ALERTS",
    "Alert",
    "Match",
    "NewMatch",
    "WebhookClaim",
    "advance_cursor",
    "alert",
    "alert_delays",
    "alerts",
    "alerts_after",
    "all_alerts",
    "claim_alert_webhooks",
    "create_alert",
    "finish_alert_webhook",
    "live_keys",
    "matcher_cursor",
    "matches",
    "record_matches",
    "remove_alert",
    "subscriber_plans",
]

ALERT_CHANNEL = "newswire_alerts"
CHANNELS = ("stream", "webhook", "portal", "email")
MAX_ALERTS = 100  # per subscriber
_ALERT = "id, subscriber_id, user_id, name, query, filters, channels, created_at, after_seq"


@dataclass(frozen=True)
class Alert:
    """A saved search: its query, filters and the channels its matches go out through."""

    id: int
    subscriber_id: int
    user_id: int | None
    name: str
    query: str
    filters: dict[str, Any]
    channels: list[str]
    created_at: datetime
    after_seq: int = 0  # the log's head at creation: later events only


@dataclass(frozen=True)
class NewMatch:
    """A match the matcher found: the alert, the event and the headline it may show."""

    alert_id: int
    seq: int
    uri: str
    headline: str
    webhook: bool  # whether the alert's channels include webhooks


@dataclass(frozen=True)
class Match:
    """A recorded match, as the portal lists it."""

    alert_id: int
    seq: int
    uri: str
    headline: str
    matched_at: datetime
    emailed_at: datetime | None
    webhook_status: str


@dataclass(frozen=True)
class WebhookClaim:
    """A leased match to POST to its subscriber's webhooks."""

    alert_id: int
    seq: int
    uri: str
    headline: str
    name: str
    attempts: int
    matched_at: datetime
    killed: bool
    hooks: list[tuple[int, str, str]]  # (webhook id, url, secret)


def _alert(row: tuple[Any, ...]) -> Alert:
    return Alert(
        id=int(row[0]),
        subscriber_id=int(row[1]),
        user_id=None if row[2] is None else int(row[2]),
        name=str(row[3]),
        query=str(row[4]),
        filters=dict(row[5]),
        channels=list(row[6]),
        created_at=row[7],
        after_seq=int(row[8]),
    )


async def create_alert(
    db: Database,
    subscriber_id: int,
    name: str,
    query: str,
    filters: dict[str, Any],
    channels: list[str],
    user_id: int | None = None,
    limit: int = MAX_ALERTS,
) -> Alert:
    """Store a checked alert; `Conflict` past the per-subscriber cap."""
    async with db.transaction() as conn:
        # Serialise creations per subscriber, so two at once cannot pass the cap together.
        await conn.execute("SELECT id FROM subscribers WHERE id = %s FOR UPDATE", (subscriber_id,))
        if user_id is not None:
            cur = await conn.execute(
                "SELECT 1 FROM users WHERE id = %s AND subscriber_id = %s", (user_id, subscriber_id)
            )
            if await cur.fetchone() is None:
                raise Invalid(f"user_id: no user {user_id} belongs to your organisation")
        cur = await conn.execute(
            "SELECT count(*) FROM alerts WHERE subscriber_id = %s", (subscriber_id,)
        )
        row = await cur.fetchone()
        if row is not None and int(row[0]) >= limit:
            raise Conflict(f"at most {limit} alerts per subscriber; delete one first")
        cur = await conn.execute(
            "INSERT INTO alerts (subscriber_id, user_id, name, query, filters, channels,"
            " after_seq) VALUES (%s, %s, %s, %s, %s, %s,"
            " (SELECT coalesce(max(seq), 0) FROM events)) RETURNING " + _ALERT,
            (subscriber_id, user_id, name, query, Jsonb(filters), channels),
        )
        created = await cur.fetchone()
        assert created is not None
        await conn.execute("SELECT pg_notify(%s, %s)", (ALERT_CHANNEL, f"+{created[0]}"))
    return _alert(created)


async def alerts(db: Database, subscriber_id: int) -> list[Alert]:
    """A subscriber's alerts, oldest first."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_ALERT} FROM alerts WHERE subscriber_id = %s ORDER BY id", (subscriber_id,)
        )
        return [_alert(row) for row in await cur.fetchall()]


async def alert(db: Database, subscriber_id: int, alert_id: int) -> Alert:
    """One of a subscriber's alerts; `NotFound` for anyone else's."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_ALERT} FROM alerts WHERE id = %s AND subscriber_id = %s",
            (alert_id, subscriber_id),
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no alert {alert_id}")
    return _alert(row)


async def remove_alert(db: Database, subscriber_id: int, alert_id: int) -> None:
    """Delete an alert and its matches."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "DELETE FROM alerts WHERE id = %s AND subscriber_id = %s RETURNING id",
            (alert_id, subscriber_id),
        )
        if await cur.fetchone() is None:
            raise NotFound(f"no alert {alert_id}")
        await conn.execute("SELECT pg_notify(%s, %s)", (ALERT_CHANNEL, f"-{alert_id}"))


async def all_alerts(db: Database) -> list[Alert]:
    """Every alert (what a matcher loads at start)."""
    return await alerts_after(db, 0)


async def alerts_after(db: Database, after_id: int) -> list[Alert]:
    """Alerts with ids above `after_id` (those created since a matcher last looked)."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_ALERT} FROM alerts WHERE id > %s ORDER BY id", (after_id,)
        )
        return [_alert(row) for row in await cur.fetchall()]


async def subscriber_plans(db: Database, subscriber_ids: list[int]) -> dict[int, Plan]:
    """The current plan of each subscriber."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT s.id, p.slug, p.products, p.languages, p.types, p.depth, p.delay_minutes,"
            " p.embargoed FROM subscribers s JOIN plans p ON p.slug = s.plan"
            " WHERE s.id = ANY(%s)",
            (subscriber_ids,),
        )
        return {int(row[0]): plan_from_row(row[1:]) for row in await cur.fetchall()}


async def alert_delays(db: Database) -> set[int]:
    """The delays (minutes, above 0) of the plans of subscribers that have alerts."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT DISTINCT p.delay_minutes FROM plans p WHERE p.delay_minutes > 0"
            " AND EXISTS (SELECT 1 FROM subscribers s JOIN alerts a ON a.subscriber_id = s.id"
            "  WHERE s.plan = p.slug)"
        )
        return {int(row[0]) for row in await cur.fetchall()}


async def live_keys(db: Database, subscriber_ids: list[int]) -> dict[int, int]:
    """Active key id -> subscriber id, for these subscribers (stream connections hold keys)."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, subscriber_id FROM api_keys"
            " WHERE subscriber_id = ANY(%s) AND revoked_at IS NULL",
            (subscriber_ids,),
        )
        return {int(row[0]): int(row[1]) for row in await cur.fetchall()}


async def record_matches(db: Database, found: list[NewMatch]) -> int:
    """Record matches once per (alert, seq); returns how many were new.

    Alerts deleted meanwhile are skipped; a match another node recorded first is kept.
    """
    if not found:
        return 0
    async with db.connection() as conn:
        cur = await conn.execute(
            "INSERT INTO alert_matches (alert_id, seq, uri, headline, webhook_status)"
            " SELECT m.alert_id, m.seq, m.uri, m.headline,"
            "  CASE WHEN m.hook THEN 'pending' ELSE 'none' END"
            " FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::boolean[])"
            "  AS m(alert_id, seq, uri, headline, hook)"
            " WHERE EXISTS (SELECT 1 FROM alerts a WHERE a.id = m.alert_id)"
            " ON CONFLICT DO NOTHING",
            (
                [m.alert_id for m in found],
                [m.seq for m in found],
                [m.uri for m in found],
                [m.headline for m in found],
                [m.webhook for m in found],
            ),
        )
        return cur.rowcount


async def matches(
    db: Database, subscriber_id: int, alert_id: int, before: int | None, limit: int
) -> list[Match]:
    """An alert's matches, newest first (`before`: older than this seq)."""
    await alert(db, subscriber_id, alert_id)  # NotFound for someone else's alert
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT alert_id, seq, uri, headline, matched_at, emailed_at, webhook_status"
            " FROM alert_matches WHERE alert_id = %s AND seq < %s ORDER BY seq DESC LIMIT %s",
            (alert_id, before if before is not None else 2**63 - 1, limit),
        )
        return [Match(*row) for row in await cur.fetchall()]


async def matcher_cursor(db: Database) -> int:
    """Where matchers stand in the wire log (the log's head the first time)."""
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO alert_cursor (seq) SELECT coalesce(max(seq), 0) FROM events"
            " ON CONFLICT DO NOTHING"
        )
        cur = await conn.execute("SELECT seq FROM alert_cursor")
        row = await cur.fetchone()
    return 0 if row is None else int(row[0])


async def advance_cursor(db: Database, seq: int) -> None:
    """Move the matchers' place forward (never back)."""
    async with db.connection() as conn:
        await conn.execute("UPDATE alert_cursor SET seq = greatest(seq, %s)", (seq,))


async def claim_alert_webhooks(db: Database, limit: int, lease: timedelta) -> list[WebhookClaim]:
    """Lease due matches for webhook delivery, with their subscriber's webhooks."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "WITH due AS (SELECT alert_id, seq FROM alert_matches"
            "  WHERE webhook_status = 'pending' AND webhook_next_at <= now()"
            "  ORDER BY webhook_next_at LIMIT %s FOR UPDATE SKIP LOCKED)"
            " UPDATE alert_matches m SET webhook_attempts = m.webhook_attempts + 1,"
            "  webhook_next_at = now() + %s FROM due, alerts a, items i"
            " WHERE m.alert_id = due.alert_id AND m.seq = due.seq AND a.id = m.alert_id"
            "  AND i.uri = m.uri"
            " RETURNING m.alert_id, m.seq, m.uri, m.headline, a.name, m.webhook_attempts,"
            "  m.matched_at, i.killed_at IS NOT NULL, a.subscriber_id",
            (limit, lease),
        )
        rows = await cur.fetchall()
        subscribers = sorted({int(row[8]) for row in rows})
        cur = await conn.execute(
            "SELECT subscriber_id, id, url, secret FROM webhooks WHERE subscriber_id = ANY(%s)"
            " ORDER BY id",
            (subscribers,),
        )
        hooks: dict[int, list[tuple[int, str, str]]] = {}
        for sub, hook_id, url, secret in await cur.fetchall():
            hooks.setdefault(int(sub), []).append((int(hook_id), str(url), str(secret)))
    return [
        WebhookClaim(
            alert_id=int(row[0]),
            seq=int(row[1]),
            uri=str(row[2]),
            headline=str(row[3]),
            name=str(row[4]),
            attempts=int(row[5]),
            matched_at=row[6],
            killed=bool(row[7]),
            hooks=hooks.get(int(row[8]), []),
        )
        for row in rows
    ]


async def finish_alert_webhook(
    db: Database, claim: WebhookClaim, status: str, error: str | None, retry_in: timedelta
) -> None:
    """Record the outcome of a webhook attempt for one match."""
    async with db.connection() as conn:
        await conn.execute(
            "UPDATE alert_matches SET webhook_status = %s, webhook_error = %s,"
            " webhook_next_at = now() + %s WHERE alert_id = %s AND seq = %s",
            (status, error, retry_in, claim.alert_id, claim.seq),
        )
