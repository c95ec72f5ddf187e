"""Alert digests: users who chose digest times get their alert matches gathered in
`digest_entries` (queued by store/email_outbox.py) and mailed as one message at each
chosen UTC time of day (migration 0013).

A user is due when one of their times has passed since their last digest; due users
are locked (FOR UPDATE SKIP LOCKED) for one transaction while the sender mails them,
so several workers never send the same digest twice.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import time
from typing import Any

import psycopg

from newswire.errors import Invalid, NotFound
from newswire.store.database import Database

__all__ = [
    "Digest",
    "DigestBatch",
    "DigestEntry",
    "digest_batch",
    "digest_times",
    "parse_digest_times",
    "set_digest_times",
]

_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
MAX_TIMES = 24


@dataclass(frozen=True)
class DigestEntry:
    """One alert match waiting in a digest."""

    alert_id: int
    seq: int
    uri: str
    headline: str
    alert_name: str


@dataclass(frozen=True)
class Digest:
    """What one user gets in one digest (possibly nothing)."""

    user_id: int
    email: str
    entries: tuple[DigestEntry, ...]


class DigestBatch:
    """Due users locked in an open transaction; `sent` records one digest as mailed."""

    def __init__(self, conn: psycopg.AsyncConnection[tuple[Any, ...]], digests: list[Digest]):
        self.conn, self.digests = conn, digests

    async def sent(self, digest: Digest) -> None:
        """Drop the mailed entries and start the user's next digest period."""
        await self.conn.execute(
            "UPDATE users SET digest_sent_at = now() WHERE id = %s", (digest.user_id,)
        )
        await self.conn.execute(
            "DELETE FROM digest_entries d USING unnest(%s::bigint[], %s::bigint[]) AS k(a, s)"
            " WHERE d.user_id = %s AND d.alert_id = k.a AND d.seq = k.s",
            ([e.alert_id for e in digest.entries], [e.seq for e in digest.entries], digest.user_id),
        )


def parse_digest_times(text: str) -> list[time]:
    """`"07:00, 17:30"` as sorted distinct UTC times; empty text means no digest."""
    found: set[time] = set()
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        m = _HHMM.fullmatch(part)
        if m is None:
            raise Invalid(f"digest_times: {part[:20]!r} is not a time like 07:00 (HH:MM, UTC)")
        found.add(time(int(m[1]), int(m[2])))
    if len(found) > MAX_TIMES:
        raise Invalid(f"digest_times: at most {MAX_TIMES} times a day")
    return sorted(found)


async def set_digest_times(db: Database, user_id: int, times: list[time]) -> None:
    """Choose digest times (empty: alert e-mails go out at once). The next digest is
    the first chosen time from now on; matches already waiting go out at once when
    the user goes back to immediate delivery."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "UPDATE users SET digest_times = %s::time[], digest_sent_at = now() WHERE id = %s",
            (times, user_id),
        )
        if cur.rowcount == 0:
            raise NotFound(f"user {user_id} not found")


async def digest_times(db: Database, user_id: int) -> list[time]:
    """A user's digest times (empty: immediate)."""
    async with db.connection() as conn:
        cur = await conn.execute("SELECT digest_times FROM users WHERE id = %s", (user_id,))
        row = await cur.fetchone()
    return list(row[0]) if row else []


_DUE = (
    "SELECT u.id, coalesce(u.email, '') FROM users u"
    " WHERE u.disabled_at IS NULL AND ("
    "  (u.digest_times = '{}' AND EXISTS (SELECT 1 FROM digest_entries d WHERE d.user_id = u.id))"
    "  OR EXISTS (SELECT 1 FROM unnest(u.digest_times) t WHERE"
    "   (CASE WHEN (now() AT TIME ZONE 'UTC')::time >= t"
    "    THEN (now() AT TIME ZONE 'UTC')::date + t"
    "    ELSE (now() AT TIME ZONE 'UTC')::date - 1 + t END) > u.digest_sent_at AT TIME ZONE 'UTC'))"
    " ORDER BY u.id LIMIT %s FOR UPDATE OF u SKIP LOCKED"
)


@asynccontextmanager
async def digest_batch(db: Database, limit: int = 20) -> AsyncIterator[DigestBatch]:
    """Lock up to `limit` users whose digest is due, with their waiting entries."""
    async with db.transaction() as conn:
        cur = await conn.execute(_DUE, (limit,))
        users = await cur.fetchall()
        digests = []
        for user_id, email in users:
            cur = await conn.execute(
                "SELECT alert_id, seq, uri, headline, alert_name FROM digest_entries"
                " WHERE user_id = %s ORDER BY queued_at, seq LIMIT 500",
                (user_id,),
            )
            entries = tuple(DigestEntry(*row) for row in await cur.fetchall())
            digests.append(Digest(int(user_id), str(email), entries))
        yield DigestBatch(conn, digests)
