"""What making renditions produces: one file per rendition with its measurements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["FileMetadata", "MediaLimits", "RenditionFile"]


@dataclass(frozen=True)
class RenditionFile:
    """A rendition made on disk, before it goes into the blob store."""

    name: str
    path: Path
    content_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None


@dataclass(frozen=True)
class FileMetadata:
    """Caption, byline and copyright found in a file's IPTC or EXIF metadata."""

    caption: str = ""
    byline: str = ""
    copyright: str = ""


@dataclass(frozen=True)
class MediaLimits:
    """Limits on what an upload may demand of the server."""

    max_bytes: int = 500 * 1024 * 1024
    max_pixels: int = 100_000_000
    video_seconds: float = 600.0  # the longest an ffmpeg run may take
