"""NewsML-G2 input: newsItem, packageItem and newsMessage documents to Items."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from newswire.errors import Invalid
from newswire.formats.common import (
    Parsed,
    as_uri,
    build_item,
    collapse,
    parse_datetime,
    qcode_to_uri,
)
from newswire.formats.markup import nitf_to_html, text_to_html
from newswire.formats.newsml_g2 import CONCEPT_TYPES
from newswire.formats.nitf import item_from_nitf
from newswire.formats.xmlsafe import local_name, spaced_text

__all__ = ["parse_newsml_g2"]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NATURES = {nature: key for key, nature in CONCEPT_TYPES.items()}
_NATURES |= {"cpnat:poi": "places", "cpnat:geoarea": "places"}
_STATUSES = {"usable", "withheld", "canceled"}


def parse_newsml_g2(root: etree._Element) -> list[Parsed]:
    """Every item of a newsItem, packageItem or newsMessage root element."""
    name = local_name(root)
    if name in ("newsItem", "packageItem"):
        return [_item(root, name)]
    items = []
    for item_set in _all(root, "itemSet"):
        counts: dict[str, int] = {}
        for child in item_set:
            kind = local_name(child)
            if kind in ("newsItem", "packageItem"):
                counts[kind] = counts.get(kind, 0) + 1
                items.append(_item(child, f"newsMessage/itemSet/{kind}[{counts[kind]}]"))
    if not items:
        raise Invalid("newsMessage/itemSet: holds no newsItem or packageItem")
    return items


def _item(element: etree._Element, where: str) -> Parsed:
    data: dict[str, Any] = {}
    guid = (element.get("guid") or "").strip()
    if not guid:
        raise Invalid(f"{where}@guid: missing")
    data["uri"] = as_uri(guid, "g2guid")  # xs:string in G2: not always a URI
    version = element.get("version")
    if version is not None:
        if not version.strip().isdigit() or int(version) < 1:
            raise Invalid(f"{where}@version: must be a positive integer")
        data["version"] = str(int(version))
    if element.get(_XML_LANG):
        data["language"] = element.get(_XML_LANG).strip()
    _rights(_one(element, "rightsInfo"), data)
    products, signal = _item_meta(_one(element, "itemMeta"), data, where)
    _content_meta(_one(element, "contentMeta"), data, where)
    if local_name(element) == "packageItem":
        data["type"] = "composite"
        _package(element, data, where)
    else:
        _content_set(_one(element, "contentSet"), data, where)
    data = {k: v for k, v in data.items() if v not in (None, [], "")}
    return Parsed(build_item(data, where), tuple(products), signal)


def _item_meta(
    meta: etree._Element | None, data: dict[str, Any], where: str
) -> tuple[list[str], str | None]:
    where = f"{where}/itemMeta"
    if meta is None:
        raise Invalid(f"{where}: missing")
    item_class = _one(meta, "itemClass")
    if item_class is None:
        raise Invalid(f"{where}/itemClass: missing")
    kind = _code(item_class.get("qcode") or item_class.get("uri") or "")
    data["type"] = kind if kind in ("text", "picture", "video", "graphic", "audio") else "text"
    created = _one(meta, "versionCreated")
    if created is None or not collapse(created.text):
        raise Invalid(f"{where}/versionCreated: missing")
    data["versionCreated"] = _date(created, f"{where}/versionCreated")
    data["firstCreated"] = _date(_one(meta, "firstCreated"), f"{where}/firstCreated")
    embargo = _one(meta, "embargoed")
    if embargo is not None and collapse(embargo.text) not in ("", "TBA"):
        data["embargoedUntil"] = _date(embargo, f"{where}/embargoed")
    status = _one(meta, "pubStatus")
    if status is not None:
        code = _code(status.get("qcode") or status.get("uri") or "")
        if code not in _STATUSES:
            raise Invalid(f"{where}/pubStatus: {code[:30]!r} is not usable, withheld or canceled")
        data["pubStatus"] = code
    data["edNote"] = collapse(" ".join(collapse(e.text) for e in _all(meta, "edNote")))
    data["title"] = collapse(_text(_one(meta, "title")))
    data["profile"] = collapse(_text(_one(meta, "profile")))
    data["expires"] = _date(_one(meta, "expires"), f"{where}/expires")
    products = [_code(s.get("qcode") or "") for s in _all(meta, "service") if s.get("qcode")]
    signals = {_code(s.get("qcode") or "") for s in _all(meta, "signal")}
    signal = "correction" if "correction" in signals else "update" if "update" in signals else None
    return [p for p in products if p], signal


def _rights(rights: etree._Element | None, data: dict[str, Any]) -> None:
    if rights is None:
        return
    data["copyrightHolder"] = _name(_one(rights, "copyrightHolder"))
    data["copyrightNotice"] = collapse(_text(_one(rights, "copyrightNotice")))
    data["usageTerms"] = collapse(_text(_one(rights, "usageTerms")))


def _content_meta(meta: etree._Element | None, data: dict[str, Any], where: str) -> None:
    if meta is None:
        return
    where = f"{where}/contentMeta"
    urgency = _one(meta, "urgency")
    if urgency is not None:
        text = collapse(urgency.text)
        if not text.isdigit() or not 1 <= int(text) <= 9:
            raise Invalid(f"{where}/urgency: {text[:20]!r} is not an integer from 1 to 9")
        data["urgency"] = int(text)
    data["contentCreated"] = _date(_one(meta, "contentCreated"), f"{where}/contentCreated")
    data["located"] = _name(_one(meta, "located"))
    language = _one(meta, "language")
    if language is not None and language.get("tag"):
        data["language"] = language.get("tag").strip()
    for subject in _all(meta, "subject"):
        key = _NATURES.get((subject.get("type") or "cpnat:abstract").lower(), "subjects")
        concept = _concept(subject)
        if concept:
            data.setdefault(key, []).append(concept)
    data["genres"] = [_concept(g) for g in _all(meta, "genre")]
    data["slugline"] = collapse(_text(_one(meta, "slugline")))
    headlines: list[dict[str, str]] = []
    for headline in _all(meta, "headline"):
        text = collapse(_text(headline))
        role = _code(headline.get("role") or "") or ("main" if not headlines else "sub")
        if text:
            headlines.append({"role": role, "value": text})
    data["headlines"] = headlines
    by = collapse(" ".join(_text(b) for b in _all(meta, "by")))
    creators = [_name(c) for c in _all(meta, "creator")]
    data["by"] = by or ", ".join(c for c in creators if c)
    descriptions = []
    for name, role in (("dateline", "dateline"), ("creditline", "creditline")):
        descriptions += [{"role": role, "value": collapse(_text(e))} for e in _all(meta, name)]
    for description in _all(meta, "description"):
        role = _code(description.get("role") or "") or "summary"
        descriptions.append({"role": role, "value": collapse(spaced_text(description))})
    data["descriptions"] = [d for d in descriptions if d["value"]]


def _content_set(content: etree._Element | None, data: dict[str, Any], where: str) -> None:
    if content is None:
        return
    renditions: list[dict[str, Any]] = []
    for child in content:
        name = local_name(child)
        if name == "inlineXML" and "bodies" not in data:
            _inline_xml(child, data, where)
        elif name == "inlineData" and "bodies" not in data and collapse(child.text):
            is_html = "html" in (child.get("contenttype") or "").lower()
            markup = child.text if is_html else text_to_html(child.text or "")
            data["bodies"] = [{"role": "main", "contentType": "text/html", "value": markup}]
        elif name == "remoteContent":
            renditions.append(_rendition(child, len(renditions) + 1, f"{where}/contentSet"))
    data["renditions"] = renditions


def _inline_xml(inline: etree._Element, data: dict[str, Any], where: str) -> None:
    for child in inline:
        name = local_name(child)
        if name == "nitf":
            nitf_item, _ = item_from_nitf(child, {"uri": data["uri"]})
            if nitf_item.bodies:
                data["bodies"] = [
                    b.model_dump(by_alias=True, exclude_none=True) for b in nitf_item.bodies
                ]
            if not data.get("headlines") and nitf_item.headlines:
                data["headlines"] = [{"role": "main", "value": nitf_item.headline()}]
            if not data.get("by") and nitf_item.by:
                data["by"] = nitf_item.by
        elif name == "html":
            body = _one(child, "body")
            markup = nitf_to_html(body) if body is not None else ""
            if markup:
                data["bodies"] = [{"role": "main", "contentType": "text/html", "value": markup}]
    if not any(local_name(c) in ("nitf", "html") for c in inline):
        # No nitf or html root: a bare NITF body.content, an XHTML body or div, or paragraphs.
        markup = nitf_to_html(inline)
        if markup:
            data["bodies"] = [{"role": "main", "contentType": "text/html", "value": markup}]


def _rendition(element: etree._Element, index: int, where: str) -> dict[str, Any]:
    code = element.get("rendition") or element.get("renditionuri") or ""
    name = code.rstrip("/").rsplit("/", 1)[-1].split(":", 1)[-1] or f"rendition{index}"
    out: dict[str, Any] = {"name": name}
    href = element.get("href") or element.get("residref")
    if href:
        out["href"] = href.strip()
    for attr, key in (("contenttype", "contentType"), ("videoaspectratio", "aspectRatio")):
        if element.get(attr):
            out[key] = element.get(attr).strip()
    variant = element.get("contenttypevariant") or element.get("format")
    if variant:
        out["format"] = variant.strip()
    for attr, key in (("width", "width"), ("height", "height"), ("size", "sizeInBytes")):
        if element.get(attr) is not None:
            out[key] = _number(element.get(attr), f"{where}/remoteContent[{index}]@{attr}", int)
    if element.get("videoframerate") is not None:
        path = f"{where}/remoteContent[{index}]@videoframerate"
        out["frameRate"] = _number(element.get("videoframerate"), path, float)
    unit = _code(element.get("durationunit") or element.get("durationunituri") or "")
    seconds = _seconds(element.get("duration") or "", unit)
    if seconds is not None:
        out["duration"] = seconds
    return out


_TIMECODE = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)")
_ISO_DURATION = re.compile(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?")


def _seconds(value: str, unit: str) -> float | None:
    """A clip's duration in seconds. G2 makes it a string: a number in its durationunit
    (seconds by default, or milliseconds), and files also send `PT1M35S` or `00:01:35`.
    Anything else (frames, other units) is left out: the duration is informational."""
    text = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text) and unit in ("", "seconds", "milliseconds"):
        return float(text) / 1000 if unit == "milliseconds" else float(text)
    match = _ISO_DURATION.fullmatch(text) or _TIMECODE.fullmatch(text)
    if match is None or not any(match.groups()) or unit not in ("", "seconds", "normalPlayTime"):
        return None
    hours, minutes, secs = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + secs


def _package(element: etree._Element, data: dict[str, Any], where: str) -> None:
    associations: list[dict[str, Any]] = []
    for group in (g for g in element.iter() if isinstance(g.tag, str) and local_name(g) == "group"):
        role = _code(group.get("role") or "") or "item"
        for ref in (c for c in group if local_name(c) == "itemRef"):
            uri = (ref.get("residref") or ref.get("href") or "").strip()
            if not uri:
                raise Invalid(f"{where}/groupSet/group/itemRef@residref: missing")
            uri = as_uri(uri, "g2guid")  # the same URN as the guid it names
            association: dict[str, Any] = {"name": f"{role}-{len(associations) + 1}", "uri": uri}
            item_class = _one(ref, "itemClass")
            kind = _code(item_class.get("qcode") or "") if item_class is not None else ""
            if kind in ("text", "picture", "video", "graphic", "audio", "composite"):
                association["type"] = kind
            title = collapse(_text(_one(ref, "title")))
            if title:
                association["headlines"] = [{"role": "main", "value": title}]
            descriptions = [
                {"role": _code(d.get("role") or "") or "summary", "value": collapse(_text(d))}
                for d in _all(ref, "description")
            ]
            if descriptions:
                association["descriptions"] = descriptions
            associations.append(association)
    data["associations"] = associations


def _concept(element: etree._Element) -> dict[str, Any]:
    concept: dict[str, Any] = {}
    if element.get("qcode"):
        concept["uri"] = qcode_to_uri(element.get("qcode").strip())
    elif element.get("uri"):
        concept["uri"] = element.get("uri").strip()
    if element.get("literal"):
        concept["literal"] = element.get("literal").strip()
    name = _name(element)
    if name:
        concept["name"] = name
    return concept


def _name(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return next((collapse(_text(n)) for n in element if local_name(n) == "name"), "")


def _code(qcode: str) -> str:
    """The code part of a QCode or the last segment of a URI."""
    qcode = qcode.strip().rstrip("/")
    return qcode.rsplit("/", 1)[-1].split(":", 1)[-1] if qcode else ""


def _date(element: etree._Element | None, where: str) -> datetime | None:
    if element is None or not collapse(element.text):
        return None
    return parse_datetime(collapse(element.text), where)


def _number(value: str, where: str, kind: type[int] | type[float]) -> Any:
    try:
        number = kind(value.strip())
    except ValueError:
        raise Invalid(f"{where}: {value[:20]!r} is not a number") from None
    if number < 0 or not math.isfinite(number):
        raise Invalid(f"{where}: must be a finite number, not negative")
    return number


def _one(parent: etree._Element | None, name: str) -> etree._Element | None:
    if parent is None:
        return None
    return next((c for c in parent if local_name(c) == name), None)


def _all(parent: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in parent if local_name(c) == name]


def _text(element: etree._Element | None) -> str:
    return "" if element is None else "".join(element.itertext())
