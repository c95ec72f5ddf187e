"""The industry's formats in and out: ninjs 3 and 2, NewsML-G2 2.35, NITF 3.6, plain text.

`render` writes one item, already in the viewer's view, in a named format;
`parse` reads a file in any supported format into items, or raises Invalid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newswire.errors import Invalid
from newswire.formats.common import Parsed
from newswire.formats.newsml_g2 import G2_MEDIA_TYPE, NAR_NS, render_newsml_g2
from newswire.formats.newsml_g2_reader import parse_newsml_g2
from newswire.formats.ninjs import parse_json, render_ninjs3
from newswire.formats.ninjs2 import render_ninjs2
from newswire.formats.nitf import NITF_NS, parse_nitf, render_nitf
from newswire.formats.sniff import declared, sniff
from newswire.formats.text import parse_text
from newswire.formats.xmlsafe import local_name, namespace, read_xml
from newswire.model import Item

__all__ = ["FORMAT_NAMES", "Parsed", "file_extension", "media_type", "parse", "render"]

FORMAT_NAMES = ("ninjs3", "ninjs2", "newsmlg2", "nitf")
_MEDIA_TYPES = {
    "ninjs3": "application/json",
    "ninjs2": "application/json",
    "newsmlg2": G2_MEDIA_TYPE,
    "nitf": "application/xml",
}
_EXTENSIONS = {"ninjs3": "json", "ninjs2": "json", "newsmlg2": "xml", "nitf": "xml"}
_SIGNALS = (None, "update", "correction", "kill")
_G2_PARTS = {"itemMeta", "contentMeta", "contentSet", "inlineXML", "remoteContent", "itemSet"}
_G2_PARTS |= {"groupSet", "group", "itemRef", "rightsInfo", "header", "partMeta"}


def _known(fmt: str) -> str:
    if fmt not in _MEDIA_TYPES:
        raise Invalid(f"format: {fmt[:40]!r} is not one of {', '.join(FORMAT_NAMES)}")
    return fmt


def media_type(fmt: str) -> str:
    """The media type to send a rendering in the named format with."""
    return _MEDIA_TYPES[_known(fmt)]


def file_extension(fmt: str) -> str:
    """The file name extension (without the dot) for the named format."""
    return _EXTENSIONS[_known(fmt)]


def render(
    fmt: str,
    item: Item,
    *,
    signal: str | None = None,
    products: Sequence[str] = (),
    provider: str = "Newswire Agency",
) -> bytes:
    """The item, exactly as given (full, summary or kill notice), in the named format."""
    _known(fmt)
    if signal not in _SIGNALS:
        raise Invalid(f"signal: {signal!r} is not update, correction or kill")
    if fmt == "ninjs3":
        return render_ninjs3(item)
    if fmt == "ninjs2":
        return render_ninjs2(item)
    if fmt == "newsmlg2":
        return render_newsml_g2(item, signal=signal, products=products, provider=provider)
    return render_nitf(item, signal=signal)


def parse(
    data: bytes, *, content_type: str | None = None, filename: str | None = None
) -> list[Parsed]:
    """Every item in a file of any supported format; Invalid names what is wrong."""
    kind = sniff(data, content_type, filename)
    try:
        return _parse_as(kind, data, content_type)
    except Invalid:
        if kind == "text" or declared(content_type, filename) != "text":
            raise
    # Declared text that only looks like JSON or XML: "[CORRECTED] Storm ...", "<FLASH> ...".
    return _parse_as("text", data, content_type)


def _parse_as(kind: str, data: bytes, content_type: str | None) -> list[Parsed]:
    try:
        if kind == "json":
            return parse_json(data)
        if kind == "text":
            return parse_text(_as_utf8(data, content_type))
        return _parse_xml(data)
    except RecursionError:
        raise Invalid("file: nested too deeply") from None


def _as_utf8(data: bytes, content_type: str | None) -> bytes:
    """Plain text in the charset its content type declares (ISO-8859-1, windows-1252...),
    as UTF-8; undeclared text must be UTF-8."""
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", content_type or "", re.IGNORECASE)
    if match is None or match.group(1).lower().replace("_", "-") in ("utf-8", "utf8"):
        return data
    try:
        return data.decode(match.group(1)).encode("utf-8")
    except LookupError:
        raise Invalid(f"charset: {match.group(1)[:40]!r} is not a known character set") from None
    except UnicodeDecodeError:
        raise Invalid(f"file: not valid {match.group(1)[:40]} text, as its charset says") from None


def _parse_xml(data: bytes) -> list[Parsed]:
    root = read_xml(data)
    name, ns = local_name(root), namespace(root)
    if name in ("newsItem", "packageItem", "newsMessage") and ns in (NAR_NS, ""):
        return parse_newsml_g2(root)
    if name == "nitf" and ns in (NITF_NS, ""):
        return parse_nitf(root)
    if ns == NAR_NS or name in _G2_PARTS:
        raise Invalid(
            f"file: <{name}> is a NewsML-G2 fragment; expected newsItem, packageItem or newsMessage"
        )
    raise Invalid(f"file: XML root <{name}> is neither NewsML-G2 nor NITF")
