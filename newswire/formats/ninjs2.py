"""ninjs 2.x (lowercase names, and the 1.x shapes older feeds still send) to and from 3.x."""

from __future__ import annotations

import json
from typing import Any

from newswire.formats.common import qcode_to_uri
from newswire.model import Item

__all__ = ["LOWERCASE_ONLY", "from_ninjs2", "render_ninjs2", "to_ninjs2"]

# 2.x name -> 3.x name, for every property whose spelling changed.
_RENAMES = {
    "versioncreated": "versionCreated",
    "firstcreated": "firstCreated",
    "contentcreated": "contentCreated",
    "pubstatus": "pubStatus",
    "representationtype": "representationType",
    "copyrightholder": "copyrightHolder",
    "copyrightnotice": "copyrightNotice",
    "usageterms": "usageTerms",
    "ednote": "edNote",
    "contenttype": "contentType",
    "sizeinbytes": "sizeInBytes",
    "charcount": "charCount",
    "wordcount": "wordCount",
    "infosources": "infoSources",
    "altids": "altIds",
    "trustindicators": "trustIndicators",
    "rightsinfo": "rightsInfo",
    "digitalsourcetype": "digitalSourceType",
    "geojson": "geoJSON",
    "contactinfo": "contactInfo",
    "symboltype": "symbolType",
    "langid": "langId",
    "linkedrights": "linkedRights",
    "encodedrights": "encodedRights",
    "postalcode": "postalCode",
}
_BACK = {v: k for k, v in _RENAMES.items()}
# ninjs 1.x singular lists and flat texts.
_PLURALS = {"subject": "subjects", "person": "people", "organisation": "organisations"}
_PLURALS |= {"place": "places"}
# Also singular in 1.0, but too common a word deeper in 3.x documents to mark a version.
_V1_PLURALS = {"event": "events", "object": "objects"}
_TEXTS = {
    "headline": ("headlines", "main", None),
    "body_html": ("bodies", "main", "text/html"),
    "body_text": ("bodies", "main", "text/plain"),
    "body_xhtml": ("bodies", "main", "application/xhtml+xml"),
    "description_text": ("descriptions", "summary", "text/plain"),
    "description_html": ("descriptions", "summary", "text/html"),
}
# ninjs 1.0 only: `byline` (later `by`), `mimetype` (later `contenttype`).
_V1_ONLY = frozenset({"byline", "mimetype"})
LOWERCASE_ONLY = frozenset(_RENAMES) | {"embargoed"} | frozenset(_PLURALS) | frozenset(_TEXTS)
LOWERCASE_ONLY |= _V1_ONLY

# What ninjs 2.2 allows on each object (anything else is left out of 2.x output).
_TOP = {
    "uri", "type", "representationtype", "profile", "version", "firstcreated",
    "versioncreated", "contentcreated", "embargoed", "pubstatus", "urgency",
    "copyrightholder", "copyrightnotice", "usageterms", "ednote", "language",
    "descriptions", "bodies", "headlines", "people", "organisations", "places",
    "subjects", "events", "objects", "infosources", "title", "by", "slugline",
    "located", "renditions", "associations", "altids", "trustindicators", "standard",
    "genres", "expires", "rightsinfo", "digitalsourcetype",
}  # fmt: skip
_CONCEPT = {"name", "rel", "uri", "literal"}
_LISTS = {
    "headlines": {"role", "contenttype", "value"},
    "descriptions": {"role", "contenttype", "value"},
    "bodies": {"role", "contenttype", "value", "charcount", "wordcount"},
    "people": _CONCEPT | {"contactinfo"},
    "organisations": _CONCEPT | {"symbols", "contactinfo"},
    "places": _CONCEPT | {"contactinfo", "geojson"},
    "subjects": _CONCEPT | {"creator", "relevance", "confidence"},
    "events": _CONCEPT,
    "objects": _CONCEPT,
    "genres": {"name", "uri", "literal"},
    "infosources": {"name", "role", "uri", "literal", "contactinfo"},
    "renditions": {"name", "href", "contenttype", "title", "height", "width"}
    | {"sizeinbytes", "duration", "format"},
    "altids": {"role", "value"},
    "trustindicators": {"role", "title", "href"},
}
_TYPES = {"text", "audio", "video", "picture", "graphic", "composite", "component"}
_STANDARD = {
    "name": "ninjs",
    "version": "2.2",
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.2.json",
}


def from_ninjs2(document: dict[str, Any]) -> dict[str, Any]:
    """A ninjs 2.x (or 1.x) object with its properties renamed and reshaped to 3.x."""
    data: dict[str, Any] = _rename(document, _RENAMES)
    if "embargoed" in data:
        data["embargoedUntil"] = data.pop("embargoed")
    for old, new in _PLURALS.items():
        if old in data and new not in data:
            value = data.pop(old)
            data[new] = value if isinstance(value, list) else [value]
    for old, (new, role, content_type) in _TEXTS.items():
        if isinstance(data.get(old), str) and isinstance(data.get(new, []), list):
            text: dict[str, Any] = {"role": role, "value": data.pop(old)}
            if content_type:
                text["contentType"] = content_type
            data.setdefault(new, []).append(text)
    for key in ("renditions", "associations"):
        if isinstance(data.get(key), dict):
            data[key] = [_named(name, value) for name, value in data[key].items()]
    _from_ninjs1(data)
    if isinstance(data.get("associations"), list):
        data["associations"] = [
            from_ninjs2(a) if isinstance(a, dict) else a for a in data["associations"]
        ]
    for organisation in _dicts(data.get("organisations")):
        for symbol in _dicts(organisation.get("symbols")):
            if "ticker" in symbol:
                symbol.setdefault("symbol", symbol.pop("ticker"))
    return data


def _from_ninjs1(data: dict[str, Any]) -> None:
    """ninjs 1.0 names: `byline`, `mimetype` (top level: dropped; renditions: contentType),
    concepts as `scheme` + `code`."""
    if isinstance(data.get("byline"), str) and "by" not in data:
        data["by"] = data.pop("byline")
    data.pop("mimetype", None)
    for old, new in _V1_PLURALS.items():
        if old in data and new not in data:
            value = data.pop(old)
            data[new] = value if isinstance(value, list) else [value]
    for rendition in _dicts(data.get("renditions")):
        if "mimetype" in rendition:
            rendition.setdefault("contentType", rendition.pop("mimetype"))
    for key in ("subjects", "people", "organisations", "places", "events", "objects", "genres"):
        for concept in _dicts(data.get(key)):
            _concept_from_code(concept)


def _concept_from_code(concept: dict[str, Any]) -> None:
    """A 1.0 concept's `scheme` and `code` as a uri (scheme a URI or a QCode alias) or literal."""
    code, scheme = concept.pop("code", None), concept.pop("scheme", None)
    if not isinstance(code, str) or not code or "uri" in concept or "literal" in concept:
        return
    if isinstance(scheme, str) and scheme.endswith(("/", "#")):
        concept["uri"] = scheme + code
    elif isinstance(scheme, str) and scheme and ":" not in scheme:
        concept["uri"] = qcode_to_uri(f"{scheme}:{code}")
    else:
        concept["literal"] = code


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def to_ninjs2(item: Item) -> dict[str, Any]:
    """The item as a ninjs 2.2 object; what 2.2 has no property for is left out."""
    return _to_2(item.to_ninjs(), top=True)


def render_ninjs2(item: Item) -> bytes:
    """The item as ninjs 2.2 JSON, UTF-8."""
    return json.dumps(to_ninjs2(item), ensure_ascii=False).encode("utf-8")


def _to_2(data: dict[str, Any], *, top: bool) -> dict[str, Any]:
    out = _rename(data, _BACK)
    if "embargoedUntil" in out:
        out["embargoed"] = out.pop("embargoedUntil")
    if out.get("type") not in _TYPES:
        out.pop("type", None)
    kept = {k: v for k, v in out.items() if k in _TOP or (k == "name" and not top)}
    for key, allowed in _LISTS.items():
        if key in kept:
            kept[key] = [{k: v for k, v in e.items() if k in allowed} for e in kept[key]]
    if "associations" in kept:
        kept["associations"] = [_to_2(a, top=False) for a in kept["associations"]]
    kept.pop("standard", None)
    if top:
        kept["standard"] = dict(_STANDARD)
    return kept


def _named(name: Any, value: Any) -> Any:
    if isinstance(value, dict):
        return {"name": str(name), **value}
    return value


def _rename(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {names.get(k, k): _rename(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, names) for v in value]
    return value
