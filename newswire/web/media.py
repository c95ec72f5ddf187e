"""Media routes: upload (`POST /v1/desk/media`), entitled rendition downloads, signed
download links, and the public watermarked preview of public pictures.

Every download asks the gate: the plan must cover the item (products, language, type)
and the view must allow the rendition (`gate.rendition_visible`); a killed item
answers 410 on every rendition. Each subscriber download is counted as usage.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from newswire import gate
from newswire.config import Settings
from newswire.errors import Gone, NotFound, Unauthorized
from newswire.media.blobs import FileBlobStore
from newswire.media.links import check_link, sign_link
from newswire.media.renditions import MediaLimits
from newswire.media_publish import publish_media
from newswire.model import ItemState, Viewer
from newswire.store import items
from newswire.store.keys import KeyOwner
from newswire.store.media import StoredRendition, key_owner_by_id, rendition
from newswire.store.usage import record_usage
from newswire.web.auth import Editor, Subscriber, authenticate, bearer_key, viewer_of
from newswire.web.context import Context, context
from newswire.web.media_public import PUBLIC_PREVIEW, public_preview_path
from newswire.web.media_upload import read_upload
from newswire.web.paths import checked_uri
from newswire.web.public_reader import public_viewer, site_of

__all__ = ["blob_store", "public_picture", "router"]

router = APIRouter(tags=["media"])
Ctx = Annotated[Context, Depends(context)]
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4"}
_MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "products"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "item": {"type": "string", "description": "a ninjs 3 item as JSON"},
                        "products": {"type": "string", "description": "comma-separated slugs"},
                    },
                }
            }
        },
    }
}


class MediaOut(BaseModel):
    """The published media item and the names of its renditions."""

    uri: str
    version: int
    seq: int
    renditions: list[str]


class SignedLink(BaseModel):
    """A download link that works without an Authorization header until it expires."""

    href: str
    expires: datetime


def blob_store(settings: Settings) -> FileBlobStore:
    """The node's blob store: content-addressed files in `blob_dir` (else the data dir)."""
    root = Path(settings.blob_dir).expanduser() if settings.blob_dir else None
    return FileBlobStore(root or settings.data_dir / "blobs")


def _base_url(settings: Settings, request: Request) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")


def _secret(settings: Settings) -> bytes:
    """The signing key: the setting, else a random key made once and kept in the data dir."""
    if settings.download_secret:
        return settings.download_secret.encode()
    path = settings.data_dir / "download-link.secret"
    if not path.exists():
        # Written whole under a temporary name, then linked into place: several worker
        # processes starting at once agree on one secret and never read a partial file.
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".download-link.{uuid.uuid4().hex}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    return path.read_text().strip().encode()


@router.post("/v1/desk/media", status_code=201, response_model=MediaOut, openapi_extra=_MULTIPART)
async def upload(request: Request, ctx: Ctx, _: Editor) -> MediaOut:
    """Publish a picture, video or graphic (multipart `file`, `item` JSON, `products`)."""
    settings = ctx.settings
    work = settings.data_dir / "media-work" / uuid.uuid4().hex
    work.mkdir(parents=True)
    try:
        received = await read_upload(request, work, settings.media_max_bytes)
        done = await publish_media(
            ctx.db,
            blob_store(settings),
            received,
            work=work,
            base_url=_base_url(settings, request),
            agency=settings.agency_name,
            uri_prefix=settings.uri_prefix,
            limits=MediaLimits(
                settings.media_max_bytes, settings.media_max_pixels, settings.media_video_seconds
            ),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return MediaOut(uri=done.uri, version=done.version, seq=done.seq, renditions=done.renditions)


async def _allowed(
    ctx: Context, viewer: Viewer, uri: str, name: str
) -> tuple[ItemState, StoredRendition]:
    """The item and rendition when the gate lets the viewer have it; 404, or 410 if killed."""
    if not _NAME.match(name):
        raise NotFound(f"no rendition {name!r}: names are lower-case words such as 'web'")
    try:
        state = await items.item_state(ctx.db, uri)
    except NotFound:
        state = None
    view = None if state is None else gate.decide(viewer, state, datetime.now(UTC))
    if state is None or view is None:
        raise NotFound(f"no item {uri!r} that your plan covers")
    if view is gate.View.KILL_NOTICE:
        raise Gone(f"item {uri!r} was killed; none of its renditions may be used")
    found = await rendition(ctx.db, uri, name)
    if found is None or not gate.rendition_visible(viewer, view, name):
        raise NotFound(f"no rendition {name!r} of {uri!r} that your plan covers")
    return state, found


def _file_response(
    ctx: Context, uri: str, found: StoredRendition, if_none_match: str | None, cache: str
) -> Response:
    etag = f'"{found.blob}"'
    headers = {"ETag": etag, "Cache-Control": cache}
    if if_none_match and etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    store = blob_store(ctx.settings)
    if not store.has(found.blob):
        raise NotFound(f"the file of rendition {found.name!r} is missing from this node's store")
    tail = uri.rsplit(":", 1)[-1].rsplit("/", 1)[-1][:60] or "item"
    extension = _EXTENSIONS.get(found.content_type, "bin")
    filename = quote(f"{tail}-{found.name}.{extension}")
    headers |= {
        "Content-Length": str(found.size),
        "Content-Disposition": f"inline; filename*=UTF-8''{filename}",
    }
    chunks: Iterator[bytes] = store.chunks(found.blob)
    return StreamingResponse(chunks, media_type=found.content_type, headers=headers)


async def _link_owner(
    ctx: Context, key: int, uri: str, name: str, expires: int, sig: str
) -> KeyOwner:
    check_link(_secret(ctx.settings), key, uri, name, expires, sig, time.time())
    owner = await key_owner_by_id(ctx.db, key)
    if owner is None:
        raise Unauthorized("the key this link was made for has been revoked")
    return owner


@router.get(
    "/v1/items/{uri:path}/renditions/{name}/link",
    response_model=SignedLink,
)
async def download_link(
    uri: str,
    name: str,
    request: Request,
    ctx: Ctx,
    owner: Subscriber,
    ttl: Annotated[int, Query(ge=60, le=7 * 86400, description="seconds until it expires")] = 3600,
) -> SignedLink:
    """A signed link to one rendition for clients that cannot send headers; it expires."""
    uri = checked_uri(uri)
    await _allowed(ctx, viewer_of(owner), uri, name)
    expires = int(time.time()) + ttl
    path = sign_link(_secret(ctx.settings), owner.key_id, uri, name, expires)
    return SignedLink(
        href=_base_url(ctx.settings, request) + path,
        expires=datetime.fromtimestamp(expires, UTC),
    )


@router.get(
    "/v1/items/{uri:path}/renditions/{name}",
    responses={
        200: {"content": {"image/jpeg": {}, "video/mp4": {}, "application/octet-stream": {}}}
    },
)
async def download(
    uri: str,
    name: str,
    ctx: Ctx,
    key: Annotated[int | None, Query(ge=1, le=2**63 - 1, description="signed link: key id")] = None,
    expires: Annotated[
        int | None, Query(ge=0, le=2**62, description="signed link: unix time")
    ] = None,
    sig: Annotated[str | None, Query(max_length=128, description="signed link: HMAC")] = None,
    authorization: Annotated[str | None, Header(max_length=1000)] = None,
    if_none_match: Annotated[str | None, Header(max_length=1000)] = None,
) -> Response:
    """One rendition's file, when the caller's plan covers the item and the rendition.

    Authenticate with a Bearer key, or with the `key`, `expires` and `sig` of a signed link.
    """
    uri = checked_uri(uri)
    if sig is not None or key is not None or expires is not None:
        if sig is None or key is None or expires is None:
            raise Unauthorized("a signed link needs key, expires and sig together")
        owner = await _link_owner(ctx, key, uri, name, expires, sig)
    else:
        owner = await authenticate(ctx.db, bearer_key(authorization))
    _, found = await _allowed(ctx, viewer_of(owner), uri, name)
    response = _file_response(ctx, uri, found, if_none_match, "private, no-cache")
    if owner.subscriber_id is not None and response.status_code == 200:
        await record_usage(ctx.db, owner.subscriber_id, "download")
    return response


@router.get(PUBLIC_PREVIEW + "{uri:path}", include_in_schema=False)
async def public_preview(
    uri: str,
    request: Request,
    ctx: Ctx,
    if_none_match: Annotated[str | None, Header(max_length=1000)] = None,
) -> Response:
    """The watermarked preview of a public, released, non-killed item; 410 after a kill."""
    uri = checked_uri(uri)
    _, viewer = await public_viewer(ctx, site_of(request.app))
    _, found = await _allowed(ctx, viewer, uri, "preview")
    return _file_response(ctx, uri, found, if_none_match, "public, no-cache")


async def public_picture(ctx: Context, viewer: Viewer, state: ItemState) -> str | None:
    """The public preview path of a public story's lead picture (or of a public picture
    itself), when the gate shows that picture to the public; else None."""
    item = state.item
    if item.type in ("picture", "graphic"):
        uri = item.uri
    else:
        uri = next(
            (a.uri for a in item.associations or [] if a.type in ("picture", "graphic")), None
        )
    if not uri:
        return None
    try:
        await _allowed(ctx, viewer, uri, "preview")
    except (NotFound, Gone):
        return None
    return public_preview_path(uri)
