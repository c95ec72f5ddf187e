"""`GET /v1/items/{uri}/related`: stories sharing people, organisations, places and topics.

Gated exactly like an item fetch: the item itself must be visible to the caller, and
every related story passes the same gate, in the caller's view (summary plans get
summaries). Killed and not-entitled stories are left out, never hinted at.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from newswire import gate
from newswire.errors import NotFound
from newswire.store import items
from newswire.store.enrichment import related_states
from newswire.web.auth import Subscriber, viewer_of
from newswire.web.context import Context, context
from newswire.web.paths import checked_uri

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["wire"])
Ctx = Annotated[Context, Depends(context)]
# Candidates read before the gate: enough that a narrow plan still fills a page.
CANDIDATES_PER_RESULT = 5


class Related(BaseModel):
    """One related story in the caller's view, and how many concepts it shares (weighted)."""

    score: int
    item: dict[str, Any]


class RelatedPage(BaseModel):
    """Related stories, most related first."""

    related: list[Related]


@router.get("/items/{uri:path}/related", response_model=RelatedPage)
async def related(
    uri: str,
    ctx: Ctx,
    owner: Subscriber,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> JSONResponse:
    """Stories related to an item the caller may see, each in the caller's view."""
    viewer = viewer_of(owner)
    now = datetime.now(UTC)
    uri = checked_uri(uri)
    try:
        state = await items.item_state(ctx.db, uri)
    except NotFound:
        state = None
    view = None if state is None else gate.decide(viewer, state, now)
    if state is None or view is None or view is gate.View.KILL_NOTICE:
        raise NotFound(f"no item {uri!r} that your plan covers")
    shown: list[dict[str, Any]] = []
    for score, candidate in await related_states(ctx.db, uri, limit * CANDIDATES_PER_RESULT):
        seen = gate.decide(viewer, candidate, now)
        if seen in (gate.View.FULL, gate.View.SUMMARY):
            item = gate.render(candidate, seen, viewer).to_ninjs()
            shown.append({"score": score, "item": item})
            if len(shown) == limit:
                break
    return JSONResponse({"related": shown})
