"""E-mail alerts drained from `alert_matches` (the alerts' outbox, migration 0009).

A batch of unsent matches is locked (FOR UPDATE SKIP LOCKED) for the length of one
transaction, while the sender mails them; each sent match gets `emailed_at`, and a
failure rolls the rest back to be tried again. Matches of alerts without the e-mail
channel are marked at once, so the partial index of unsent matches stays small.
Recipients who chose digest times get the match queued for their next digest
(store/email_digests.py) instead of a message of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from newswire.store.database import Database

__all__ = ["Batch", "EmailMatch", "email_batch", "unsubscribe_email"]


@dataclass(frozen=True)
class EmailMatch:
    """One match to mail: the alert, the story and who receives it."""

    alert_id: int
    seq: int
    uri: str
    headline: str
    alert_name: str
    recipients: tuple[str, ...]


class Batch:
    """Matches locked in an open transaction; `sent` records one as mailed."""

    def __init__(self, conn: psycopg.AsyncConnection[tuple[Any, ...]], matches: list[EmailMatch]):
        self.conn, self.matches = conn, matches

    async def sent(self, match: EmailMatch) -> None:
        """Mark a match as mailed (committed with the batch)."""
        await self.conn.execute(
            "UPDATE alert_matches SET emailed_at = now() WHERE alert_id = %s AND seq = %s",
            (match.alert_id, match.seq),
        )


@asynccontextmanager
async def email_batch(db: Database, limit: int = 50) -> AsyncIterator[Batch]:
    """Lock up to `limit` unsent matches, oldest first, for one transaction."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "SELECT m.alert_id, m.seq, m.uri, m.headline, a.name, 'email' = ANY(a.channels),"
            " a.subscriber_id, a.user_id FROM alert_matches m JOIN alerts a ON a.id = m.alert_id"
            " WHERE m.emailed_at IS NULL ORDER BY m.matched_at, m.seq LIMIT %s"
            " FOR UPDATE OF m SKIP LOCKED",
            (limit,),
        )
        rows = await cur.fetchall()
        quiet = [(r[0], r[1]) for r in rows if not r[5]]
        if quiet:
            await conn.execute(
                "UPDATE alert_matches m SET emailed_at = now() FROM unnest(%s::bigint[],"
                " %s::bigint[]) AS q(alert_id, seq) WHERE m.alert_id = q.alert_id"
                " AND m.seq = q.seq",
                ([a for a, _ in quiet], [s for _, s in quiet]),
            )
        matches = []
        for row in (r for r in rows if r[5]):
            cur = await conn.execute(
                "SELECT email, id, digest_times <> '{}' FROM users WHERE subscriber_id = %s"
                " AND disabled_at IS NULL AND email IS NOT NULL"
                " AND (%s::bigint IS NULL OR id = %s) ORDER BY id",
                (row[6], row[7], row[7]),
            )
            users = await cur.fetchall()
            emails = tuple(str(e[0]) for e in users if not e[2])
            digest = [int(e[1]) for e in users if e[2]]
            if digest:  # users who chose digests get the match in their next digest
                await conn.execute(
                    "INSERT INTO digest_entries (user_id, alert_id, seq, uri, headline,"
                    " alert_name) SELECT u, %s, %s, %s, %s, %s FROM unnest(%s::bigint[]) u"
                    " ON CONFLICT DO NOTHING",
                    (row[0], row[1], row[2], row[3], row[4], digest),
                )
            matches.append(EmailMatch(row[0], row[1], row[2], row[3], row[4], emails))
        yield Batch(conn, matches)


async def unsubscribe_email(db: Database, alert_id: int) -> bool:
    """Take the e-mail channel off an alert; whether the alert exists."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "UPDATE alerts SET channels = array_remove(channels, 'email') WHERE id = %s",
            (alert_id,),
        )
        return cur.rowcount > 0
