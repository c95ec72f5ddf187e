"""The admin API: products, plans, subscribers and keys."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from newswire.model import DEFAULT_TYPES, Plan, Product
from newswire.store import audit, keys, limits, plans, products, subscribers, usage
from newswire.store.limits import MAX_NETWORKS, PlanLimits
from newswire.web.auth import Admin
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(prefix="/v1/admin", tags=["admin"])
Ctx = Annotated[Context, Depends(context)]
LIMIT_MAX = 2**31 - 1


class ProductBody(BaseModel):
    """A product (channel)."""

    model_config = ConfigDict(extra="forbid")
    slug: str = Field(max_length=63)
    name: str = Field(default="", max_length=200)
    public: bool = False
    public_delay: int = Field(default=0, ge=0, le=525600, alias="publicDelay")


class PlanBody(BaseModel):
    """A plan: what a subscription entitles."""

    model_config = ConfigDict(extra="forbid")
    slug: str = Field(max_length=63)
    products: list[str] = Field(min_length=1, max_length=500)
    languages: list[str] = Field(default_factory=list, max_length=100)
    types: list[str] = Field(default_factory=lambda: list(DEFAULT_TYPES), max_length=20)
    depth: Literal["full", "summary"] = "full"
    delay: int = Field(default=0, ge=0, le=525600, description="minutes")
    embargoed: bool = False
    rate_limit: int | None = Field(default=None, ge=1, le=LIMIT_MAX, description="per minute")
    daily_quota: int | None = Field(default=None, ge=1, le=LIMIT_MAX, description="per UTC day")
    stream_connections: int | None = Field(
        default=None, ge=1, le=LIMIT_MAX, description="open streams per key"
    )


class LimitsBody(BaseModel):
    """A plan's limits; null means no limit."""

    model_config = ConfigDict(extra="forbid")
    rate_limit: int | None = Field(default=None, ge=1, le=LIMIT_MAX, description="per minute")
    daily_quota: int | None = Field(default=None, ge=1, le=LIMIT_MAX, description="per UTC day")
    stream_connections: int | None = Field(
        default=None, ge=1, le=LIMIT_MAX, description="open streams per key"
    )


class AllowBody(BaseModel):
    """A subscriber's IP allow-list: networks in CIDR notation; empty allows all."""

    model_config = ConfigDict(extra="forbid")
    cidrs: list[Annotated[str, Field(max_length=64)]] = Field(max_length=MAX_NETWORKS)


class RotateBody(BaseModel):
    """How long the old key keeps working beside the new one."""

    model_config = ConfigDict(extra="forbid")
    overlap: int = Field(default=86400, ge=0, le=30 * 86400, description="seconds")


class RotatedOut(BaseModel):
    """The new key, shown this once, and when the old one stops working."""

    id: int
    role: str
    key: str
    replaces: int
    old_key_expires_at: datetime


class SubscriberBody(BaseModel):
    """A new subscriber on a plan."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    plan: str = Field(max_length=63)


class SubscriberOut(BaseModel):
    """A subscriber; `key` is present only in the answer that creates it."""

    id: int
    name: str
    plan: str
    key: str | None = None


class KeyBody(BaseModel):
    """A new key: an agency key (editor, admin) or another key for a subscriber."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["subscriber", "editor", "admin"]
    subscriber: int | None = Field(default=None, ge=1, le=2**62)


class KeyOut(BaseModel):
    """A new key, shown this once."""

    id: int
    role: str
    key: str


def _product_out(p: Product) -> ProductBody:
    return ProductBody(
        slug=p.slug, name=p.name, public=p.public, publicDelay=p.public_delay_minutes
    )


def _plan_out(p: Plan, lim: PlanLimits | None = None) -> PlanBody:
    lim = lim or PlanLimits()
    return PlanBody(
        slug=p.slug,
        products=sorted(p.products),
        languages=sorted(p.languages),
        types=sorted(p.types),
        depth=p.depth,
        delay=p.delay_minutes,
        embargoed=p.embargoed,
        rate_limit=lim.rate_limit,
        daily_quota=lim.daily_quota,
        stream_connections=lim.stream_connections,
    )


@router.post("/products", status_code=201, response_model=ProductBody, response_model_by_alias=True)
async def create_product(body: ProductBody, ctx: Ctx, _: Admin) -> ProductBody:
    """Create a product."""
    made = await products.create_product(
        ctx.db, Product(body.slug, body.name or body.slug, body.public, body.public_delay)
    )
    return _product_out(made)


@router.get("/products", response_model=list[ProductBody], response_model_by_alias=True)
async def list_products(ctx: Ctx, _: Admin) -> list[ProductBody]:
    """Every product."""
    return [_product_out(p) for p in await products.products(ctx.db)]


@router.post("/plans", status_code=201, response_model=PlanBody)
async def create_plan(body: PlanBody, ctx: Ctx, _: Admin) -> PlanBody:
    """Create a plan."""
    plan = Plan(
        slug=body.slug,
        products=frozenset(body.products),
        languages=frozenset(body.languages),
        types=frozenset(body.types),
        depth=body.depth,
        delay_minutes=body.delay,
        embargoed=body.embargoed,
    )
    made = await plans.create_plan(ctx.db, plan)
    wanted = PlanLimits(body.rate_limit, body.daily_quota, body.stream_connections)
    if wanted != PlanLimits():
        await limits.set_plan_limits(ctx.db, made.slug, wanted)
    return _plan_out(made, wanted)


@router.get("/plans", response_model=list[PlanBody])
async def list_plans(ctx: Ctx, _: Admin) -> list[PlanBody]:
    """Every plan."""
    return [
        _plan_out(p, await limits.plan_limits(ctx.db, p.slug)) for p in await plans.plans(ctx.db)
    ]


@router.put("/plans/{slug}/limits", response_model=LimitsBody)
async def set_plan_limits(
    slug: Annotated[str, Path(max_length=63)], body: LimitsBody, ctx: Ctx, _: Admin
) -> LimitsBody:
    """Replace a plan's rate limit, daily quota and stream cap (null: no limit)."""
    wanted = PlanLimits(body.rate_limit, body.daily_quota, body.stream_connections)
    await limits.set_plan_limits(ctx.db, slug, wanted)
    if ctx.limiter is not None:
        ctx.limiter.forget()
    return body


@router.put("/subscribers/{subscriber_id}/ip-allow", response_model=AllowBody)
async def set_ip_allow(
    subscriber_id: Annotated[int, Path(ge=1, le=2**62)], body: AllowBody, ctx: Ctx, _: Admin
) -> AllowBody:
    """Replace a subscriber's IP allow-list; requests from elsewhere get 403."""
    networks = await limits.set_ip_allow(ctx.db, subscriber_id, body.cidrs)
    if ctx.limiter is not None:
        ctx.limiter.forget()
    return AllowBody(cidrs=[str(n) for n in networks])


@router.post("/subscribers", status_code=201, response_model=SubscriberOut)
async def create_subscriber(body: SubscriberBody, ctx: Ctx, _: Admin) -> SubscriberOut:
    """Create a subscriber and its first API key (shown once)."""
    made = await subscribers.create_subscriber(ctx.db, body.name, body.plan)
    _key_id, key = await keys.create_key(ctx.db, "subscriber", made.id)
    return SubscriberOut(id=made.id, name=made.name, plan=made.plan, key=key)


@router.get("/subscribers", response_model=list[SubscriberOut])
async def list_subscribers(ctx: Ctx, _: Admin) -> list[SubscriberOut]:
    """Every subscriber (without keys)."""
    return [
        SubscriberOut(id=s.id, name=s.name, plan=s.plan)
        for s in await subscribers.subscribers(ctx.db)
    ]


@router.post("/keys", status_code=201, response_model=KeyOut)
async def create_key(body: KeyBody, ctx: Ctx, _: Admin) -> KeyOut:
    """Create a key; a subscriber key names its subscriber."""
    if body.subscriber is not None:
        await subscribers.subscriber(ctx.db, body.subscriber)
    key_id, key = await keys.create_key(ctx.db, body.role, body.subscriber)
    return KeyOut(id=key_id, role=body.role, key=key)


@router.post("/keys/{key_id}/rotate", status_code=201, response_model=RotatedOut)
async def rotate_key(
    key_id: Annotated[int, Path(ge=1, le=2**62)], ctx: Ctx, _: Admin, body: RotateBody | None = None
) -> RotatedOut:
    """A new key in place of this one; the old key works for `overlap` seconds more."""
    done = await limits.rotate_key(
        ctx.db, key_id, timedelta(seconds=(body or RotateBody()).overlap)
    )
    return RotatedOut(
        id=done.key_id,
        role=done.role,
        key=done.key,
        replaces=done.old_key_id,
        old_key_expires_at=done.old_expires_at,
    )


@router.delete("/keys/{key_id}", status_code=204)
async def revoke_key(key_id: int, ctx: Ctx, _: Admin) -> None:
    """Revoke a key at once."""
    await keys.revoke_key(ctx.db, key_id)


class UsageOut(BaseModel):
    """One daily counter: a subscriber's count of one kind on one UTC day."""

    subscriber_id: int
    subscriber: str
    day: date
    kind: str
    count: int


class AuditOut(BaseModel):
    """One recorded desk or admin action."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


@router.get("/usage", response_model=list[UsageOut])
async def usage_report(
    ctx: Ctx,
    _: Admin,
    days: Annotated[int, Query(ge=1, le=366)] = 30,
    subscriber: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> list[UsageOut]:
    """Daily counters of the last `days` days (deliveries by channel, searches, requests)."""
    if ctx.usage is not None:
        await ctx.usage.flush()  # this node's latest counts too
    rows = await usage.usage(ctx.db, days, subscriber)
    return [UsageOut(**asdict(r)) for r in rows]


@router.get("/audit", response_model=list[AuditOut])
async def audit_log(
    ctx: Ctx,
    _: Admin,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1, le=2**62, description="an entry id")] = None,
) -> list[AuditOut]:
    """Desk and admin actions, newest first; page back with `before`."""
    return [AuditOut(**asdict(e)) for e in await audit.audit_entries(ctx.db, limit, before)]
