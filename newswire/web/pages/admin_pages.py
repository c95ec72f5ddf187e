"""The admin pages: subscribers, users, keys, plans and products, webhook health, usage
and the audit log. Every action is written to the audit log as `user:NAME`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from newswire.errors import Invalid
from newswire.model import DEFAULT_TYPES, Plan, Product, Role
from newswire.store import keys as key_store
from newswire.store import plans as plan_store
from newswire.store import products as product_store
from newswire.store import subscribers as subscriber_store
from newswire.store import users as user_store
from newswire.store.audit import audit_entries, record_audit
from newswire.store.key_list import key_list
from newswire.store.usage import usage
from newswire.store.webhook_health import webhook_health
from newswire.web.context import context
from newswire.web.pages.chart import DELIVERY, DOWNLOAD, usage_charts
from newswire.web.pages.sessions import Form, PageRoute, form_of, require
from newswire.web.pages.templating import render_page

__all__ = ["router"]

router = APIRouter(prefix="/admin", route_class=PageRoute, include_in_schema=False)
MAX_MINUTES = 525_600
ROLES: tuple[Role, ...] = ("subscriber", "editor", "admin")


def _actor(request: Request) -> str:
    return f"user:{require(request, 'admin').user.username}"


def _number(form: Form, name: str, low: int, high: int, default: int | None = None) -> int:
    raw = form.get(name)
    if not raw and default is not None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise Invalid(f"{name}: a whole number from {low} to {high}")
    return int(raw)


def _role(value: str) -> Role:
    for role in ROLES:
        if value == role:
            return role
    raise Invalid("role: choose subscriber, editor or admin")


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


async def _overview(request: Request, status: int = 200, **shown: Any) -> Response:
    db = context(request).db
    values: dict[str, Any] = {"created_key": None, "error": ""}
    values |= shown
    return render_page(
        request,
        "admin/overview.html",
        status,
        subscribers=await subscriber_store.subscribers(db),
        users=await user_store.users(db),
        keys=await key_list(db),
        plans=await plan_store.plans(db),
        products=await product_store.products(db),
        types=DEFAULT_TYPES,
        **values,
    )


@router.get("")
async def overview(request: Request) -> Response:
    """Subscribers, users, keys, plans and products on one page, with forms to add."""
    require(request, "admin")
    return await _overview(request)


@router.post("/subscribers")
async def add_subscriber(request: Request) -> Response:
    """A new subscriber and its first API key, shown once."""
    actor = _actor(request)
    db = context(request).db
    form = await form_of(request)
    made = await subscriber_store.create_subscriber(db, form.get("name"), form.get("plan"))
    key_id, key = await key_store.create_key(db, "subscriber", made.id)
    await record_audit(db, actor, "subscriber.create", made.name, {"key": key_id})
    return await _overview(request, 201, created_key=(key_id, key, made.name))


@router.post("/users")
async def add_user(request: Request) -> Response:
    """A new portal, desk or admin user."""
    actor = _actor(request)
    db = context(request).db
    form = await form_of(request)
    role = _role(form.get("role"))
    subscriber = form.get("subscriber")
    sub_id = _number(form, "subscriber", 1, 2**62) if role == "subscriber" and subscriber else None
    made = await user_store.create_user(
        db,
        form.get("username"),
        form.raw("password"),
        role,
        sub_id,
        form.get("email") or None,
    )
    await record_audit(db, actor, "user.create", made.username, {"role": made.role})
    return RedirectResponse("/admin#users", status_code=303)


@router.post("/users/{user_id}/disable")
async def disable_user(user_id: int, request: Request) -> Response:
    """Stop a user from logging in; the user's sessions end at once."""
    actor = _actor(request)
    db = context(request).db
    await user_store.disable_user(db, user_id)
    await record_audit(db, actor, "user.disable", str(user_id))
    return RedirectResponse("/admin#users", status_code=303)


@router.post("/keys")
async def add_key(request: Request) -> Response:
    """A new key (shown once): an agency key, or another key for a subscriber."""
    actor = _actor(request)
    db = context(request).db
    form = await form_of(request)
    role = _role(form.get("role"))
    sub_id = _number(form, "subscriber", 1, 2**62) if role == "subscriber" else None
    owner = None
    if sub_id is not None:
        owner = (await subscriber_store.subscriber(db, sub_id)).name
    key_id, key = await key_store.create_key(db, role, sub_id)
    await record_audit(db, actor, "key.create", str(key_id), {"role": role, "subscriber": sub_id})
    return await _overview(request, 201, created_key=(key_id, key, owner or role))


@router.post("/keys/{key_id}/revoke")
async def revoke_key(key_id: int, request: Request) -> Response:
    """Revoke a key at once: its next request gets 401, its streams close."""
    actor = _actor(request)
    db = context(request).db
    await key_store.revoke_key(db, key_id)
    await record_audit(db, actor, "key.revoke", str(key_id))
    return RedirectResponse("/admin#keys", status_code=303)


@router.post("/products")
async def add_product(request: Request) -> Response:
    """A new product (channel)."""
    actor = _actor(request)
    db = context(request).db
    form = await form_of(request)
    slug = form.get("slug")
    product = Product(
        slug,
        form.get("name") or slug,
        form.get("public") == "on",
        _number(form, "public_delay", 0, MAX_MINUTES, 0),
    )
    made = await product_store.create_product(db, product)
    await record_audit(db, actor, "product.create", made.slug)
    return RedirectResponse("/admin#catalogue", status_code=303)


@router.post("/plans")
async def add_plan(request: Request) -> Response:
    """A new plan."""
    actor = _actor(request)
    db = context(request).db
    form = await form_of(request)
    depth = form.get("depth") or "full"
    if depth not in ("full", "summary"):
        raise Invalid("depth: full or summary")
    plan = Plan(
        slug=form.get("slug"),
        products=frozenset(form.getall("products")),
        languages=frozenset(_csv(form.get("languages"))),
        types=frozenset(form.getall("types") or DEFAULT_TYPES),
        depth="summary" if depth == "summary" else "full",
        delay_minutes=_number(form, "delay", 0, MAX_MINUTES, 0),
        embargoed=form.get("embargoed") == "on",
    )
    made = await plan_store.create_plan(db, plan)
    await record_audit(db, actor, "plan.create", made.slug)
    return RedirectResponse("/admin#catalogue", status_code=303)


@router.get("/webhooks")
async def webhooks(request: Request) -> Response:
    """Every webhook's outbox: pending, delivered, dead, the last error."""
    require(request, "admin")
    found = await webhook_health(context(request).db)
    return render_page(request, "admin/webhooks.html", hooks=found)


@router.get("/usage")
async def usage_page(request: Request) -> Response:
    """Deliveries and downloads per subscriber per day, as charts."""
    require(request, "admin")
    rows = await usage(context(request).db, days=14)
    charts = usage_charts(rows, datetime.now(UTC).date())
    return render_page(
        request, "admin/usage.html", charts=charts, delivery=DELIVERY, download=DOWNLOAD
    )


@router.get("/audit")
async def audit(request: Request) -> Response:
    """The newest desk and admin actions."""
    require(request, "admin")
    return render_page(
        request, "admin/audit.html", entries=await audit_entries(context(request).db, 200)
    )
