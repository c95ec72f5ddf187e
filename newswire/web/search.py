"""GET /v1/search: the archive within what the caller's plan entitles.

The plan is part of the index query (counts and facets come from entitled items
only); each hit is then read from the database and passed through the gate, so a
story killed or changed since the index last caught up never shows.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from newswire import gate
from newswire.delivery.entries import visible_products
from newswire.errors import Invalid, NotFound, Unavailable
from newswire.model import ItemState, Viewer, ViewerKind
from newswire.search import index_dir
from newswire.search.filters import Filters, entitlement, filter_clauses, whole
from newswire.search.index import NotServed
from newswire.search.query import compile_query, parse
from newswire.search.results import FACETS, Results, run_search
from newswire.store import events, items
from newswire.store.database import Database
from newswire.web.auth import Subscriber, viewer_of
from newswire.web.context import Context, context

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["search"])
Ctx = Annotated[Context, Depends(context)]
Values = Annotated[list[str], Query(description="comma-separated or repeated values")]
MAX_OFFSET = 10_000


class SearchHit(BaseModel):
    """One entitled item, in the caller's view, with highlighted snippets."""

    uri: str
    score: float
    view: Literal["full", "summary"]
    products: list[str]
    snippets: dict[str, str]
    item: dict[str, Any]


class FacetValue(BaseModel):
    """How many entitled matches carry one value."""

    value: str | int
    count: int


class SearchPage(BaseModel):
    """A page of results; pass `next` as `cursor` for the next page."""

    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    next: str | None


def _split(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _when(name: str, value: str | None, *, end: bool) -> datetime | None:
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(value)
    except ValueError as err:
        raise Invalid(f"{name}: not a date or date-time such as 2026-05-01: {value!r}") from err
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _facet_names(values: list[str]) -> tuple[str, ...]:
    names = _split(values)
    if "all" in names:
        return tuple(FACETS)
    unknown = sorted(set(names) - set(FACETS))
    if unknown:
        raise Invalid(
            f"facets: no facet named {', '.join(unknown)}; choose from {', '.join(FACETS)} or all"
        )
    return tuple(name for name in FACETS if name in names)


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        offset = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode().removeprefix("o:"))
    except (ValueError, binascii.Error, UnicodeDecodeError) as err:
        raise Invalid("cursor: pass back the `next` value of the previous page") from err
    if not 0 <= offset <= MAX_OFFSET:
        raise Invalid(f"cursor: results go {MAX_OFFSET} deep; narrow the search instead")
    return offset


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


async def _state(db: Database, uri: str) -> ItemState | None:
    try:
        return await items.item_state(db, uri)
    except NotFound:
        return None


async def _gated_hits(
    ctx: Context, viewer: Viewer, results: Results, now: datetime
) -> list[dict[str, Any]]:
    states = await asyncio.gather(*(_state(ctx.db, hit.uri) for hit in results.hits))
    shown = []
    for hit, state in zip(results.hits, states, strict=True):
        view = None if state is None else gate.decide(viewer, state, now)
        if state is None or view is None or view is gate.View.KILL_NOTICE:
            continue
        snippets = {k: v for k, v in hit.snippets.items() if k != "body" or view is gate.View.FULL}
        shown.append(
            {
                "uri": hit.uri,
                "score": hit.score,
                "view": view.value,
                "products": visible_products(viewer, state),
                "snippets": snippets,
                "item": gate.render(state, view, viewer).to_ninjs(),
            }
        )
    return shown


def _facets(viewer: Viewer, results: Results) -> dict[str, list[dict[str, Any]]]:
    facets = dict(results.facets)
    if viewer.kind is ViewerKind.SUBSCRIBER and viewer.plan is not None and "products" in facets:
        mine = viewer.plan.products  # an item's other products are not the caller's business
        facets["products"] = [f for f in facets["products"] if f["value"] in mine]
    return facets


@router.get("/search", response_model=SearchPage)
async def search(
    ctx: Ctx,
    owner: Subscriber,
    q: Annotated[
        str,
        Query(max_length=1000, description='words, "phrases", AND/OR/NOT, field:value, prefix*'),
    ] = "",
    products: Values = [],  # noqa: B006 - FastAPI copies defaults
    languages: Values = [],  # noqa: B006
    types: Values = [],  # noqa: B006
    urgency: Values = [],  # noqa: B006
    person: Values = [],  # noqa: B006
    organisation: Values = [],  # noqa: B006
    place: Values = [],  # noqa: B006
    topic: Values = [],  # noqa: B006
    from_: Annotated[
        str | None, Query(alias="from", description="versionCreated on or after")
    ] = None,
    to: Annotated[
        str | None, Query(description="versionCreated before (a date: through that day)")
    ] = None,
    sort: Literal["relevance", "newest"] | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    facets: Annotated[
        list[str],
        Query(description=f"counts to return: {', '.join(FACETS)}, or all (none by default)"),
    ] = [],  # noqa: B006
) -> dict[str, Any]:
    """Search what the caller's plan entitles; relevance first when `q` is given, else newest."""
    viewer = viewer_of(owner)
    now = datetime.now(UTC)
    offset = _offset(cursor)
    wanted = _facet_names(facets)
    node = parse(q)
    if ctx.usage is not None and owner.subscriber_id is not None:
        ctx.usage.add(owner.subscriber_id, "search")
    required = entitlement(viewer, now)
    if required is None:
        return {"total": 0, "hits": [], "facets": {name: [] for name in wanted}, "next": None}
    filters = Filters(
        products=_split(products),
        languages=_split(languages),
        types=_split(types),
        urgency=_split(urgency),
        person=[v for v in person if v],
        organisation=[v for v in organisation if v],
        place=[v for v in place if v],
        topic=[v for v in topic if v],
        start=_when("from", from_, end=False),
        end=_when("to", to, end=True),
    )
    plan = viewer.plan
    mine = plan.products if plan is not None and viewer.kind is ViewerKind.SUBSCRIBER else None
    full = viewer.kind is ViewerKind.EDITOR or (plan is not None and plan.depth == "full")
    searched = frozenset(filters.languages) or (plan.languages if plan else frozenset())
    text_query = None if node is None else compile_query(node, searched, full, mine)
    query = whole(text_query, filter_clauses(filters, mine) + required)
    highlight = None if node is None else compile_query(node, searched, full, mine, pairs=False)
    try:
        results = await asyncio.to_thread(
            run_search,
            index_dir(ctx.settings.data_dir),
            query,
            highlight,
            sort=sort or ("relevance" if node else "newest"),
            limit=limit,
            offset=offset,
            snippet_parts=("headline", "summary", "body") if full else ("headline", "summary"),
            facets=wanted,
        )
    except NotServed as err:
        if await events.head(ctx.db) == 0:  # nothing published yet: nothing to find
            return {"total": 0, "hits": [], "facets": {name: [] for name in wanted}, "next": None}
        raise Unavailable(
            "search: the index is being built from the wire log (a new node, an upgrade or"
            " a restore); try again in a minute"
        ) from err
    stop = offset + len(results.hits)
    return {
        "total": results.total,
        "hits": await _gated_hits(ctx, viewer, results, now),
        "facets": _facets(viewer, results),
        "next": _cursor(stop) if results.hits and stop < min(results.total, MAX_OFFSET) else None,
    }
