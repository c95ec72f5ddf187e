"""Limits: per-plan rate limits, quotas and stream caps; key rotation; IP allow-lists."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from newswire.errors import Invalid, NotFound
from newswire.store.database import Database

__all__ = [
    "Network",
    "PlanLimits",
    "Rotated",
    "SubscriberLimits",
    "parse_networks",
    "plan_limits",
    "rotate_key",
    "set_ip_allow",
    "set_plan_limits",
    "subscriber_limits",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_NETWORKS = 100


@dataclass(frozen=True)
class PlanLimits:
    """A plan's limits; None means no limit."""

    rate_limit: int | None = None  # requests per minute per subscriber
    daily_quota: int | None = None  # requests per UTC day per subscriber
    stream_connections: int | None = None  # open streams per key


@dataclass(frozen=True)
class SubscriberLimits:
    """What a subscriber's requests are held to: its plan's limits and its allow-list."""

    plan: PlanLimits
    ip_allow: tuple[Network, ...] = ()


@dataclass(frozen=True)
class Rotated:
    """A rotation's outcome: the new key (shown once) and when the old one stops working."""

    key_id: int
    role: str
    key: str
    old_key_id: int
    old_expires_at: datetime


async def set_plan_limits(db: Database, slug: str, limits: PlanLimits) -> PlanLimits:
    """Replace a plan's limits."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "UPDATE plans SET rate_limit = %s, daily_quota = %s, stream_connections = %s"
            " WHERE slug = %s",
            (limits.rate_limit, limits.daily_quota, limits.stream_connections, slug),
        )
        if cur.rowcount == 0:
            raise NotFound(f"no plan {slug[:63]!r}")
    return limits


async def plan_limits(db: Database, slug: str) -> PlanLimits:
    """A plan's limits."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT rate_limit, daily_quota, stream_connections FROM plans WHERE slug = %s",
            (slug,),
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no plan {slug[:63]!r}")
    return PlanLimits(row[0], row[1], row[2])


async def subscriber_limits(db: Database, subscriber_id: int) -> SubscriberLimits:
    """The limits a subscriber's requests are held to."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT p.rate_limit, p.daily_quota, p.stream_connections, s.ip_allow"
            " FROM subscribers s JOIN plans p ON p.slug = s.plan WHERE s.id = %s",
            (subscriber_id,),
        )
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no subscriber {subscriber_id}")
    networks = tuple(ipaddress.ip_network(n) for n in row[3] or ())
    return SubscriberLimits(PlanLimits(row[0], row[1], row[2]), networks)


def parse_networks(cidrs: list[str]) -> list[Network]:
    """Checked networks (`203.0.113.0/24`, `2001:db8::/32`, or one address)."""
    if len(cidrs) > MAX_NETWORKS:
        raise Invalid(f"cidrs: at most {MAX_NETWORKS} networks")
    networks = []
    for n, text in enumerate(cidrs):
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError as err:
            raise Invalid(f"cidrs.{n}: {text[:60]!r} is not an IP network ({err})") from err
    return networks


async def set_ip_allow(db: Database, subscriber_id: int, cidrs: list[str]) -> list[Network]:
    """Replace a subscriber's allow-list; an empty list allows every address."""
    networks = parse_networks(cidrs)
    async with db.connection() as conn:
        cur = await conn.execute(
            "UPDATE subscribers SET ip_allow = %s::cidr[] WHERE id = %s",
            ([str(n) for n in networks], subscriber_id),
        )
        if cur.rowcount == 0:
            raise NotFound(f"no subscriber {subscriber_id}")
    return networks


async def rotate_key(db: Database, key_id: int, overlap: timedelta) -> Rotated:
    """A new key for the same role and subscriber; the old one works `overlap` longer.

    One transaction: either both the new key and the old one's end are stored, or neither.
    """
    async with db.transaction() as conn:
        cur = await conn.execute(
            "SELECT role, subscriber_id FROM api_keys WHERE id = %s AND revoked_at IS NULL"
            " AND replaced_by IS NULL AND (expires_at IS NULL OR expires_at > now())"
            " FOR UPDATE",
            (key_id,),
        )
        row = await cur.fetchone()
        if row is None:
            raise NotFound(f"no active key {key_id} (revoked, expired or already rotated)")
        role, subscriber_id = row
        key = f"nw_{role[:3]}_{secrets.token_urlsafe(32)}"
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        cur = await conn.execute(
            "INSERT INTO api_keys (key_hash, hint, role, subscriber_id)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            (digest, key[:10], role, subscriber_id),
        )
        new = await cur.fetchone()
        assert new is not None
        cur = await conn.execute(
            "UPDATE api_keys SET expires_at = now() + %s, replaced_by = %s WHERE id = %s"
            " RETURNING expires_at",
            (overlap, new[0], key_id),
        )
        ends = await cur.fetchone()
        assert ends is not None
    return Rotated(int(new[0]), str(role), key, key_id, ends[0])
