"""An upload, from multipart body to published media item: size limit while reading,
type sniffing, renditions on a worker thread, blobs, then one publishing transaction.

Every check runs before the first blob is written; if publishing fails after that, the
blobs this upload added are removed again, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message, Receive

from newswire.enrich.pipeline import enriched
from newswire.errors import Invalid, TooLarge
from newswire.formats.ninjs_rules import check_item
from newswire.media.blobs import BlobStore
from newswire.media.links import rendition_path
from newswire.media.pictures import picture_renditions
from newswire.media.renditions import FileMetadata, MediaLimits, RenditionFile
from newswire.media.sniff import Sniffed, check_claim
from newswire.media.video import video_renditions
from newswire.model import Item, Rendition, Text
from newswire.store import items
from newswire.store.database import Database
from newswire.store.events import Conn
from newswire.store.media import StoredRendition, add_renditions

__all__ = ["MediaUpload", "publish_media", "read_upload"]

MAX_ITEM_FIELD = 1024 * 1024
_SNIFF_BYTES = 512


@dataclass(frozen=True)
class MediaUpload:
    """A parsed upload: the file on disk, its claimed name and type, the item, products."""

    path: Path
    filename: str
    content_type: str
    item: Item
    products: list[str]


def _limited(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge(f"file: the upload is larger than the limit of {limit:,} bytes")
        return message

    return wrapped


def _item(raw: Any) -> Item:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Item()
    if not isinstance(raw, str):
        raise Invalid("item: send the ninjs item as a text field holding JSON")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise Invalid(f"item: not valid JSON ({err})") from err
    if not isinstance(data, dict):
        raise Invalid("item: must be a JSON object (a ninjs item)")
    try:
        item = Item.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Invalid(f"item.{where}: {first['msg']}") from err
    check_item(item.to_ninjs(), "item.")
    return item


def _products(form: FormData) -> list[str]:
    slugs: list[str] = []
    for value in form.getlist("products"):
        if not isinstance(value, str):
            raise Invalid("products: send product slugs as text, comma-separated")
        text = value.strip()
        if text.startswith("["):
            try:
                listed = json.loads(text)
            except json.JSONDecodeError as err:
                raise Invalid(f"products: not valid JSON ({err})") from err
            if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed):
                raise Invalid("products: a JSON list of product slugs")
            slugs += listed
        else:
            slugs += [s.strip() for s in text.split(",") if s.strip()]
    if not slugs:
        raise Invalid("products: name at least one product (a 'products' field, comma-separated)")
    return slugs


async def read_upload(request: Request, work: Path, max_bytes: int) -> MediaUpload:
    """The multipart upload saved under `work`; `TooLarge` once it passes `max_bytes`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MAX_ITEM_FIELD:
        raise TooLarge(f"file: the upload is larger than the limit of {max_bytes:,} bytes")
    limited = Request(request.scope, _limited(request.receive, max_bytes + MAX_ITEM_FIELD))
    form = await limited.form(max_files=1, max_fields=20, max_part_size=MAX_ITEM_FIELD)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid("file: send the picture or video as a multipart file field named 'file'")
        if upload.size is not None and upload.size > max_bytes:
            raise TooLarge(f"file: the upload is larger than the limit of {max_bytes:,} bytes")
        item = _item(form.get("item"))
        products = _products(form)
        path = work / "upload"
        await asyncio.to_thread(_save, upload, path)
        return MediaUpload(path, upload.filename or "", upload.content_type or "", item, products)
    finally:
        await form.close()


def _save(upload: UploadFile, path: Path) -> None:
    upload.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1024 * 1024)
    if path.stat().st_size == 0:
        raise Invalid("file: the uploaded file is empty")


def _media_type(item: Item, sniffed: Sniffed) -> str:
    wanted = item.type
    if sniffed.family == "video":
        if wanted not in (None, "video"):
            raise Invalid(f"item.type: {wanted!r} does not fit the uploaded {sniffed.label} video")
        return "video"
    if wanted not in (None, "picture", "graphic"):
        raise Invalid(f"item.type: {wanted!r} does not fit the uploaded {sniffed.label} picture")
    return wanted or "picture"


def _make(
    upload: MediaUpload, work: Path, agency: str, limits: MediaLimits
) -> tuple[Sniffed, list[RenditionFile], FileMetadata]:
    with upload.path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    sniffed = check_claim(head, upload.filename, upload.content_type)
    if sniffed.family == "video":
        return sniffed, video_renditions(upload.path, work, sniffed, limits), FileMetadata()
    made, metadata = picture_renditions(upload.path, work, sniffed, agency, limits.max_pixels)
    return sniffed, made, metadata


def _with_metadata(item: Item, metadata: FileMetadata) -> Item:
    """The file's caption, byline and copyright where the editor left them empty."""
    update: dict[str, object] = {}
    if metadata.caption and not item.descriptions:
        update["descriptions"] = [Text(role="caption", value=metadata.caption)]
    if metadata.byline and not item.by:
        update["by"] = metadata.byline
    if metadata.copyright and not item.copyright_notice:
        update["copyright_notice"] = metadata.copyright
    return item.model_copy(update=update) if update else item


def _store_blobs(
    blobs: BlobStore, made: list[RenditionFile]
) -> tuple[list[StoredRendition], list[str]]:
    stored: list[StoredRendition] = []
    added: list[str] = []
    try:
        for r in made:
            digest, new = blobs.put(r.path)
            if new:
                added.append(digest)
            size = r.path.stat().st_size
            stored.append(
                StoredRendition(r.name, digest, r.content_type, size, r.width, r.height, r.duration)
            )
    except BaseException:
        for digest in added:
            blobs.delete(digest)
        raise
    return stored, added


@dataclass(frozen=True)
class MediaPublished:
    """The published media item and its rendition names."""

    uri: str
    version: int
    seq: int
    renditions: list[str]


async def publish_media(
    db: Database,
    blobs: BlobStore,
    upload: MediaUpload,
    *,
    work: Path,
    base_url: str,
    agency: str,
    uri_prefix: str,
    limits: MediaLimits,
) -> MediaPublished:
    """Make the renditions, store their blobs and publish the item with them."""
    sniffed, made, metadata = await asyncio.to_thread(_make, upload, work, agency, limits)
    item = _with_metadata(upload.item, metadata)
    uri = item.uri or f"{uri_prefix}{uuid.uuid4()}"
    stored_sizes = {r.name: r.path.stat().st_size for r in made}
    renditions = [
        Rendition(
            name=r.name,
            href=base_url + rendition_path(uri, r.name),
            content_type=r.content_type,
            width=r.width,
            height=r.height,
            size_in_bytes=stored_sizes[r.name],
            duration=r.duration,
        )
        for r in made
    ]
    item = item.model_copy(
        update={"uri": uri, "type": _media_type(item, sniffed), "renditions": renditions}
    )
    items.check_version(item, sorted(set(upload.products)))
    item = await enriched(item)
    stored, added = await asyncio.to_thread(_store_blobs, blobs, made)

    async def record(conn: Conn) -> None:
        await add_renditions(conn, uri, stored)

    try:
        done = await items.publish_item(
            db, item, upload.products, uri_prefix=uri_prefix, also=record
        )
    except BaseException:
        await asyncio.to_thread(_forget, blobs, added)
        raise
    return MediaPublished(done.uri, done.version, done.seq, [r.name for r in made])


def _forget(blobs: BlobStore, added: list[str]) -> None:
    for digest in added:
        blobs.delete(digest)
