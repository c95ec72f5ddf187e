"""The desk pages: compose, preview (enrichment and public summary), publish, update,
correct, kill, and the wire as a chosen subscriber sees it.

Publishing goes through web/desk_actions, the same functions the desk API calls;
every action is written to the audit log as `user:NAME`.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from newswire import gate
from newswire.enrich.pipeline import enrich_with_provenance
from newswire.errors import Invalid
from newswire.model import Item, ItemState, Viewer, ViewerKind
from newswire.store import items
from newswire.store import products as product_store
from newswire.store import subscribers as subscriber_store
from newswire.store.audit import record_audit
from newswire.web.context import context
from newswire.web.desk_actions import kill_story, publish_story, update_story
from newswire.web.pages import reading
from newswire.web.pages.sessions import PageRoute, form_of, require
from newswire.web.pages.story_form import StoryForm
from newswire.web.pages.templating import render_page
from newswire.web.paths import checked_uri

__all__ = ["router"]

router = APIRouter(prefix="/desk", route_class=PageRoute, include_in_schema=False)
EDITORS = ("editor", "admin")
EDITOR = Viewer(ViewerKind.EDITOR)


def _actor(request: Request) -> str:
    return f"user:{require(request, *EDITORS).user.username}"


def _item_href(uri: str) -> str:
    return "/desk/items/" + quote(uri, safe="")


async def _compose(request: Request, story: StoryForm, status: int = 200, **extra: Any) -> Response:
    db = context(request).db
    rows, _ = await reading.wire_rows(db, EDITOR, reading.Filters(), limit=30)
    values: dict[str, Any] = {"error": "", "preview": None}
    values |= extra
    return render_page(
        request,
        "desk/compose.html",
        status,
        story=story,
        product_choices=await product_store.products(db),
        rows=rows,
        **values,
    )


@router.get("")
async def desk(request: Request) -> Response:
    """The compose form and the latest stories."""
    require(request, *EDITORS)
    return await _compose(request, StoryForm())


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    for attr in ("name", "value", "literal"):
        text = getattr(value, attr, None)
        if text:
            return str(text)
    if isinstance(value, dict):
        return str(value.get("name") or value.get("value") or value)
    return str(value)


def _preview(item: Item, products: list[str]) -> dict[str, Any]:
    """What enrichment adds, and the story as the public site would show it."""
    enriched, provenance = enrich_with_provenance(item)
    fields = enriched.model_dump(exclude_none=True)
    added = [(name, step, _shown(getattr(enriched, name))) for name, step in provenance.items()]
    state = ItemState(item=enriched, version=1, products=frozenset(products))
    public = gate.render(state, gate.View.SUMMARY, Viewer(ViewerKind.PUBLIC))
    return {"added": added, "public": public, "item": enriched, "fields": sorted(fields)}


@router.post("/preview")
async def preview(request: Request) -> Response:
    """The enrichment the story would get and its public summary, before publishing."""
    require(request, *EDITORS)
    story = StoryForm.from_form(await form_of(request))
    try:
        item = story.item()
        shown = await asyncio.to_thread(_preview, item, story.products)
    except Invalid as err:
        return await _compose(request, story, 422, error=str(err))
    return await _compose(request, story, preview=shown)


@router.post("/publish")
async def publish(request: Request) -> Response:
    """Publish the composed story through the desk's one publish path."""
    actor = _actor(request)
    ctx = context(request)
    story = StoryForm.from_form(await form_of(request))
    try:
        done = await publish_story(ctx.db, story.item(), story.products, ctx.settings.uri_prefix)
    except Invalid as err:
        return await _compose(request, story, 422, error=str(err))
    await record_audit(
        ctx.db, actor, "publish", done.uri, {"version": done.version, "seq": done.seq}
    )
    return RedirectResponse(_item_href(done.uri) + "?done=published", status_code=303)


@router.get("/items/{uri:path}")
async def story_page(
    uri: str, request: Request, done: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """One story on the desk: as stored, with forms to update, correct or kill it."""
    require(request, *EDITORS)
    db = context(request).db
    item, view, products = await reading.story(db, EDITOR, uri)
    state = await items.item_state(db, checked_uri(uri))
    return render_page(
        request,
        "desk/story.html",
        item=item,
        view=view.value,
        killed=state.killed,
        products=products,
        story=StoryForm.from_item(item, products),
        product_choices=await product_store.products(db),
        history=await reading.history(db, EDITOR, uri),
        uri=uri,
        done={"published": "Published.", "updated": "New version sent.", "killed": "Killed."}.get(
            done, ""
        ),
        error="",
    )


@router.post("/items/{uri:path}/update")
async def update(uri: str, request: Request) -> Response:
    """A new version: an update or a correction."""
    actor = _actor(request)
    db = context(request).db
    story = StoryForm.from_form(await form_of(request))
    signal = story.signal_checked()
    done = await update_story(
        db,
        checked_uri(uri),
        story.item(),
        story.products or None,
        signal,  # type: ignore[arg-type]
    )
    await record_audit(db, actor, signal, done.uri, {"version": done.version, "seq": done.seq})
    return RedirectResponse(_item_href(done.uri) + "?done=updated", status_code=303)


@router.post("/items/{uri:path}/kill")
async def kill(uri: str, request: Request) -> Response:
    """Kill the story everywhere, with the reason subscribers read."""
    actor = _actor(request)
    db = context(request).db
    reason = (await form_of(request)).get("reason")
    done = await kill_story(db, checked_uri(uri), reason)
    await record_audit(db, actor, "kill", done.uri, {"version": done.version, "reason": reason})
    return RedirectResponse(_item_href(done.uri) + "?done=killed", status_code=303)


@router.get("/wire")
async def wire_as(
    request: Request, subscriber: Annotated[int | None, Query(ge=1, le=2**62)] = None
) -> Response:
    """The wire as one subscriber receives it (its plan through the gate)."""
    require(request, *EDITORS)
    db = context(request).db
    everyone = await subscriber_store.subscribers(db)
    rows: list[reading.WireRow] = []
    chosen = None
    if subscriber is not None:
        owner = await reading.subscriber_owner(db, subscriber)
        chosen = owner
        viewer = Viewer(ViewerKind.SUBSCRIBER, plan=owner.plan)
        rows, _ = await reading.wire_rows(db, viewer, reading.Filters())
    return render_page(request, "desk/wire.html", subscribers=everyone, chosen=chosen, rows=rows)
