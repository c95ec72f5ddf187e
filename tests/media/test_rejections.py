"""Uploads that must be refused with a 4xx and leave nothing behind: a fake JPEG, a
decompression bomb, an oversized file, a mismatched type, an unknown product."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import Wire
from tests.media.conftest import MAX_BYTES, blobs_of, picture, upload


def bomb_png(width: int, height: int) -> bytes:
    """A real PNG of `width` x `height` black 1-bit pixels: tiny file, huge image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    pixels = zlib.compressobj(9)
    compressed = b"".join(pixels.compress(row) for _ in range(height)) + pixels.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )


def _nothing_stored(wire: Wire) -> None:
    assert blobs_of(wire).digests() == []
    feed = wire.editor.get("/v1/feed").json()
    assert feed["entries"] == []
    assert wire.server is not None
    work = wire.server.data_dir / "media-work"
    assert not work.exists() or not any(work.iterdir())


def _refused(r: httpx.Response, status: int, *words: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    detail = r.json()["detail"]
    for word in words:
        assert word in detail, detail


@pytest.fixture
def wire(media: Wire) -> Wire:
    media.product("world")
    return media


def test_text_named_jpg_is_refused(wire: Wire) -> None:
    r = upload(wire, b"Just some words, not a picture at all.\n" * 20, "photo.jpg")
    _refused(r, 422, "photo.jpg", "text", "not a JPEG")
    r = upload(wire, b"more text", "photo.jpg", content_type="image/jpeg")
    _refused(r, 422, "text")
    _nothing_stored(wire)


def test_png_named_jpg_and_picture_declared_as_video_are_refused(wire: Wire) -> None:
    png = picture(64, 48, fmt="PNG")
    _refused(upload(wire, png, "photo.jpg"), 422, "named as a JPEG but is a PNG")
    _refused(upload(wire, png, "clip.mp4"), 422, "MP4", "PNG")
    _refused(upload(wire, png, "x.png", content_type="video/mp4"), 422, "video/mp4")
    bad_type = upload(wire, png, "x.png", item={"type": "video", "headlines": [{"value": "X"}]})
    _refused(bad_type, 422, "item.type")
    _nothing_stored(wire)


@pytest.mark.parametrize("side", [12_000, 30_000])
def test_decompression_bomb_png_is_refused_before_decoding(wire: Wire, side: int) -> None:
    bomb = bomb_png(side, side)
    assert len(bomb) < MAX_BYTES  # small on the wire, billions of bytes once decoded
    r = upload(wire, bomb, "bomb.png", item={"headlines": [{"value": "Bomb"}]})
    _refused(r, 422, "pixels")
    _nothing_stored(wire)


def test_oversized_upload_is_refused_with_413(wire: Wire) -> None:
    big = b"\xff\xd8\xff\xe0" + os.urandom(MAX_BYTES + 100_000)
    _refused(upload(wire, big, "big.jpg"), 413, "larger than the limit")
    _nothing_stored(wire)


def test_oversized_chunked_upload_without_length_is_cut_off(wire: Wire) -> None:
    boundary = "nwboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="products"\r\n\r\nworld\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()

    def body() -> Iterator[bytes]:
        yield head + b"\xff\xd8\xff\xe0"
        for _ in range(MAX_BYTES // 65_536 + 10):
            yield os.urandom(65_536)
        yield f"\r\n--{boundary}--\r\n".encode()

    r = wire.editor.post(
        "/v1/desk/media",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    _refused(r, 413, "larger than the limit")
    _nothing_stored(wire)


def test_failed_publish_removes_the_blobs_it_added(wire: Wire) -> None:
    r = upload(
        wire,
        picture(300, 200),
        "p.jpg",
        products="no-such-product",
        item={"headlines": [{"value": "Lost"}]},
    )
    _refused(r, 422, "no-such-product")
    _nothing_stored(wire)


def test_a_conflicting_uri_keeps_the_first_items_blobs(wire: Wire) -> None:
    item = {"uri": "urn:test:pic-1", "headlines": [{"value": "First"}]}
    data = picture(300, 200)
    assert upload(wire, data, "p.jpg", item=item).status_code == 201
    stored = blobs_of(wire).digests()
    assert len(stored) == 5
    _refused(upload(wire, data, "p.jpg", item=item), 409, "exists already")
    assert blobs_of(wire).digests() == stored
    assert wire.editor.get("/v1/items/urn:test:pic-1/renditions/web").status_code == 200


def test_missing_parts_are_named(wire: Wire) -> None:
    r = wire.editor.post("/v1/desk/media", data={"products": "world"})
    _refused(r, 422, "'file'")
    r = wire.editor.post("/v1/desk/media", files={"file": ("p.jpg", picture(50, 40))})
    _refused(r, 422, "products")
    r = upload(wire, picture(50, 40), "p.jpg", item={"headlines": "not a list"})
    _refused(r, 422, "item.headlines")
    r = upload(wire, b"", "p.jpg")
    _refused(r, 422, "file")
    r = upload(wire, picture(50, 40), "p.jpg")  # no headline and no caption in the file
    _refused(r, 422, "caption")
    r = wire.client().post("/v1/desk/media", files={"file": ("p.jpg", picture(50, 40))})
    assert r.status_code == 401
    _nothing_stored(wire)
