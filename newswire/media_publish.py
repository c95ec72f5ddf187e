"""Publishing a media file: type sniffing, renditions on a worker thread, blobs, then one
publishing transaction. Used by the desk upload and by `newswire media add`.

Every check runs before the first blob is written; if publishing fails after that, the
blobs this upload added are removed again, so a refused file leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from newswire.enrich.pipeline import enriched
from newswire.errors import Invalid
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

__all__ = ["MediaFile", "MediaPublished", "publish_media"]

_SNIFF_BYTES = 512
# Renditions are CPU- and memory-heavy (a 24 MP picture decodes to ~70 MB, ffmpeg uses
# every core): at most two are made at once per process; more uploads wait their turn.
_RENDERING = threading.BoundedSemaphore(2)


@dataclass(frozen=True)
class MediaFile:
    """A media file on disk with its claimed name and type, the item, and products."""

    path: Path
    filename: str
    content_type: str
    item: Item
    products: list[str]


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
    upload: MediaFile, work: Path, agency: str, limits: MediaLimits
) -> tuple[Sniffed, list[RenditionFile], FileMetadata]:
    with upload.path.open("rb") as f:
        head = f.read(_SNIFF_BYTES)
    sniffed = check_claim(head, upload.filename, upload.content_type)
    with _RENDERING:
        if sniffed.family == "video":
            return (
                sniffed,
                video_renditions(upload.path, work, sniffed, limits, agency),
                FileMetadata(),
            )
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
    upload: MediaFile,
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
