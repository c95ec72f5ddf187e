"""ninjs 3.x, newswire's native JSON: parse (3.x, or 2.x through ninjs2) and render."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from newswire.errors import Invalid
from newswire.formats.common import Parsed, build_item
from newswire.formats.ninjs2 import LOWERCASE_ONLY, from_ninjs2
from newswire.formats.ninjs_rules import check_item
from newswire.formats.xmlsafe import MAX_BYTES
from newswire.model import Item

__all__ = ["item_from_ninjs3", "ninjs_version", "parse_json", "render_ninjs3"]

# Properties of ninjs 3 that only the camelCase branch has; they mark a 3.x document.
CAMELCASE_ONLY = frozenset(
    {
        "versionCreated",
        "firstCreated",
        "contentCreated",
        "pubStatus",
        "representationType",
        "copyrightHolder",
        "copyrightNotice",
        "usageTerms",
        "edNote",
        "contentType",
        "sizeInBytes",
        "charCount",
        "wordCount",
        "infoSources",
        "altIds",
        "trustIndicators",
        "rightsInfo",
        "digitalSourceType",
        "geoJSON",
        "contactInfo",
        "embargoedUntil",
        "eventDetails",
        "plannedCoverage",
        "aspectRatio",
        "videoCodec",
        "frameRate",
    }
)


def render_ninjs3(item: Item) -> bytes:
    """The item as ninjs 3 JSON, UTF-8."""
    return json.dumps(item.to_ninjs(), ensure_ascii=False).encode("utf-8")


def parse_json(data: bytes) -> list[Parsed]:
    """Items from a ninjs 2.x or 3.x document (one object, or an array of objects)."""
    if len(data) > MAX_BYTES:
        raise Invalid(f"file: larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        document = json.loads(_decode(data))
    except UnicodeDecodeError:
        raise Invalid("file: JSON must be UTF-8 (or UTF-16 with a byte order mark)") from None
    except (ValueError, RecursionError) as exc:
        raise Invalid(f"file: not valid JSON ({str(exc)[:120]})") from None
    if isinstance(document, list):
        if not document:
            raise Invalid("file: an empty JSON array holds no items")
        return [Parsed(_item(obj, f"[{i}].")) for i, obj in enumerate(document)]
    return [Parsed(_item(document, ""))]


def _decode(data: bytes) -> str:
    """UTF-8 JSON, or UTF-16 when a byte order mark says so (RFC 7159 still allowed it)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    return data.decode("utf-8-sig")


def _item(document: Any, where: str) -> Item:
    if not isinstance(document, dict):
        raise Invalid(f"{where.rstrip('.') or 'file'}: a ninjs item must be a JSON object")
    _refuse_other_json(document, where)
    if ninjs_version(document) == 2:
        document = from_ninjs2(document)
    version = document.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > 0:
        # A string in every ninjs schema, but feeds often send their counter as a number.
        document = {**document, "version": str(version)}
    return item_from_ninjs3(document, where)


def _refuse_other_json(document: Mapping[str, Any], where: str) -> None:
    """Name JSON news formats that are not ninjs (dpa digitalwires) instead of listing
    every property the ninjs reader does not know."""
    declared = document.get("format")
    if isinstance(declared, str) and declared.lower().startswith("digitalwires"):
        raise Invalid(
            f"{where}format: {declared[:40]!r} is dpa digitalwires JSON, which newswire does "
            "not read; send ninjs 2 or 3, NewsML-G2, NITF or plain text"
        )


def item_from_ninjs3(document: Mapping[str, Any], where: str = "") -> Item:
    """A ninjs 3 object as an Item; valid ninjs the model has no room for is dropped."""
    data = _drop_unmapped(dict(document))
    data.pop("$schema", None)
    check_item(data, where)
    return build_item(data, where)


def ninjs_version(document: Mapping[str, Any]) -> int:
    """2 or 3: by property names (lowercase vs camelCase), then by $schema or standard."""
    keys = set(_keys(document, 0))
    lower = keys & LOWERCASE_ONLY
    camel = keys & CAMELCASE_ONLY
    if lower and camel:
        raise Invalid(
            f"file: mixes ninjs 2 ({sorted(lower)[0]}) and ninjs 3 ({sorted(camel)[0]}) names"
        )
    if lower or camel:
        return 2 if lower else 3
    hint = str(document.get("$schema") or "")
    standard = document.get("standard")
    if isinstance(standard, Mapping):
        hint += " " + str(standard.get("version") or "") + str(standard.get("schema") or "")
    return 2 if any(f"schema_{v}" in hint or hint.startswith(f" {v}.") for v in "12") else 3


def _keys(value: Any, depth: int) -> Iterator[str]:
    if depth > 12:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            yield str(key)
            yield from _keys(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _keys(child, depth + 1)


def _drop_unmapped(data: dict[str, Any]) -> dict[str, Any]:
    """Drop valid ninjs that Item cannot hold: rendition titles and event ids."""
    for key, drop in (("renditions", "title"), ("events", "id")):
        if isinstance(data.get(key), list):
            data[key] = [
                {k: v for k, v in entry.items() if k != drop} if isinstance(entry, dict) else entry
                for entry in data[key]
            ]
    if isinstance(data.get("associations"), list):
        data["associations"] = [
            _drop_unmapped(dict(a)) if isinstance(a, dict) else a for a in data["associations"]
        ]
    return data
