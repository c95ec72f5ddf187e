"""Reading a media upload: the multipart body with a size limit while reading, the
item JSON and the products; publishing is `newswire.media_publish`."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.types import Message, Receive

from newswire.errors import Invalid, TooLarge
from newswire.formats.ninjs_rules import check_item
from newswire.media_publish import MediaFile
from newswire.model import Item

__all__ = ["read_upload"]

MAX_ITEM_FIELD = 1024 * 1024


def _limited(receive: Receive, max_bytes: int) -> Receive:
    """`receive`, counting body bytes: `TooLarge` once they pass the limit (plus room
    for the item and products fields)."""
    limit = max_bytes + MAX_ITEM_FIELD
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise TooLarge(f"file: the upload is larger than the limit of {max_bytes:,} bytes")
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


async def read_upload(request: Request, work: Path, max_bytes: int) -> MediaFile:
    """The multipart upload saved under `work`; `TooLarge` once it passes `max_bytes`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MAX_ITEM_FIELD:
        raise TooLarge(f"file: the upload is larger than the limit of {max_bytes:,} bytes")
    limited = Request(request.scope, _limited(request.receive, max_bytes))
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
        return MediaFile(path, upload.filename or "", upload.content_type or "", item, products)
    finally:
        await form.close()


def _save(upload: UploadFile, path: Path) -> None:
    upload.file.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1024 * 1024)
    if path.stat().st_size == 0:
        raise Invalid("file: the uploaded file is empty")
