"""NewsML-G2 2.35 output: one newsItem (power conformance) per item version."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from newswire.formats.common import uri_to_qcode
from newswire.formats.markup import body_html, html_to_nitf
from newswire.formats.nitf import NITF_NS
from newswire.formats.xmlsafe import xml_text
from newswire.model import Item, Rendition

__all__ = ["G2_MEDIA_TYPE", "NAR_NS", "render_newsml_g2"]

NAR_NS = "http://iptc.org/std/nar/2006-10-01/"
G2_MEDIA_TYPE = "application/vnd.iptc.g2.newsitem+xml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_32.xml"
_ITEM_CLASSES = {"text", "picture", "video", "graphic", "audio", "composite"}
# ninjs concept lists and the NewsML-G2 concept nature each is sent as.
CONCEPT_TYPES = {
    "subjects": "cpnat:abstract",
    "people": "cpnat:person",
    "organisations": "cpnat:organisation",
    "places": "cpnat:geoArea",
    "events": "cpnat:event",
    "objects": "cpnat:object",
}


def render_newsml_g2(
    item: Item,
    *,
    signal: str | None = None,
    products: Sequence[str] = (),
    provider: str = "Newswire Agency",
) -> bytes:
    """The item as a NewsML-G2 2.35 newsItem document, UTF-8."""
    root = etree.Element(f"{{{NAR_NS}}}newsItem", nsmap={None: NAR_NS})
    root.set("guid", xml_text(item.uri or "urn:newswire:unassigned"))
    root.set("version", str(_version(item.version)))
    root.set("standard", "NewsML-G2")
    root.set("standardversion", "2.35")
    root.set("conformance", "power")
    if item.language:
        root.set(_XML_LANG, xml_text(item.language))
    _el(root, "catalogRef").set("href", _CATALOG)
    _rights(root, item)
    _item_meta(root, item, signal, products, provider)
    _content_meta(root, item)
    _content_set(root, item)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _el(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{NAR_NS}}}{name}")
    for key, value in attrs.items():
        element.set(key, xml_text(value))
    if text is not None:
        element.text = xml_text(text)
    return element


def _version(version: str | None) -> int:
    try:
        number = int(version or "1")
    except ValueError:
        return 1
    return number if number > 0 else 1


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _qcode_part(text: str) -> str:
    # ninjs roles and names are free text; a QCode's code part may not hold whitespace.
    return re.sub(r"\s+", "-", text.strip()) or "x"


def _rights(root: etree._Element, item: Item) -> None:
    if not (item.copyright_holder or item.copyright_notice or item.usage_terms):
        return
    rights = _el(root, "rightsInfo")
    if item.copyright_holder:
        _el(_el(rights, "copyrightHolder"), "name", item.copyright_holder)
    if item.copyright_notice:
        _el(rights, "copyrightNotice", item.copyright_notice)
    if item.usage_terms:
        _el(rights, "usageTerms", item.usage_terms)


def _item_meta(
    root: etree._Element,
    item: Item,
    signal: str | None,
    products: Sequence[str],
    provider: str,
) -> None:
    meta = _el(root, "itemMeta")
    kind = item.type if item.type in _ITEM_CLASSES else "text"
    _el(meta, "itemClass", qcode=f"ninat:{kind}")
    slug = re.sub(r"[^a-z0-9]+", "-", provider.lower()).strip("-") or "agency"
    _el(_el(meta, "provider", qcode=f"nprov:{slug}"), "name", provider)
    created = item.version_created or item.first_created or datetime.now(UTC)
    _el(meta, "versionCreated", _stamp(created))
    if item.first_created:
        _el(meta, "firstCreated", _stamp(item.first_created))
    if item.embargoed_until:
        _el(meta, "embargoed", _stamp(item.embargoed_until))
    status = "canceled" if signal == "kill" else item.pub_status
    if status:
        _el(meta, "pubStatus", qcode=f"stat:{status}")
    if item.profile:
        _el(meta, "profile", item.profile)
    for product in products:
        _el(meta, "service", qcode=f"nwprod:{_qcode_part(product)}")
    if item.title:
        _el(meta, "title", item.title)
    if item.ed_note:
        _el(meta, "edNote", item.ed_note)
    if signal in ("update", "correction"):
        _el(meta, "signal", qcode=f"sig:{signal}")
    if item.expires:
        _el(meta, "expires", _stamp(item.expires))
    for association in item.associations or []:
        link = _el(meta, "link", rel="irel:associatedWith", residref=association.uri or "")
        if association.type in _ITEM_CLASSES:
            _el(link, "itemClass", qcode=f"ninat:{association.type}")
        if association.headlines:
            _el(link, "title", association.headlines[0].value)


def _content_meta(root: etree._Element, item: Item) -> None:
    meta = _el(root, "contentMeta")
    if item.urgency is not None:
        _el(meta, "urgency", str(item.urgency))
    if item.content_created:
        _el(meta, "contentCreated", _stamp(item.content_created))
    if item.located:
        _el(_el(meta, "located"), "name", item.located)
    if item.language:
        _el(meta, "language", tag=item.language)
    for genre in item.genres or []:
        _concept(meta, "genre", genre.model_dump(exclude_none=True), None)
    for key, nature in CONCEPT_TYPES.items():
        for concept in getattr(item, key) or []:
            value = concept if isinstance(concept, dict) else concept.model_dump()
            _concept(meta, "subject", value, nature)
    if item.slugline:
        _el(meta, "slugline", item.slugline)
    for text in item.headlines or []:
        role = {} if text.role in (None, "main") else {"role": f"hld:{_qcode_part(text.role)}"}
        _el(meta, "headline", text.value, **role)
    descriptions = item.descriptions or []
    for text in descriptions:
        if text.role == "dateline":
            _el(meta, "dateline", text.value)
    if item.by:
        _el(meta, "by", item.by)
    for text in descriptions:
        if text.role == "creditline":
            _el(meta, "creditline", text.value)
    for text in descriptions:
        if text.role not in ("dateline", "creditline"):
            _el(meta, "description", text.value, role=f"drol:{_qcode_part(text.role or 'summary')}")


def _concept(meta: etree._Element, name: str, value: dict[str, Any], nature: str | None) -> None:
    attrs = {"type": nature} if nature else {}
    uri = value.get("uri")
    qcode = uri_to_qcode(uri) if uri else None
    if qcode:
        attrs["qcode"] = qcode
    elif uri and not any(c.isspace() for c in uri):
        attrs["uri"] = uri
    elif value.get("literal"):
        attrs["literal"] = _qcode_part(str(value["literal"]))
    element = _el(meta, name, **attrs)
    if value.get("name"):
        _el(element, "name", str(value["name"]))


def _content_set(root: etree._Element, item: Item) -> None:
    markup = body_html(item)
    if not markup and not item.renditions:
        return
    content = _el(root, "contentSet")
    if markup:
        inline = _el(content, "inlineXML", contenttype="application/nitf+xml")
        nitf = etree.SubElement(inline, f"{{{NITF_NS}}}nitf", nsmap={None: NITF_NS})
        body = etree.SubElement(etree.SubElement(nitf, f"{{{NITF_NS}}}body"), "body.content")
        body.tag = f"{{{NITF_NS}}}body.content"
        body.extend(html_to_nitf(markup, NITF_NS))
    for rendition in item.renditions or []:
        _remote(content, rendition)


def _remote(content: etree._Element, rendition: Rendition) -> None:
    attrs = {"rendition": f"rnd:{_qcode_part(rendition.name)}"}
    if rendition.href:
        attrs["href"] = rendition.href
    if rendition.content_type:
        attrs["contenttype"] = rendition.content_type
    if rendition.format:
        attrs["contenttypevariant"] = rendition.format
    for key, value in (
        ("width", rendition.width),
        ("height", rendition.height),
        ("size", rendition.size_in_bytes),
    ):
        if value is not None and value >= 0:
            attrs[key] = str(value)
    if rendition.duration is not None and rendition.duration >= 0:
        attrs["duration"] = f"{rendition.duration:g}"
        attrs["durationunit"] = "timeunit:seconds"
    if rendition.frame_rate is not None and rendition.frame_rate >= 0:
        attrs["videoframerate"] = f"{rendition.frame_rate:g}"
    if rendition.aspect_ratio:
        attrs["videoaspectratio"] = rendition.aspect_ratio
    _el(content, "remoteContent", **attrs)
