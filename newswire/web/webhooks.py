"""The webhooks API: a subscriber's endpoints, their delivery status, and replay."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from newswire.delivery.signing import message_id, new_secret
from newswire.errors import Forbidden
from newswire.store import webhooks as store
from newswire.web.auth import Caller
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
Ctx = Annotated[Context, Depends(context)]
MAX_SEQ = 2**63 - 1
WebhookId = Annotated[int, Path(ge=1, le=MAX_SEQ, description="the webhook's id")]


async def _subscriber(owner: Caller) -> int:
    if owner.role != "subscriber" or owner.subscriber_id is None:
        raise Forbidden("webhooks belong to a subscriber: call with a subscriber's key")
    return owner.subscriber_id


SubscriberId = Annotated[int, Depends(_subscriber)]


class WebhookBody(BaseModel):
    """A new webhook: the URL newswire POSTs each entitled wire event to."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(max_length=store.MAX_URL, description="an http(s) URL with a host")
    format: Literal["ninjs3", "ninjs2", "newsmlg2", "nitf"] = Field(
        default="ninjs3", description="the format of the item in each body"
    )


class WebhookCreated(BaseModel):
    """A new webhook. `secret` signs every delivery and is shown this once."""

    id: int
    url: str
    secret: str


class WebhookOut(BaseModel):
    """A webhook; `cursor` is the last wire seq the outbox has looked at for it."""

    id: int
    url: str
    cursor: int
    created_at: datetime
    format: str


class DeliveryOut(BaseModel):
    """One event's delivery to a webhook; `id` is the `webhook-id` header it carries."""

    id: str
    seq: int
    event: str
    uri: str
    status: store.DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


class DeliveryPage(BaseModel):
    """Deliveries, newest first; pass `next` as `before` for older ones."""

    deliveries: list[DeliveryOut]
    next: int | None


class ReplayOut(BaseModel):
    """A replay: every event after `after` that the plan shows is queued again, in order."""

    id: int
    after: int
    cursor: int


def _webhook_out(hook: store.Webhook) -> WebhookOut:
    return WebhookOut(
        id=hook.id, url=hook.url, cursor=hook.cursor, created_at=hook.created_at, format=hook.format
    )


def _delivery_out(webhook_id: int, d: store.Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=message_id(webhook_id, d.seq),
        seq=d.seq,
        event=d.kind,
        uri=d.uri,
        status=d.status,
        attempts=d.attempts,
        next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
        last_attempt_at=d.last_attempt_at,
        last_status=d.last_status,
        last_error=d.last_error,
        delivered_at=d.delivered_at,
        created_at=d.created_at,
    )


@router.post("", status_code=201, response_model=WebhookCreated)
async def create_webhook(body: WebhookBody, ctx: Ctx, subscriber: SubscriberId) -> WebhookCreated:
    """Register a URL; it receives every entitled event published from now on."""
    secret = new_secret()
    hook = await store.create_webhook(ctx.db, subscriber, body.url, secret, body.format)
    return WebhookCreated(id=hook.id, url=hook.url, secret=secret)


@router.get("", response_model=list[WebhookOut])
async def list_webhooks(ctx: Ctx, subscriber: SubscriberId) -> list[WebhookOut]:
    """The caller's webhooks (without their secrets)."""
    return [_webhook_out(hook) for hook in await store.webhooks(ctx.db, subscriber)]


@router.get("/{webhook_id}", response_model=WebhookOut)
async def get_webhook(webhook_id: WebhookId, ctx: Ctx, subscriber: SubscriberId) -> WebhookOut:
    """One of the caller's webhooks."""
    return _webhook_out(await store.webhook(ctx.db, subscriber, webhook_id))


@router.delete("/{webhook_id}", status_code=204)
async def delete_webhook(webhook_id: WebhookId, ctx: Ctx, subscriber: SubscriberId) -> Response:
    """Stop delivering to a webhook and forget its outbox."""
    await store.remove_webhook(ctx.db, subscriber, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage)
async def list_deliveries(
    webhook_id: WebhookId,
    ctx: Ctx,
    subscriber: SubscriberId,
    before: Annotated[int | None, Query(ge=1, le=MAX_SEQ, description="older than seq")] = None,
    status: store.DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> DeliveryPage:
    """Delivery status per event: attempts, last answer, next attempt, delivered or dead."""
    rows = await store.deliveries(
        ctx.db, subscriber, webhook_id, before=before, status=status, limit=limit
    )
    return DeliveryPage(
        deliveries=[_delivery_out(webhook_id, d) for d in rows],
        next=rows[-1].seq if len(rows) == limit else None,
    )


@router.post("/{webhook_id}/replay", status_code=202, response_model=ReplayOut)
async def replay_webhook(
    webhook_id: WebhookId,
    ctx: Ctx,
    subscriber: SubscriberId,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="replay events after this seq")],
) -> ReplayOut:
    """Queue every event after `after` again (through the gate as it stands now), in order."""
    cursor = await store.replay_webhook(ctx.db, subscriber, webhook_id, after)
    return ReplayOut(id=webhook_id, after=after, cursor=cursor)
