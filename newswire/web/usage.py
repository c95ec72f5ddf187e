"""GET /v1/usage: a subscriber's own daily counters (deliveries, searches, requests)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from newswire.errors import Forbidden
from newswire.store import usage
from newswire.web.auth import Subscriber
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["wire"])
Ctx = Annotated[Context, Depends(context)]


class OwnUsage(BaseModel):
    """One daily counter of the caller's subscriber."""

    day: date
    kind: str
    count: int


@router.get("/usage", response_model=list[OwnUsage])
async def own_usage(
    ctx: Ctx, owner: Subscriber, days: Annotated[int, Query(ge=1, le=366)] = 30
) -> list[OwnUsage]:
    """The caller's own counters of the last `days` days; never another subscriber's."""
    if owner.subscriber_id is None:
        raise Forbidden("usage belongs to subscribers; staff read /v1/admin/usage")
    if ctx.usage is not None:
        await ctx.usage.flush()
    rows = await usage.usage(ctx.db, days, owner.subscriber_id)
    return [
        OwnUsage(**{k: v for k, v in asdict(r).items() if k in ("day", "kind", "count")})
        for r in rows
    ]
