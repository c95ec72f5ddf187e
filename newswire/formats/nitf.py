"""NITF 3.6: a story document (docdata, headline, byline, dateline, abstract, body)."""

from __future__ import annotations

from datetime import UTC, datetime
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
from newswire.formats.common import uri_to_qcode as to_qcode
from newswire.formats.markup import body_html, html_to_nitf, nitf_to_html, plain_text
from newswire.formats.xmlsafe import local_name, spaced_text, xml_text
from newswire.model import Concept, Item

__all__ = ["NITF_NS", "item_from_nitf", "parse_nitf", "render_nitf"]

NITF_NS = "http://iptc.org/std/NITF/2006-10-18/"
_VERSION = "-//IPTC//DTD NITF 3.6//EN"


def render_nitf(item: Item, *, signal: str | None = None) -> bytes:
    """The item as a NITF 3.6 document, UTF-8."""
    root = _el(None, "nitf")
    root.set("version", _VERSION)
    if item.language:
        root.set("baselang", xml_text(item.language))
    head = _el(root, "head")
    if item.headline():
        _el(head, "title", item.headline())
    _docdata(head, item, signal)
    body = _el(root, "body")
    _body_head(body, item)
    content = _el(body, "body.content")
    content.extend(html_to_nitf(body_html(item), NITF_NS))
    _el(body, "body.end")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def parse_nitf(root: etree._Element) -> list[Parsed]:
    """The one item of a NITF document (with or without the NITF namespace)."""
    item, signal = item_from_nitf(root)
    return [Parsed(item, (), signal)]


def item_from_nitf(
    root: etree._Element, base: dict[str, Any] | None = None
) -> tuple[Item, str | None]:
    """An Item (and its signal) from a nitf element; base holds fields already known."""
    data: dict[str, Any] = dict(base or {})
    language = root.get("baselang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if language and "language" not in data:
        data["language"] = language.strip()
    signal = _read_docdata(_find(root, "head", "docdata"), data)
    _read_tobject(_find(root, "head", "tobject"), data)
    _read_body_head(_find(root, "body", "body.head"), data)
    if "headlines" not in data:
        title = collapse(_text(_find(root, "head", "title")))
        if title:
            data["headlines"] = [{"role": "main", "value": title}]
    bodies = [nitf_to_html(c) for c in _children(_find(root, "body"), "body.content")]
    markup = "".join(bodies)
    if markup and "bodies" not in data:
        data["bodies"] = [{"role": "main", "contentType": "text/html", "value": markup}]
    return build_item(data, "nitf"), signal


def _el(parent: etree._Element | None, name: str, text: str | None = None) -> etree._Element:
    tag = f"{{{NITF_NS}}}{name}"
    element = etree.Element(tag, nsmap={None: NITF_NS}) if parent is None else None
    if element is None:
        element = etree.SubElement(parent, tag)
    if text is not None:
        element.text = xml_text(text)
    return element


def _norm(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _status(item: Item, signal: str | None) -> str:
    if signal == "kill" or item.pub_status == "canceled":
        return "canceled"
    if item.pub_status == "withheld":
        return "withheld"
    if item.embargoed_until and item.embargoed_until > datetime.now(UTC):
        return "embargoed"
    return "usable"


def _docdata(head: etree._Element, item: Item, signal: str | None) -> None:
    docdata = _el(head, "docdata")
    docdata.set("management-status", _status(item, signal))
    if signal == "correction":
        correction = _el(docdata, "correction")
        correction.set("info", xml_text(item.ed_note or "Correction"))
        if item.uri:
            correction.set("id-string", xml_text(item.uri))
    if item.uri:
        _el(docdata, "doc-id").set("id-string", xml_text(item.uri))
    if item.urgency is not None:
        _el(docdata, "urgency").set("ed-urg", str(min(item.urgency, 8)))
    if item.version_created:
        _el(docdata, "date.issue").set("norm", _norm(item.version_created))
    if item.embargoed_until:
        _el(docdata, "date.release").set("norm", _norm(item.embargoed_until))
    if item.expires:
        _el(docdata, "date.expire").set("norm", _norm(item.expires))
    if item.ed_note:
        _el(docdata, "ed-msg").set("info", xml_text(item.ed_note))
    if item.copyright_holder or item.copyright_notice:
        copyright_ = _el(docdata, "doc.copyright")
        copyright_.set("holder", xml_text(item.copyright_holder or item.copyright_notice or ""))
    if item.subjects:
        content = _el(docdata, "identified-content")
        for subject in item.subjects:
            classifier = _el(content, "classifier", subject.name or "")
            classifier.set("type", "subject")
            code = (to_qcode(subject.uri) or subject.uri) if subject.uri else subject.literal
            if code:
                classifier.set("value", xml_text(code))


def _body_head(body: etree._Element, item: Item) -> None:
    head = _el(body, "body.head")
    hedline = _el(head, "hedline")
    _el(hedline, "hl1", item.headline())
    for text in item.headlines or []:
        if text.role not in (None, "main"):
            _el(hedline, "hl2", text.value)
    if item.by:
        _el(head, "byline", item.by)
    dateline = _description(item, "dateline")
    if dateline:
        _el(head, "dateline", dateline)
    summary = _description(item, "summary")
    if summary:
        abstract = _el(head, "abstract")
        abstract.extend(html_to_nitf(summary, NITF_NS) or [_el(None, "p", summary)])


def _description(item: Item, role: str) -> str:
    return next((d.value for d in item.descriptions or [] if d.role == role), "")


def _read_docdata(docdata: etree._Element | None, data: dict[str, Any]) -> str | None:
    if docdata is None:
        return None
    status = (docdata.get("management-status") or "").strip().lower()
    if status in ("canceled", "withheld", "usable"):
        data["pubStatus"] = status
    elif status == "embargoed":
        data["pubStatus"] = "usable"
    signal = None
    for child in docdata:
        name = local_name(child)
        if name == "doc-id" and (child.get("id-string") or "").strip() and "uri" not in data:
            data["uri"] = as_uri(child.get("id-string"), "nitf")
        elif name == "urgency" and child.get("ed-urg"):
            data["urgency"] = _urgency(child.get("ed-urg"))
        elif name == "date.issue" and child.get("norm"):
            data.setdefault("versionCreated", _date(child, "date.issue"))
        elif name == "date.release" and child.get("norm"):
            release = _date(child, "date.release")
            if status == "embargoed" or release > datetime.now(UTC):
                data["embargoedUntil"] = release
        elif name == "date.expire" and child.get("norm"):
            data["expires"] = _date(child, "date.expire")
        elif name == "correction":
            signal = "correction"
            data.setdefault("edNote", collapse(child.get("info")) or None)
        elif name == "ed-msg" and child.get("info"):
            data["edNote"] = collapse(child.get("info"))
        elif name == "doc.copyright" and child.get("holder"):
            data["copyrightHolder"] = collapse(child.get("holder"))
        elif name == "identified-content":
            _read_subjects(child, data)
    if data.get("edNote") is None:
        data.pop("edNote", None)
    return signal


def _urgency(value: str) -> int:
    try:
        urgency = int(value.strip())
    except ValueError:
        urgency = 0
    if not 1 <= urgency <= 8:
        raise Invalid(f"nitf/head/docdata/urgency@ed-urg: {value[:20]!r} is not 1 to 8")
    return urgency


def _date(element: etree._Element, name: str) -> datetime:
    return parse_datetime(element.get("norm"), f"nitf/head/docdata/{name}@norm")


# identified-content entities and the ninjs lists they go to.
_ENTITIES = {"person": "people", "org": "organisations", "location": "places"}


def _read_subjects(content: etree._Element, data: dict[str, Any]) -> None:
    subjects = []
    for classifier in content:
        key = _ENTITIES.get(local_name(classifier))
        name = collapse(spaced_text(classifier))
        if key and name and {"name": name} not in data.setdefault(key, []):
            data[key].append({"name": name})
        if local_name(classifier) != "classifier" or classifier.get("type") != "subject":
            continue
        value = (classifier.get("value") or "").strip()
        concept = Concept(
            name=collapse(_text(classifier)) or None,
            uri=qcode_to_uri(value) if ":" in value else None,
            literal=value if value and ":" not in value else None,
        )
        subjects.append(concept.model_dump(by_alias=True, exclude_none=True))
    if subjects:
        data["subjects"] = subjects


def _read_tobject(tobject: etree._Element | None, data: dict[str, Any]) -> None:
    """IPTC Subject Codes from head/tobject (`tobject.subject.refnum`, 8 digits)."""
    for element in _children(tobject, "tobject.subject"):
        refnum = (element.get("tobject.subject.refnum") or "").strip()
        name = collapse(
            element.get("tobject.subject.detail")
            or element.get("tobject.subject.matter")
            or element.get("tobject.subject.type")
        )
        concept = {"uri": qcode_to_uri(f"subj:{refnum}")} if refnum.isdigit() else {}
        if name:
            concept["name"] = name
        if concept and concept not in data.setdefault("subjects", []):
            data["subjects"].append(concept)


def _read_body_head(head: etree._Element | None, data: dict[str, Any]) -> None:
    if head is None:
        return
    headlines: list[dict[str, str]] = []
    for hedline in _children(head, "hedline"):
        for child in hedline:
            text = collapse("".join(child.itertext()))
            if text and local_name(child) in ("hl1", "hl2"):
                role = "main" if local_name(child) == "hl1" and not headlines else "subheadline"
                headlines.append({"role": role, "value": text})
    if headlines:
        data["headlines"] = headlines
    byline = collapse(" ".join(spaced_text(b) for b in _children(head, "byline")))
    if byline:
        data["by"] = byline
    descriptions = list(data.get("descriptions") or [])
    for role, name in (("dateline", "dateline"), ("summary", "abstract")):
        element = next(iter(_children(head, name)), None)
        if element is None:
            continue
        text = plain_text(nitf_to_html(element)) if name == "abstract" else ""
        text = text or collapse("".join(element.itertext()))
        if text and not any(d.get("role") == role for d in descriptions):
            descriptions.append({"role": role, "value": text})
    if descriptions:
        data["descriptions"] = descriptions


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    if parent is None:
        return []
    return [c for c in parent if local_name(c) == name]


def _find(parent: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        found = _children(parent, name)
        parent = found[0] if found else None
    return parent


def _text(element: etree._Element | None) -> str:
    return "" if element is None else "".join(element.itertext())
