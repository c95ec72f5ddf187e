"""The audit log: every desk and admin action, who did it and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from newswire.store.database import Database

__all__ = ["AuditEntry", "audit_entries", "record_audit"]


@dataclass(frozen=True)
class AuditEntry:
    """One recorded action."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


async def record_audit(
    db: Database, actor: str, action: str, target: str = "", detail: dict[str, Any] | None = None
) -> None:
    """Append an action; `actor` names a key (`key:12`) or a user (`user:alice`)."""
    async with db.connection() as conn:
        await conn.execute(
            "INSERT INTO audit_log (actor, action, target, detail) VALUES (%s, %s, %s, %s)",
            (actor, action, target, Jsonb(detail or {})),
        )


async def audit_entries(
    db: Database, limit: int = 100, before: int | None = None
) -> list[AuditEntry]:
    """The newest actions first; `before` pages back by id."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT id, at, actor, action, target, detail FROM audit_log"
            " WHERE (%s::bigint IS NULL OR id < %s) ORDER BY id DESC LIMIT %s",
            (before, before, limit),
        )
        rows = await cur.fetchall()
    return [AuditEntry(int(r[0]), r[1], r[2], r[3], r[4], r[5]) for r in rows]
