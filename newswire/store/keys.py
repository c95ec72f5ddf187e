"""API keys: created once and shown once, stored as digests, looked up by digest."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from newswire.errors import Invalid, NotFound
from newswire.model import Plan, Role
from newswire.store.database import Database
from newswire.store.plans import plan_from_row

__all__ = ["KeyOwner", "create_key", "key_owner", "revoke_key", "revoked_keys"]


@dataclass(frozen=True)
class KeyOwner:
    """Who a presented key belongs to."""

    key_id: int
    role: Role
    subscriber_id: int | None = None
    subscriber_name: str | None = None
    plan: Plan | None = None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


async def create_key(db: Database, role: Role, subscriber_id: int | None = None) -> tuple[int, str]:
    """A new key for a role (subscriber keys need a subscriber); returns (id, key)."""
    if role not in ("subscriber", "editor", "admin"):
        raise Invalid("role: must be subscriber, editor or admin")
    if (role == "subscriber") != (subscriber_id is not None):
        raise Invalid("subscriber: subscriber keys, and only they, belong to a subscriber")
    key = f"nw_{role[:3]}_{secrets.token_urlsafe(32)}"
    async with db.connection() as conn:
        cur = await conn.execute(
            "INSERT INTO api_keys (key_hash, hint, role, subscriber_id)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            (_digest(key), key[:10], role, subscriber_id),
        )
        row = await cur.fetchone()
    assert row is not None
    return int(row[0]), key


async def key_owner(db: Database, key: str) -> KeyOwner | None:
    """The owner of an active key, or None. The lookup is by digest, so timing reveals nothing."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT k.id, k.role, s.id, s.name, p.slug, p.products, p.languages, p.types,"
            " p.depth, p.delay_minutes, p.embargoed"
            " FROM api_keys k LEFT JOIN subscribers s ON s.id = k.subscriber_id"
            " LEFT JOIN plans p ON p.slug = s.plan"
            " WHERE k.key_hash = %s AND k.revoked_at IS NULL"
            " AND (k.expires_at IS NULL OR k.expires_at > now())",
            (_digest(key),),
        )
        row = await cur.fetchone()
    if row is None:
        return None
    key_id, role, sub_id, sub_name = row[:4]
    plan = plan_from_row(row[4:]) if row[4] is not None else None
    return KeyOwner(
        key_id=int(key_id),
        role=role,
        subscriber_id=None if sub_id is None else int(sub_id),
        subscriber_name=None if sub_name is None else str(sub_name),
        plan=plan,
    )


async def revoke_key(db: Database, key_id: int) -> None:
    """Revoke a key at once; later requests with it get 401."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "UPDATE api_keys SET revoked_at = now() WHERE id = %s AND revoked_at IS NULL",
            (key_id,),
        )
        if cur.rowcount == 0:
            raise NotFound(f"no active key {key_id}")


async def revoked_keys(db: Database, key_ids: list[int]) -> set[int]:
    """Those of `key_ids` that are revoked, expired (after a rotation) or gone."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT id FROM api_keys WHERE id = ANY(%s) AND revoked_at IS NULL"
            " AND (expires_at IS NULL OR expires_at > now())",
            (key_ids,),
        )
        active = {int(row[0]) for row in await cur.fetchall()}
    return set(key_ids) - active
