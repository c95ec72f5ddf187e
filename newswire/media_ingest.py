"""Media from local files (`newswire media add`): a picture or video file itself, or a
ninjs / NewsML-G2 document whose picture, video or graphic names its file by a local
reference: a path relative to the document, or a `file:` URL, inside the document's
folder. Each file goes through the same checks and renditions as a desk upload.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newswire import formats
from newswire.errors import Invalid
from newswire.media.blobs import BlobStore
from newswire.media.renditions import MediaLimits
from newswire.media.sniff import check_claim, claims_media, sniff
from newswire.media_publish import MediaFile, MediaPublished, publish_media
from newswire.model import Item
from newswire.store.database import Database

__all__ = ["MEDIA_TYPES", "ingest_media_path", "local_reference"]

MEDIA_TYPES = ("picture", "video", "graphic")


def local_reference(folder: Path, item: Item) -> tuple[Path, str]:
    """The file a media item refers to inside `folder`, and its declared content type."""
    local = []
    for rendition in item.renditions or []:
        href = (rendition.href or "").strip()
        parts = urlsplit(href)
        if href and parts.scheme in ("", "file") and not parts.netloc:
            local.append((rendition, unquote(parts.path)))
    if not local:
        raise Invalid("renditions: no rendition names a local file (a relative path or file: URL)")
    rendition, ref = next(((r, p) for r, p in local if r.name == "original"), local[0])
    base = folder.resolve()
    target = (base / ref).resolve()
    if not target.is_relative_to(base):
        raise Invalid(f"renditions: {ref!r} lies outside the document's folder")
    if not target.is_file():
        raise Invalid(f"renditions: no file {ref!r} beside the document")
    return target, rendition.content_type or ""


async def ingest_media_path(
    db: Database,
    blobs: BlobStore,
    path: Path,
    *,
    products: list[str],
    item: Item | None,
    base_url: str,
    agency: str,
    uri_prefix: str,
    limits: MediaLimits,
    work_root: Path,
) -> list[MediaPublished]:
    """Publish the media file, or each media item of the document, at `path`."""
    with path.open("rb") as f:
        head = f.read(512)
    if sniff(head) is not None or claims_media(path.name):
        check_claim(head, path.name, "")  # a text file named .jpg fails here, saying so
        files = [MediaFile(path, path.name, "", item or Item(), products)]
    else:
        if item is not None:
            raise Invalid("--item goes with a picture or video file, not with a document")
        files = _referenced(path, products)
    done = []
    for media in files:
        work = work_root / uuid.uuid4().hex
        work.mkdir(parents=True)
        try:
            done.append(
                await publish_media(
                    db,
                    blobs,
                    media,
                    work=work,
                    base_url=base_url,
                    agency=agency,
                    uri_prefix=uri_prefix,
                    limits=limits,
                )
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return done


def _referenced(path: Path, products: list[str]) -> list[MediaFile]:
    """Every media item of a document with its file, all checked before any is published."""
    parsed = formats.parse(path.read_bytes(), filename=path.name)
    files = []
    for n, entry in enumerate(parsed):
        where = f"item {n + 1}" + (f" ({entry.item.uri})" if entry.item.uri else "")
        if entry.item.type not in MEDIA_TYPES:
            raise Invalid(f"{where}: not a picture, video or graphic; use `newswire ingest`")
        try:
            target, declared = local_reference(path.parent, entry.item)
        except Invalid as err:
            raise Invalid(f"{where}: {err}") from err
        chosen = products or sorted(set(entry.products))
        if not chosen:
            raise Invalid(f"{where}: products: the document names no product; give --products")
        item = entry.item.model_copy(update={"renditions": None})
        files.append(MediaFile(target, target.name, declared, item, chosen))
    return files
