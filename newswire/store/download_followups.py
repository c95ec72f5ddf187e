"""Story follow-ups by e-mail: who downloaded which story (`user_downloads`), and the
outbox of updates, corrections and kills to tell them about (`download_followups`,
filled by a trigger on the wire log, migration 0013).

The headline shown is that of the newest version up to the event that has one (a
kill notice carries none). A batch of unsent follow-ups is locked (FOR UPDATE SKIP
LOCKED) for one transaction while the sender mails them, exactly like the alert
e-mails in store/email_outbox.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from newswire.store.database import Database

__all__ = ["Followup", "FollowupBatch", "followup_batch", "record_download", "stop_followups"]


@dataclass(frozen=True)
class Followup:
    """One follow-up to mail: which user, which story, what happened to it."""

    user_id: int
    seq: int
    uri: str
    version: int
    kind: str  # update | correction | kill
    headline: str
    email: str


class FollowupBatch:
    """Follow-ups locked in an open transaction; `sent` records one as mailed."""

    def __init__(
        self, conn: psycopg.AsyncConnection[tuple[Any, ...]], followups: list[Followup]
    ) -> None:
        self.conn, self.followups = conn, followups

    async def sent(self, followup: Followup) -> None:
        """Mark a follow-up as mailed (committed with the batch)."""
        await self.conn.execute(
            "UPDATE download_followups SET emailed_at = now() WHERE user_id = %s AND seq = %s",
            (followup.user_id, followup.seq),
        )


async def record_download(db: Database, user_id: int, uri: str) -> None:
    """Remember that a user downloaded a story (the first download is kept)."""
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO user_downloads (user_id, uri) SELECT %s, uri FROM items"
            " WHERE uri = %s ON CONFLICT DO NOTHING",
            (user_id, uri),
        )


@asynccontextmanager
async def followup_batch(db: Database, limit: int = 50) -> AsyncIterator[FollowupBatch]:
    """Lock up to `limit` unsent follow-ups, oldest first, for one transaction."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "SELECT f.user_id, f.seq, f.uri, f.version, f.kind,"
            " coalesce((SELECT string_agg(h->>'value', ' ') FROM item_versions v,"
            "  jsonb_array_elements(coalesce(v.item->'headlines', '[]')) h"
            "  WHERE v.uri = f.uri AND v.version = (SELECT max(version) FROM item_versions"
            "  WHERE uri = f.uri AND version <= f.version"
            "  AND jsonb_array_length(coalesce(item->'headlines', '[]')) > 0)), ''), u.email"
            " FROM download_followups f JOIN users u ON u.id = f.user_id"
            " WHERE f.emailed_at IS NULL ORDER BY f.created_at, f.seq LIMIT %s"
            " FOR UPDATE OF f SKIP LOCKED",
            (limit,),
        )
        rows = await cur.fetchall()
        found = [
            Followup(
                int(r[0]), int(r[1]), str(r[2]), int(r[3]), str(r[4]), str(r[5]), str(r[6] or "")
            )
            for r in rows
        ]
        yield FollowupBatch(conn, found)


async def stop_followups(db: Database, user_id: int) -> bool:
    """Turn a user's follow-up e-mails off (and drop what waits); whether the user exists."""
    async with db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE users SET followup_emails = false WHERE id = %s", (user_id,)
        )
        await conn.execute(
            "DELETE FROM download_followups WHERE user_id = %s AND emailed_at IS NULL",
            (user_id,),
        )
        return cur.rowcount > 0
