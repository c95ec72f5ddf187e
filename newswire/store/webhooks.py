"""Webhooks: a subscriber's endpoints, their delivery status and replay.

The outbox that the worker fills and drains is in `webhook_outbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from newswire.errors import Conflict, Invalid, NotFound
from newswire.store.database import Database

__all__ = [
    "MAX_URL",
    "MAX_WEBHOOKS",
    "Delivery",
    "DeliveryStatus",
    "Webhook",
    "check_url",
    "create_webhook",
    "deliveries",
    "remove_webhook",
    "replay_webhook",
    "webhook",
    "webhooks",
]

MAX_URL = 2000
MAX_WEBHOOKS = 10  # per subscriber: each one is a copy of the wire to keep in order
DeliveryStatus = Literal["pending", "delivered", "dead", "skipped"]


@dataclass(frozen=True)
class Webhook:
    """A subscriber's endpoint; `cursor` is the last wire seq looked at for it."""

    id: int
    subscriber_id: int
    url: str
    cursor: int
    created_at: datetime
    format: str = "ninjs3"


@dataclass(frozen=True)
class Delivery:
    """The state of one event's delivery to one webhook."""

    seq: int
    kind: str
    uri: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


_WEBHOOK = "id, subscriber_id, url, cursor, created_at, format"
_DELIVERY = (
    "seq, kind, uri, status, attempts, next_attempt_at, last_attempt_at, last_status,"
    " last_error, delivered_at, created_at"
)


def check_url(url: str) -> str:
    """The endpoint URL, checked: http(s), a host, no credentials; `Invalid` otherwise."""
    url = url.strip()
    if not url or len(url) > MAX_URL or any(c.isspace() or not c.isprintable() for c in url):
        raise Invalid(f"url: must be 1 to {MAX_URL} printable characters with no spaces")
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError as err:
        raise Invalid(f"url: not a valid URL ({err})") from err
    if parts.scheme.lower() not in ("http", "https"):
        raise Invalid("url: must start with https:// (or http://)")
    host = parts.hostname or ""
    if not host or not all(c.isalnum() or c in ".-_:" for c in host):
        raise Invalid("url: needs a host name, as in https://example.com/hooks/newswire")
    if parts.username is not None or parts.password is not None:
        raise Invalid("url: must not carry a user name or password; check the signature instead")
    return url


async def create_webhook(
    db: Database, subscriber_id: int, url: str, secret: str, fmt: str = "ninjs3"
) -> Webhook:
    """A new webhook that receives events published from now on."""
    url = check_url(url)
    async with db.transaction() as conn:
        # The subscriber's row lock makes the count and the insert one step.
        await conn.execute("SELECT 1 FROM subscribers WHERE id = %s FOR UPDATE", (subscriber_id,))
        cur = await conn.execute(
            "SELECT count(*) FROM webhooks WHERE subscriber_id = %s", (subscriber_id,)
        )
        row = await cur.fetchone()
        if row is not None and row[0] >= MAX_WEBHOOKS:
            raise Conflict(f"a subscriber may have at most {MAX_WEBHOOKS} webhooks; delete one")
        cur = await conn.execute(
            "INSERT INTO webhooks (subscriber_id, url, secret, format, cursor)"
            " VALUES (%s, %s, %s, %s,"
            f" (SELECT coalesce(max(seq), 0) FROM events)) RETURNING {_WEBHOOK}",
            (subscriber_id, url, secret, fmt),
        )
        made = await cur.fetchone()
    assert made is not None
    return Webhook(*made)


async def webhooks(db: Database, subscriber_id: int) -> list[Webhook]:
    """A subscriber's webhooks, oldest first."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_WEBHOOK} FROM webhooks WHERE subscriber_id = %s ORDER BY id",
            (subscriber_id,),
        )
        return [Webhook(*row) for row in await cur.fetchall()]


async def webhook(db: Database, subscriber_id: int, webhook_id: int) -> Webhook:
    """One of a subscriber's webhooks; `NotFound` for anyone else's."""
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_WEBHOOK} FROM webhooks WHERE id = %s AND subscriber_id = %s",
            (webhook_id, subscriber_id),
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no webhook {webhook_id}")
    return Webhook(*row)


async def remove_webhook(db: Database, subscriber_id: int, webhook_id: int) -> None:
    """Delete a webhook and its outbox; deliveries in flight finish or are dropped."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "DELETE FROM webhooks WHERE id = %s AND subscriber_id = %s",
            (webhook_id, subscriber_id),
        )
        if cur.rowcount == 0:
            raise NotFound(f"no webhook {webhook_id}")


async def deliveries(
    db: Database,
    subscriber_id: int,
    webhook_id: int,
    *,
    before: int | None,
    status: DeliveryStatus | None,
    limit: int,
) -> list[Delivery]:
    """A webhook's deliveries, newest first, optionally before a seq and of one status."""
    await webhook(db, subscriber_id, webhook_id)
    async with db.connection() as conn:
        cur = await conn.execute(
            f"SELECT {_DELIVERY} FROM webhook_deliveries WHERE webhook_id = %s"
            " AND (%s::bigint IS NULL OR seq < %s) AND (%s::text IS NULL OR status = %s)"
            " ORDER BY seq DESC LIMIT %s",
            (webhook_id, before, before, status, status, limit),
        )
        return [Delivery(*row) for row in await cur.fetchall()]


async def replay_webhook(db: Database, subscriber_id: int, webhook_id: int, after: int) -> int:
    """Send every event after `after` again; returns the webhook's cursor from now on.

    Rows after `after` are dropped and the cursor moves back, so the filler queues
    those events anew through the gate, in order (a killed story's earlier versions are
    not sent again, only its kill notice).
    """
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE webhooks SET cursor = least(cursor, %s) WHERE id = %s AND subscriber_id = %s"
            " RETURNING cursor",
            (after, webhook_id, subscriber_id),
        )
        row = await cur.fetchone()
        if row is None:
            raise NotFound(f"no webhook {webhook_id}")
        await conn.execute(
            "DELETE FROM webhook_deliveries WHERE webhook_id = %s AND seq > %s",
            (webhook_id, after),
        )
    return int(row[0])
