"""What an uploaded file really is, told from its first bytes, and whether that matches
the name and type it arrived with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from newswire.errors import Invalid

__all__ = ["Sniffed", "check_claim", "claims_media", "sniff"]


@dataclass(frozen=True)
class Sniffed:
    """A recognised file kind: its media type, its family (picture or video) and a label."""

    content_type: str
    family: str  # "picture" or "video"
    label: str


_JPEG = Sniffed("image/jpeg", "picture", "JPEG")
_PNG = Sniffed("image/png", "picture", "PNG")
_GIF = Sniffed("image/gif", "picture", "GIF")
_WEBP = Sniffed("image/webp", "picture", "WebP")
_TIFF = Sniffed("image/tiff", "picture", "TIFF")
_MP4 = Sniffed("video/mp4", "video", "MP4")
_MOV = Sniffed("video/quicktime", "video", "QuickTime")
_WEBM = Sniffed("video/webm", "video", "WebM/Matroska")
_AVI = Sniffed("video/x-msvideo", "video", "AVI")
_MPEG_TS = Sniffed("video/mp2t", "video", "MPEG transport stream")

# File name extensions and the kinds they claim.
_EXTENSIONS: dict[str, Sniffed] = {
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".jpe": _JPEG,
    ".png": _PNG,
    ".gif": _GIF,
    ".webp": _WEBP,
    ".tif": _TIFF,
    ".tiff": _TIFF,
    ".mp4": _MP4,
    ".m4v": _MP4,
    ".mov": _MOV,
    ".webm": _WEBM,
    ".mkv": _WEBM,
    ".avi": _AVI,
    ".ts": _MPEG_TS,
}
# Media types that say nothing about the content.
_VAGUE = {"", "application/octet-stream", "binary/octet-stream"}


def sniff(head: bytes) -> Sniffed | None:
    """The file's kind from its first bytes (at least 16), or None when unknown."""
    if head.startswith(b"\xff\xd8\xff"):
        return _JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return _GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return _AVI
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return _TIFF
    if head[4:8] == b"ftyp":
        return _MOV if head[8:12] == b"qt  " else _MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _WEBM
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return _MPEG_TS
    return None


def claims_media(filename: str) -> bool:
    """Whether a file name's extension claims a picture or video."""
    return PurePath(filename).suffix.lower() in _EXTENSIONS


def _describe(head: bytes) -> str:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "binary data of an unknown kind"
    return "text"


def check_claim(head: bytes, filename: str, content_type: str) -> Sniffed:
    """The sniffed kind, or `Invalid` when it is unknown or not what name and type claim."""
    found = sniff(head)
    claimed = _EXTENSIONS.get(PurePath(filename).suffix.lower())
    accepted = "JPEG, PNG, GIF, WebP, TIFF, MP4, QuickTime, WebM, AVI or MPEG-TS"
    if found is None:
        what = f"named {filename!r}" if filename else "uploaded"
        raise Invalid(f"file: the file {what} is {_describe(head)}, not a {accepted} file")
    if claimed is not None and claimed.family != found.family:
        raise Invalid(f"file: {filename!r} is named as a {claimed.label} but is a {found.label}")
    if claimed is not None and claimed.family == "picture" and claimed.label != found.label:
        raise Invalid(f"file: {filename!r} is named as a {claimed.label} but is a {found.label}")
    declared = content_type.split(";", 1)[0].strip().lower()
    if declared not in _VAGUE and declared.split("/", 1)[0] not in ("image", "video"):
        raise Invalid(f"file: declared as {declared!r} but is a {found.label}")
    if declared.startswith("image/") and found.family == "video":
        raise Invalid(f"file: declared as {declared!r} but is a {found.label} video")
    if declared.startswith("video/") and found.family == "picture":
        raise Invalid(f"file: declared as {declared!r} but is a {found.label} picture")
    return found
