"""Page sessions: a random id in a signed cookie, and the row that says whose it is."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from newswire.store.database import Database
from newswire.store.users import User, user

__all__ = ["Session", "create_session", "end_session", "ended_sessions", "page_secret", "session"]


@dataclass(frozen=True)
class Session:
    """A logged-in session: the user and the CSRF token its forms carry."""

    user: User
    csrf: str


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def create_session(db: Database, user_id: int, ttl: timedelta) -> tuple[str, str]:
    """A fresh session for the user; returns (session id, CSRF token)."""
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    async with db.connection() as conn:
        await conn.execute(
            "DELETE FROM sessions WHERE expires_at < now()"
        )  # a cheap sweep at login keeps the table small
        await conn.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf, expires_at)"
            " VALUES (%s, %s, %s, now() + %s)",
            (_digest(session_id), user_id, csrf, ttl),
        )
    return session_id, csrf


async def session(db: Database, session_id: str) -> Session | None:
    """The live session with this id and an active user, or None."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT s.user_id, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.id_hash = %s AND s.expires_at > now() AND u.disabled_at IS NULL",
            (_digest(session_id),),
        )
        row = await cur.fetchone()
    if row is None:
        return None
    return Session(await user(db, int(row[0])), str(row[1]))


async def ended_sessions(db: Database, session_ids: list[str]) -> set[str]:
    """Those of `session_ids` that ended: logged out, expired, or their user disabled."""
    if not session_ids:
        return set()
    digests = {_digest(sid): sid for sid in session_ids}
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT s.id_hash FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.id_hash = ANY(%s) AND s.expires_at > now() AND u.disabled_at IS NULL",
            (list(digests),),
        )
        live = {digests[str(row[0])] for row in await cur.fetchall()}
    return set(session_ids) - live


async def end_session(db: Database, session_id: str) -> None:
    """Forget a session (logout); its cookie is worth nothing afterwards."""
    async with db.connection() as conn:
        await conn.execute("DELETE FROM sessions WHERE id_hash = %s", (_digest(session_id),))


async def page_secret(db: Database) -> str:
    """The key that signs page cookies (made by migration 0010, one per database)."""
    async with db.connection() as conn:
        cur = await conn.execute("SELECT value FROM page_secrets WHERE name = 'session'")
        row = await cur.fetchone()
    assert row is not None, "migration 0010 creates the session secret"
    return str(row[0])
