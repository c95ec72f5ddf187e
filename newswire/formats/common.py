"""What every format module shares: the parse result, item validation, text and dates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from pydantic import ValidationError

from newswire.errors import Invalid
from newswire.model import Item

__all__ = [
    "MEDIATOPIC",
    "Parsed",
    "as_uri",
    "build_item",
    "collapse",
    "parse_datetime",
    "qcode_to_uri",
    "uri_to_qcode",
]

MEDIATOPIC = "http://cv.iptc.org/newscodes/mediatopic/"
# QCode schemes whose concepts have a published IPTC URI; others stay as QCodes.
_SCHEMES = {
    "medtop": MEDIATOPIC,
    "subj": "http://cv.iptc.org/newscodes/subjectcode/",
    "genre": "http://cv.iptc.org/newscodes/genre/",
}
_SPACE = re.compile(r"\s+")
# What `as_uri` leaves unescaped: RFC 3986 unreserved, sub-delimiters, ":", "@" and "/".
_URI_SAFE = "/:-._~@!$&'()*+,;="


@dataclass(frozen=True)
class Parsed:
    """One item read from a file, with what travels beside it (products, signal)."""

    item: Item
    products: tuple[str, ...] = ()
    signal: str | None = None


def collapse(text: str | None) -> str:
    """Whitespace runs folded to one space and trimmed (XML indentation is not content)."""
    return _SPACE.sub(" ", text or "").strip()


def parse_datetime(value: str, where: str) -> datetime:
    """An ISO 8601 date-time (extended or basic form); naive values are taken as UTC."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{where}: {text[:40]!r} is not an ISO 8601 date-time") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def as_uri(identifier: str, scheme: str) -> str:
    """An identifier as an absolute URI: as it is when it is one, else a URN in the given
    scheme (`20261125-0042` -> `urn:nitf:20261125-0042`), the same for every resend."""
    text = identifier.strip()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", text):
        return text
    return f"urn:{scheme}:{quote(text, safe=_URI_SAFE)}"


def qcode_to_uri(qcode: str) -> str:
    """A QCode such as medtop:04000000 as its IPTC URI; unknown schemes keep the QCode."""
    scheme, _, code = qcode.partition(":")
    base = _SCHEMES.get(scheme)
    return base + code if base and code else qcode


def uri_to_qcode(uri: str) -> str | None:
    """The QCode for a URI of a known IPTC scheme, or the value itself when it is a QCode."""
    for scheme, base in _SCHEMES.items():
        if uri.startswith(base) and len(uri) > len(base):
            return f"{scheme}:{uri[len(base) :]}"
    if re.fullmatch(r"[A-Za-z][\w.-]*:[^\s/][^\s]*", uri) and not uri.startswith("urn:"):
        return uri
    return None


def build_item(data: Mapping[str, Any], where: str) -> Item:
    """Validate a ninjs 3 dict into an Item, turning pydantic's report into Invalid."""
    try:
        return Item.model_validate(dict(data))
    except ValidationError as exc:
        raise Invalid(_describe(exc, where)) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise Invalid(f"{where}: {exc}") from None


def _describe(exc: ValidationError, where: str) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    path = where + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    message = "missing" if first["type"] == "missing" else first["msg"]
    if first["type"] == "extra_forbidden":
        message = "not a ninjs property"
    return f"{path.lstrip('.') or 'item'}: {message}{more}"
