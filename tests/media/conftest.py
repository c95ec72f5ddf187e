"""Fixtures for the media tests: newswire with small upload limits, pictures drawn with
Pillow and videos made by ffmpeg's test sources, in the test itself."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw

from newswire.media.blobs import FileBlobStore
from tests.conftest import LiveServer, Wire, new_key

MAX_BYTES = 3_000_000
AGENCY = "Media Test Agency"


@pytest.fixture
def media(db_url: str, tmp_path: Path) -> Iterator[Wire]:
    """newswire with a 3 MB upload limit, served over loopback HTTP."""
    server = LiveServer(db_url, tmp_path, media_max_bytes=str(MAX_BYTES), agency_name=AGENCY)
    w = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), server)
    try:
        yield w
    finally:
        w.close()
        server.stop()


def blobs_of(wire: Wire) -> FileBlobStore:
    """The running server's blob store."""
    assert wire.server is not None
    return FileBlobStore(wire.server.data_dir / "blobs")


def picture(
    width: int = 2000, height: int = 1500, *, exif: dict[int, str] | None = None, fmt: str = "JPEG"
) -> bytes:
    """A drawn picture (gradient, shapes, text) with optional EXIF tags."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 8):
        draw.line((x, 0, x, height), fill=(x * 255 // width, 90, 200 - x * 150 // width), width=8)
    draw.ellipse((width // 4, height // 4, width * 3 // 4, height * 3 // 4), fill=(240, 200, 40))
    draw.rectangle((width // 50, height // 50, width // 3, height // 5), fill=(20, 120, 60))
    out = io.BytesIO()
    extra: dict[str, Any] = {}
    if exif:
        tags = Image.Exif()
        for tag, value in exif.items():
            tags[tag] = value.encode()  # UTF-8, as cameras and photo editors write it
        extra["exif"] = tags
    image.save(out, fmt, **extra)
    return out.getvalue()


def upload(
    wire: Wire,
    data: bytes,
    filename: str,
    products: str = "world",
    item: dict[str, Any] | None = None,
    content_type: str = "application/octet-stream",
) -> httpx.Response:
    """POST /v1/desk/media as the editor."""
    fields: dict[str, str] = {"products": products}
    if item is not None:
        fields["item"] = json.dumps(item)
    return wire.editor.post(
        "/v1/desk/media", data=fields, files={"file": (filename, data, content_type)}
    )


def make_video(path: Path, seconds: float, size: str = "640x360", rate: int = 25) -> Path:
    """A video from ffmpeg's testsrc2 with a sine tone (skips when ffmpeg is absent)."""
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        pytest.skip("ffmpeg is not installed (make test installs it with apt-get when root)")
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate={rate}:duration={seconds}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            str(path),
        ],
        check=True,
        timeout=120,
    )
    return path


def with_iptc(jpeg: bytes, datasets: dict[int, str]) -> bytes:
    """The JPEG with an APP13 Photoshop segment holding IPTC record-2 datasets."""
    iptc = b"".join(
        b"\x1c\x02" + bytes([number]) + len(value.encode()).to_bytes(2, "big") + value.encode()
        for number, value in datasets.items()
    )
    if len(iptc) % 2:
        iptc += b"\x00"
    resource = b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg[:2] + segment + jpeg[2:]
