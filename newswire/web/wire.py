"""The subscriber API: the cursor feed and item fetches, every entry through the gate."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from newswire import formats, gate
from newswire.delivery.entries import feed_entry
from newswire.errors import NotFound
from newswire.metrics import DELIVERIES
from newswire.store import items
from newswire.store.events import read_events
from newswire.web.auth import Subscriber, viewer_of
from newswire.web.context import Context, context
from newswire.web.negotiate import chosen_format, download_name
from newswire.web.paths import checked_uri
from newswire.web.visible import visible_item

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["wire"])
Ctx = Annotated[Context, Depends(context)]
MAX_SEQ = 2**63 - 1
MAX_VERSION = 2**31 - 1


class FeedEntry(BaseModel):
    """One wire event as the caller may see it."""

    seq: int
    event: Literal["publish", "update", "correction", "kill", "release"]
    view: Literal["full", "summary", "kill"]
    products: list[str]
    item: dict[str, Any]


class FeedPage(BaseModel):
    """A page of the feed; pass `next` as `after` to continue."""

    entries: list[FeedEntry]
    next: int


class ItemVersion(BaseModel):
    """One version in an item's history."""

    version: int
    item: dict[str, Any]


@router.get("/feed", response_model=FeedPage)
async def feed(
    ctx: Ctx,
    owner: Subscriber,
    after: Annotated[int, Query(ge=0, le=MAX_SEQ, description="the cursor: last seq seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    wait: Annotated[float, Query(ge=0, le=600, description="long-poll seconds")] = 0,
    format: Annotated[str | None, Query(description="ninjs3, ninjs2, newsmlg2 or nitf")] = None,
) -> JSONResponse:
    """The wire log after a cursor, in the caller's view; waits up to `wait` s when empty.

    With a `format` other than ninjs, each entry's `item` holds that rendering.
    """
    fmt = chosen_format(format, None)
    viewer = viewer_of(owner)
    plan = viewer.plan
    delay = timedelta(minutes=plan.delay_minutes if plan else 0)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + min(wait, ctx.settings.feed_max_wait)
    cursor = after
    while True:
        now = datetime.now(UTC)
        page = await read_events(ctx.db, cursor, limit, now - delay, plan)
        cursor = page.next
        entries = []
        shown = (feed_entry(viewer, entry, now, fmt) for entry in page.entries)
        entries = [e for e in shown if e is not None]
        remaining = deadline - loop.time()
        if entries or remaining <= 0:
            if entries and ctx.usage is not None and owner.subscriber_id is not None:
                ctx.usage.add(owner.subscriber_id, "delivery:feed", len(entries))
                DELIVERIES.labels("feed").inc(len(entries))
            return JSONResponse({"entries": entries, "next": cursor})
        await ctx.notifier.wait(min(remaining, 1.0))


@router.get("/items/{uri:path}/versions", response_model=list[ItemVersion])
async def item_versions(uri: str, ctx: Ctx, owner: Subscriber) -> JSONResponse:
    """Every version of an item the caller may see, oldest first."""
    viewer = viewer_of(owner)
    now = datetime.now(UTC)
    uri = checked_uri(uri)
    try:
        states = await items.item_versions(ctx.db, uri)
    except NotFound:
        states = []
    if states and states[-1].killed:
        states = states[-1:]  # after a kill, the history is only the kill notice
    shown = []
    for state in states:
        view = gate.decide(viewer, state, now)
        if view is not None:
            item = gate.render(state, view, viewer).to_ninjs()
            shown.append({"version": state.version, "item": item})
    if not shown:
        raise NotFound(f"no item {uri!r} that your plan covers")
    return JSONResponse(shown)


@router.get(
    "/items/{uri:path}",
    responses={
        200: {
            "content": {
                "application/json": {},
                "application/xml": {},
                "application/vnd.iptc.g2.newsitem+xml": {},
            }
        }
    },
)
async def item(
    uri: str,
    ctx: Ctx,
    owner: Subscriber,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
    format: Annotated[str | None, Query(description="ninjs3, ninjs2, newsmlg2 or nitf")] = None,
    download: Annotated[bool, Query(description="send as a file attachment")] = False,
    accept: Annotated[str | None, Header(max_length=1000)] = None,
) -> Response:
    """The item (latest, or `version`) in the caller's view; a killed item's kill notice.

    The format comes from `format`, else from `Accept`, else ninjs 3.
    """
    found = await visible_item(ctx.db, viewer_of(owner), uri, version)
    shown = found.item
    fmt = chosen_format(format, accept)
    body = formats.render(
        fmt,
        shown,
        signal=found.signal,
        products=found.products,
        provider=ctx.settings.agency_name,
    )
    headers = {}
    if download:
        name = download_name(shown.uri or uri, shown.version, fmt)
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(body, media_type=formats.media_type(fmt), headers=headers)
