"""The subscriber portal: the live wire, story pages with history, search and downloads.

Everything a portal user sees passes the gate as its subscriber's plan, the same
viewer its API key would be: the portal never shows more than the API gives.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from newswire import formats, gate
from newswire.model import Viewer, ViewerKind
from newswire.store import products as product_store
from newswire.store.download_followups import record_download
from newswire.store.keys import KeyOwner
from newswire.store.usage import record_usage
from newswire.web import search as search_api
from newswire.web import stream as stream_api
from newswire.web.context import context
from newswire.web.negotiate import chosen_format, download_name
from newswire.web.pages import reading
from newswire.web.pages.sessions import PageRoute, require
from newswire.web.pages.templating import render_page

__all__ = ["router"]

router = APIRouter(prefix="/portal", route_class=PageRoute, include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]
MAX_VERSION = 2**31 - 1


async def _owner(request: Request) -> KeyOwner:
    """The logged-in subscriber user's subscriber, as its API key would be."""
    found = require(request, "subscriber")
    assert found.user.subscriber_id is not None  # the users table guarantees it
    return await reading.subscriber_owner(context(request).db, found.user.subscriber_id)


def _viewer(owner: KeyOwner) -> Viewer:
    return Viewer(ViewerKind.SUBSCRIBER, plan=owner.plan)


async def _choices(request: Request, owner: KeyOwner) -> dict[str, Any]:
    plan = owner.plan
    assert plan is not None
    names = {p.slug: p.name for p in await product_store.products(context(request).db)}
    return {
        "product_choices": [(slug, names.get(slug, slug)) for slug in sorted(plan.products)],
        "language_choices": sorted(plan.languages),
        "type_choices": sorted(plan.types),
    }


@router.get("")
async def wire(
    request: Request,
    product: Text = "",
    language: Text = "",
    type: Text = "",
    urgency: Text = "",
) -> Response:
    """The live wire: the newest stories, then new ones as they arrive (EventSource)."""
    owner = await _owner(request)
    filters = reading.Filters.parse(product, language, type, urgency)
    rows, cursor = await reading.wire_rows(context(request).db, _viewer(owner), filters)
    query = {**filters.query(), "after": str(cursor)}
    return render_page(
        request,
        "portal/wire.html",
        rows=rows,
        filters=filters,
        stream_query="&".join(f"{k}={v}" for k, v in query.items()),
        owner=owner,
        **await _choices(request, owner),
    )


@router.get("/stream")
async def live(
    request: Request,
    after: Text = "",
    products: Text = "",
    languages: Text = "",
    types: Text = "",
    urgency: Text = "",
) -> Response:
    """The subscriber's stream (ninjs 3 events) for the page's EventSource."""
    owner = await _owner(request)
    params: dict[str, str | None] = {
        "after": after or None,
        "products": products or None,
        "languages": languages or None,
        "types": types or None,
        "urgency": urgency or None,
        "format": "ninjs3",
        "last_event_id": request.headers.get("last-event-id"),
    }
    session_id: str = request.state.session_id  # set with the session `_owner` required
    return stream_api.stream_response(context(request).hub, owner, params, session_id)


@router.get("/items/{uri:path}")
async def story(
    uri: str,
    request: Request,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> Response:
    """One story in the subscriber's view, its versions and what changed in each."""
    owner = await _owner(request)
    db = context(request).db
    viewer = _viewer(owner)
    item, view, products = await reading.story(db, viewer, uri, version)
    return render_page(
        request,
        "portal/story.html",
        item=item,
        view=view.value,
        killed=view is gate.View.KILL_NOTICE,
        products=products,
        history=await reading.history(db, viewer, uri),
        formats=formats.FORMAT_NAMES,
        uri=uri,
    )


@router.get("/download/{uri:path}")
async def download(
    uri: str,
    request: Request,
    format: Text = "ninjs3",
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> Response:
    """The story as a file in any format: the API's `?format=&download=true`, by cookie."""
    owner = await _owner(request)
    db = context(request).db
    item, view, products = await reading.story(db, _viewer(owner), uri, version)
    fmt = chosen_format(format, None)
    signal = "kill" if view is gate.View.KILL_NOTICE else None
    body = formats.render(
        fmt, item, signal=signal, products=products, provider=context(request).settings.agency_name
    )
    if owner.subscriber_id is not None:
        await record_usage(db, owner.subscriber_id, "download")
    # who downloaded it hears of its updates, corrections and kill by e-mail
    await record_download(db, require(request, "subscriber").user.id, item.uri or uri)
    name = download_name(item.uri or uri, item.version, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, media_type=formats.media_type(fmt), headers=headers)


@router.get("/search")
async def search(
    request: Request,
    q: Annotated[str, Query(max_length=1000)] = "",
    product: Text = "",
    language: Text = "",
    type: Text = "",
    urgency: Text = "",
) -> Response:
    """Search within the plan, with facets; the same search as `GET /v1/search`."""
    owner = await _owner(request)
    filters = reading.Filters.parse(product, language, type, urgency)
    results = await search_api.search(
        context(request),
        owner,
        q=q,
        products=[product] if product else [],
        languages=[language] if language else [],
        types=[type] if type else [],
        urgency=[str(filters.urgency)] if filters.urgency else [],
        person=[],
        organisation=[],
        place=[],
        topic=[],
        from_=None,
        to=None,
        sort=None,
        limit=30,
        cursor=None,
        facets=["all"],
    )
    return render_page(
        request,
        "portal/search.html",
        q=q,
        filters=filters,
        results=results,
        **await _choices(request, owner),
    )
