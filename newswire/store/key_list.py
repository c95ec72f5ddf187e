"""The list of API keys for the admin pages: hints and states, never the keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newswire.store.database import Database

__all__ = ["KeyInfo", "key_list"]


@dataclass(frozen=True)
class KeyInfo:
    """One API key as the admin sees it: its first characters, never the key itself."""

    id: int
    hint: str
    role: str
    subscriber_id: int | None
    subscriber_name: str | None
    created_at: datetime
    revoked_at: datetime | None


async def key_list(db: Database, limit: int = 500) -> list[KeyInfo]:
    """Keys, active ones first, newest first."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT k.id, k.hint, k.role, k.subscriber_id, s.name, k.created_at, k.revoked_at"
            " FROM api_keys k LEFT JOIN subscribers s ON s.id = k.subscriber_id"
            " ORDER BY k.revoked_at IS NOT NULL, k.id DESC LIMIT %s",
            (limit,),
        )
        return [KeyInfo(*row) for row in await cur.fetchall()]
