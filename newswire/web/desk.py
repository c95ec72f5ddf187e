"""The editor API: publish, update or correct, kill."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from newswire.errors import Invalid
from newswire.ingest import ingest_document
from newswire.model import Item
from newswire.store.enrichment import near_duplicate_of
from newswire.web.auth import Editor
from newswire.web.context import Context, context
from newswire.web.desk_actions import kill_story, publish_story, update_story
from newswire.web.paths import checked_uri

__all__ = ["router"]

router = APIRouter(prefix="/v1/desk", tags=["desk"])
Ctx = Annotated[Context, Depends(context)]


class PublishRequest(BaseModel):
    """A new item and the products it goes out in."""

    model_config = ConfigDict(extra="forbid")
    item: Item
    products: list[str] = Field(min_length=1, max_length=50)


class UpdateRequest(BaseModel):
    """A complete new version of an item; products default to the previous version's."""

    model_config = ConfigDict(extra="forbid")
    item: Item
    products: list[str] | None = Field(default=None, min_length=1, max_length=50)
    signal: Literal["update", "correction"] = "update"


class KillRequest(BaseModel):
    """Why the item is withdrawn; subscribers read it in the kill notice."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class IngestedOut(BaseModel):
    """What happened to one item of an ingested document."""

    uri: str
    action: str
    version: int
    seq: int
    note: str = ""


class Published(BaseModel):
    """Where the new version stands in the wire log; `nearDuplicateOf` names a recent
    item this version nearly repeats (for the editor's eyes only)."""

    uri: str
    version: int
    seq: int
    nearDuplicateOf: str | None = None


@router.post("/items", status_code=201, response_model=Published)
async def publish(body: PublishRequest, ctx: Ctx, _: Editor) -> Published:
    """Publish a new item; one with a future `embargoedUntil` is held until then."""
    done = await publish_story(ctx.db, body.item, body.products, ctx.settings.uri_prefix)
    near = await near_duplicate_of(ctx.db, done.uri, done.version)
    return Published(uri=done.uri, version=done.version, seq=done.seq, nearDuplicateOf=near)


@router.put("/items/{uri:path}", response_model=Published)
async def update(uri: str, body: UpdateRequest, ctx: Ctx, _: Editor) -> Published:
    """A new version of an item, signalled to subscribers as an update or a correction."""
    done = await update_story(ctx.db, checked_uri(uri), body.item, body.products, body.signal)
    near = await near_duplicate_of(ctx.db, done.uri, done.version)
    return Published(uri=done.uri, version=done.version, seq=done.seq, nearDuplicateOf=near)


@router.post("/items/{uri:path}/kill", response_model=Published)
async def kill(uri: str, body: KillRequest, ctx: Ctx, _: Editor) -> Published:
    """Kill an item everywhere; everyone who could have received it gets a kill notice."""
    done = await kill_story(ctx.db, checked_uri(uri), body.reason)
    return Published(uri=done.uri, version=done.version, seq=done.seq)


MAX_INGEST_BYTES = 20 * 1024 * 1024


@router.post(
    "/ingest",
    status_code=201,
    response_model=list[IngestedOut],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {}, "application/xml": {}, "text/plain": {}},
        }
    },
)
async def ingest(
    request: Request,
    ctx: Ctx,
    _: Editor,
    products: Annotated[str | None, Query(description="comma-separated product slugs")] = None,
) -> list[IngestedOut]:
    """Parse a ninjs, NewsML-G2, NITF or plain-text document and publish what it holds."""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_INGEST_BYTES:
            raise Invalid(f"body: larger than {MAX_INGEST_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise Invalid("body: empty; send the document as the request body")
    slugs = [p.strip() for p in (products or "").split(",") if p.strip()]
    done = await ingest_document(
        ctx.db,
        data,
        content_type=request.headers.get("content-type"),
        products=slugs,
        uri_prefix=ctx.settings.uri_prefix,
    )
    return [
        IngestedOut(uri=d.uri, action=d.action, version=d.version, seq=d.seq, note=d.note)
        for d in done
    ]
