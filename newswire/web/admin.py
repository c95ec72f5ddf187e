"""The admin API: products, plans, subscribers and keys."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from newswire.model import DEFAULT_TYPES, Plan, Product
from newswire.store import keys, plans, products, subscribers
from newswire.web.auth import Admin
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(prefix="/v1/admin", tags=["admin"])
Ctx = Annotated[Context, Depends(context)]


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


def _plan_out(p: Plan) -> PlanBody:
    return PlanBody(
        slug=p.slug,
        products=sorted(p.products),
        languages=sorted(p.languages),
        types=sorted(p.types),
        depth=p.depth,
        delay=p.delay_minutes,
        embargoed=p.embargoed,
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
    return _plan_out(await plans.create_plan(ctx.db, plan))


@router.get("/plans", response_model=list[PlanBody])
async def list_plans(ctx: Ctx, _: Admin) -> list[PlanBody]:
    """Every plan."""
    return [_plan_out(p) for p in await plans.plans(ctx.db)]


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


@router.delete("/keys/{key_id}", status_code=204)
async def revoke_key(key_id: int, ctx: Ctx, _: Admin) -> None:
    """Revoke a key at once."""
    await keys.revoke_key(ctx.db, key_id)
