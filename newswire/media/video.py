"""Video renditions with the system's ffmpeg, each run a subprocess with a time limit:
a poster frame (and a thumbnail of it), a web MP4 and a low-bitrate, watermarked preview."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from newswire.errors import Invalid, Unavailable
from newswire.media.pictures import THUMBNAIL_SIZE, check_pixels, watermark_overlay
from newswire.media.renditions import MediaLimits, RenditionFile
from newswire.media.sniff import Sniffed

__all__ = ["VIDEO_RENDITIONS", "VideoInfo", "ffmpeg_available", "probe", "video_renditions"]

VIDEO_RENDITIONS = ("original", "poster", "thumbnail", "web", "preview")
WEB_WIDTH = 1280
PREVIEW_WIDTH = 640


@dataclass(frozen=True)
class VideoInfo:
    """What ffprobe says about a video."""

    width: int
    height: int
    duration: float
    audio: bool


def ffmpeg_available() -> bool:
    """Whether ffmpeg and ffprobe are on the PATH."""
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def _run(args: list[str], seconds: float, what: str) -> bytes:
    if not ffmpeg_available():
        raise Unavailable("video renditions need ffmpeg, which is not installed on this server")
    try:
        done = subprocess.run(args, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired as err:
        raise Invalid(f"file: {what} took longer than the limit of {seconds:g} s") from err
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        reason = lines[-1] if lines else f"exit status {done.returncode}"
        raise Invalid(f"file: ffmpeg could not read the video ({reason})")
    return done.stdout


def probe(path: Path, seconds: float) -> VideoInfo:
    """Size, duration and audio presence of a video; `Invalid` when it has no video stream."""
    out = _run(
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
        seconds,
        "reading the video",
    )
    data: dict[str, Any] = json.loads(out or b"{}")
    streams = data.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise Invalid("file: the file holds no video stream")
    duration = float(data.get("format", {}).get("duration") or video.get("duration") or 0)
    return VideoInfo(
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        duration=duration,
        audio=any(s.get("codec_type") == "audio" for s in streams),
    )


def _encode(
    source: Path, target: Path, width: int, quality: list[str], audio: str, seconds: float
) -> None:
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            str(source),
            "-vf",
            f"scale='min({width},iw)':-2",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            *quality,
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            audio,
            "-movflags",
            "+faststart",
            str(target),
        ],
        seconds,
        f"making the {target.stem} rendition",
    )


def _measured(name: str, path: Path, limits: MediaLimits) -> RenditionFile:
    info = probe(path, limits.video_seconds)
    return RenditionFile(name, path, "video/mp4", info.width, info.height, info.duration)


def video_renditions(
    source: Path, work: Path, sniffed: Sniffed, limits: MediaLimits, agency: str
) -> list[RenditionFile]:
    """Every video rendition of `source`, written under `work`."""
    info = probe(source, limits.video_seconds)
    check_pixels((info.width, info.height), limits.max_pixels)
    out = [
        RenditionFile(
            "original", source, sniffed.content_type, info.width, info.height, info.duration
        )
    ]
    poster = work / "poster.jpg"
    at = min(1.0, info.duration / 2)
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-ss",
            f"{at:.3f}",
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-q:v",
            "3",
            str(poster),
        ],
        limits.video_seconds,
        "making the poster frame",
    )
    with Image.open(poster) as frame:
        out.append(RenditionFile("poster", poster, "image/jpeg", *frame.size))
        small = frame.convert("RGB")
        small.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    thumbnail = work / "thumbnail.jpg"
    small.save(thumbnail, "JPEG", quality=80)
    out.append(RenditionFile("thumbnail", thumbnail, "image/jpeg", *small.size))
    web = work / "web.mp4"
    _encode(source, web, WEB_WIDTH, ["-crf", "23"], "128k", limits.video_seconds)
    out.append(_measured("web", web, limits))
    out.append(_preview(source, work, info, agency, limits))
    return out


def _preview(
    source: Path, work: Path, info: VideoInfo, agency: str, limits: MediaLimits
) -> RenditionFile:
    """At most 640 px wide, 400 kbit/s, with the agency's watermark over every frame."""
    width = min(PREVIEW_WIDTH, info.width) // 2 * 2
    height = max(2, round(info.height * width / max(1, info.width) / 2) * 2)
    mark = work / "watermark.png"
    watermark_overlay((width, height), agency).save(mark)
    preview = work / "preview.mp4"
    _run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-i", str(mark),
         "-filter_complex", f"[0:v]scale={width}:{height},setsar=1[v];[v][1:v]overlay=0:0",
         "-c:v", "libx264", "-preset", "veryfast", "-b:v", "400k", "-maxrate", "500k",
         "-bufsize", "1000k", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
         "-movflags", "+faststart", str(preview)],
        limits.video_seconds,
        "making the preview rendition",
    )  # fmt: skip
    return _measured("preview", preview, limits)
