"""Telling the formats apart: from the bytes first, then from a content type or file name."""

from __future__ import annotations

from typing import Literal

__all__ = ["Kind", "declared", "sniff"]

Kind = Literal["json", "xml", "text"]

_BY_TYPE: dict[str, Kind] = {"json": "json", "xml": "xml", "text/plain": "text"}
_BY_EXTENSION: dict[str, Kind] = {
    "json": "json",
    "ninjs": "json",
    "xml": "xml",
    "nitf": "xml",
    "g2": "xml",
    "txt": "text",
    "text": "text",
}


def sniff(data: bytes, content_type: str | None = None, filename: str | None = None) -> Kind:
    """Which reader a document needs: JSON, XML or plain text."""
    start = _first_byte(data)
    if start in (b"{", b"["):
        return "json"
    if start == b"<":
        return "xml"
    return declared(content_type, filename) or "text"


def declared(content_type: str | None, filename: str | None) -> Kind | None:
    """The kind a content type or file name says, if either says one."""
    media = (content_type or "").split(";")[0].strip().lower()
    for marker, kind in _BY_TYPE.items():
        if marker in media:
            return kind
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    return _BY_EXTENSION.get(extension)


def _first_byte(data: bytes) -> bytes:
    """The first character that is not a byte order mark or white space, as ASCII."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = data[:64].decode("utf-16", errors="ignore").lstrip()
        return head[:1].encode("ascii", errors="ignore")
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
