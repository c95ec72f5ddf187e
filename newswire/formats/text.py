"""Plain text stories: the first non-empty line is the headline, the rest the body."""

from __future__ import annotations

import re

from newswire.errors import Invalid
from newswire.formats.common import Parsed, build_item
from newswire.formats.markup import body_html, plain_text, text_to_html
from newswire.model import Item

__all__ = ["parse_text", "render_text"]

# Control characters other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def parse_text(data: bytes) -> list[Parsed]:
    """One item from UTF-8 plain text; binary data is refused."""
    text = _decode(data)
    if _CONTROL.search(text):
        raise Invalid("file: holds control characters; not a plain text story")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise Invalid("file: empty; a plain text story needs a headline on its first line")
    headline = " ".join(lines[0].split())
    data_: dict[str, object] = {"headlines": [{"role": "main", "value": headline}]}
    body = text_to_html("\n".join(lines[1:]))
    if body:
        data_["bodies"] = [{"role": "main", "contentType": "text/html", "value": body}]
    return [Parsed(build_item(data_, "text"))]


def _decode(data: bytes) -> str:
    """UTF-8 text; text that is not UTF-8 is read as windows-1252 (a superset of Latin-1 in
    its printable range), which agencies' older systems still write without saying so."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise Invalid(
            "file: neither UTF-8 nor Latin-1 text, nor JSON or XML in a known format"
        ) from None


def render_text(item: Item) -> bytes:
    """The item as plain text: headline, a blank line, then the body's paragraphs."""
    parts = [item.headline(), plain_text(body_html(item))]
    return ("\n\n".join(p for p in parts if p) + "\n").encode("utf-8")
