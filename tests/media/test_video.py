"""Video: renditions made by ffmpeg (poster, thumbnail, web MP4, low-bitrate preview),
with their measurements in ninjs and NewsML-G2, and entitled downloads. Skipped when
ffmpeg is not installed."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

from lxml import etree
from PIL import Image, ImageStat

from tests.conftest import Wire
from tests.media.conftest import blobs_of, make_video, upload

NAMES = ["original", "poster", "thumbnail", "web", "preview"]
G2 = "{http://iptc.org/std/nar/2006-10-01/}"


def _probe(data: bytes, tmp: Path) -> dict[str, object]:
    path = tmp / "probe.mp4"
    path.write_bytes(data)
    out = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    result: dict[str, object] = json.loads(out)
    return result


def _frame(data: bytes, tmp: Path, name: str) -> Image.Image:
    """The frame at 1.5 s of an MP4, as a grey-scale picture."""
    path = tmp / f"{name}.mp4"
    path.write_bytes(data)
    png = tmp / f"{name}.png"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", "1.5", "-i", str(path),
         "-frames:v", "1", str(png)],
        check=True, timeout=60,
    )  # fmt: skip
    with Image.open(png) as frame:
        return frame.convert("L")


def _mean(image: Image.Image) -> float:
    return float(ImageStat.Stat(image).mean[0])


def test_video_renditions_and_downloads(media: Wire, tmp_path: Path) -> None:
    clip = make_video(tmp_path / "clip.mp4", 3, size="960x540")
    media.product("world")
    media.plan("full", ["world"])
    media.plan("pictures-only", ["world"], types=["text", "picture"])
    full = media.subscriber("Full TV", "full")
    no_video = media.subscriber("Print Only", "pictures-only")
    item = {"headlines": [{"value": "Test pattern"}], "language": "en"}
    r = upload(media, clip.read_bytes(), "clip.mp4", item=item, content_type="video/mp4")
    assert r.status_code == 201, r.text
    uri = r.json()["uri"]
    assert r.json()["renditions"] == NAMES

    got = full.get(f"/v1/items/{quote(uri, safe='')}").json()
    assert got["type"] == "video"
    renditions = {x["name"]: x for x in got["renditions"]}
    assert (renditions["original"]["width"], renditions["original"]["height"]) == (960, 540)
    assert renditions["web"]["contentType"] == renditions["preview"]["contentType"] == "video/mp4"
    assert (renditions["preview"]["width"], renditions["preview"]["height"]) == (640, 360)
    for name in ("original", "web", "preview"):
        assert abs(renditions[name]["duration"] - 3) < 0.3, name
    for name in NAMES:
        path = urlsplit(renditions[name]["href"]).path
        data = full.get(path)
        assert data.status_code == 200, name
        assert len(data.content) == renditions[name]["sizeInBytes"]
        if renditions[name]["contentType"] == "video/mp4":
            assert data.content[4:8] == b"ftyp"
            streams = _probe(data.content, tmp_path)["streams"]
            assert isinstance(streams, list)
            assert {s["codec_type"] for s in streams} == {"video", "audio"}
        else:
            assert Image.open(io.BytesIO(data.content)).size == (
                renditions[name]["width"],
                renditions[name]["height"],
            )
        assert no_video.get(path).status_code == 404
    # The low-bitrate preview is much smaller than the web rendition, and watermarked:
    # its bottom band is darker than the same frame of the web rendition.
    assert renditions["preview"]["sizeInBytes"] < renditions["web"]["sizeInBytes"]
    frames = {
        name: _frame(full.get(urlsplit(renditions[name]["href"]).path).content, tmp_path, name)
        for name in ("web", "preview")
    }
    web_frame = frames["web"].resize(frames["preview"].size)
    band = (0, 340, 640, 360)
    darkening = _mean(web_frame.crop(band)) - _mean(frames["preview"].crop(band))
    assert darkening > 25, darkening

    g2 = full.get(f"/v1/items/{quote(uri, safe='')}", params={"format": "newsmlg2"})
    root = etree.fromstring(g2.content)
    assert root.find(f".//{G2}itemClass").get("qcode") == "ninat:video"
    web = next(e for e in root.iter(f"{G2}remoteContent") if e.get("rendition") == "rnd:web")
    assert web.get("contenttype") == "video/mp4"
    assert abs(float(web.get("duration")) - 3) < 0.3
    assert web.get("width") == "960"


def test_a_broken_video_is_refused(media: Wire, tmp_path: Path) -> None:
    make_video(tmp_path / "probe.mp4", 1)  # skips without ffmpeg
    media.product("world")
    fake = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2000
    r = upload(media, fake, "clip.mp4", item={"headlines": [{"value": "Broken"}]})
    assert r.status_code == 422, r.text
    assert "ffmpeg could not read the video" in r.json()["detail"]
    assert blobs_of(media).digests() == []
