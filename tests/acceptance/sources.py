"""What a source document says, read independently of newswire's own parsers: headline,
body paragraphs, byline, dateline, subjects, language. Used to check nothing is lost."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

__all__ = ["Source", "normal", "paragraphs_of", "read_source", "sentences", "text_of_bodies"]

NAR = "http://iptc.org/std/nar/2006-10-01/"
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "td")


@dataclass(frozen=True)
class Source:
    """The text a source document carries for one item."""

    uri: str
    headlines: tuple[str, ...]
    paragraphs: tuple[str, ...]
    byline: str
    dateline: str
    language: str
    subjects: tuple[str, ...]


def normal(text: str) -> str:
    """Whitespace collapsed, entities decoded."""
    return " ".join(html.unescape(text).split())


def paragraphs_of(value: str, content_type: str | None) -> list[str]:
    """The paragraphs of a body: markup blocks, or blank-line separated plain text."""
    stripped = re.sub(r"^\s*<\?xml[^>]*\?>", "", value)
    if (
        content_type and ("html" in content_type or "xml" in content_type)
    ) or stripped.lstrip().startswith("<"):
        root = lxml.html.fragment_fromstring(stripped, create_parent="div")
        for bad in root.xpath("//script|//style|//head"):
            bad.drop_tree()
        blocks = [el for el in root.iter() if isinstance(el.tag, str) and el.tag in _BLOCKS]
        found = [normal(el.text_content()) for el in blocks]
        return [p for p in found if p] or [normal(root.text_content())]
    return [normal(p) for p in value.split("\n\n") if p.strip()]


def text_of_bodies(item: dict[str, Any]) -> str:
    """All of a ninjs 3 item's bodies as one normalised plain text."""
    parts = []
    for body in item.get("bodies") or []:
        parts.extend(paragraphs_of(body["value"], body.get("contentType")))
    return " ".join(parts)


def sentences(paragraphs: tuple[str, ...], shortest: int = 40) -> list[str]:
    """Sentences of at least `shortest` characters: text only a body holds."""
    found = []
    for paragraph in paragraphs:
        found += [s for s in re.split(r"(?<=[.!?])\s+", paragraph) if len(s) >= shortest]
    return found


def _ninjs(document: dict[str, Any]) -> Source:
    lower = {k.lower(): v for k, v in document.items()}
    headlines = [h["value"] for h in lower.get("headlines") or [] if h.get("value")]
    if isinstance(lower.get("headline"), str):
        headlines.append(lower["headline"])
    paragraphs: list[str] = []
    for body in lower.get("bodies") or []:
        body_type = body.get("contentType") or body.get("contenttype")
        paragraphs += paragraphs_of(body["value"], body_type)
    for key, kind in (("body_html", "text/html"), ("body_text", "text/plain")):
        if isinstance(lower.get(key), str):
            paragraphs += paragraphs_of(lower[key], kind)
    subjects = tuple(s.get("name") or s.get("uri") or "" for s in lower.get("subjects") or [])
    return Source(
        uri=document["uri"],
        headlines=tuple(normal(h) for h in headlines),
        paragraphs=tuple(paragraphs),
        byline=normal(lower.get("by") or lower.get("byline") or ""),
        dateline=normal(lower.get("located") or ""),
        language=lower.get("language") or "",
        subjects=tuple(normal(s) for s in subjects if s),
    )


def _text(element: etree._Element | None) -> str:
    return normal("".join(element.itertext())) if element is not None else ""


def _g2(root: etree._Element) -> Source:
    ns = {"g": NAR}
    meta = root.find("g:contentMeta", ns)
    assert meta is not None
    language = meta.find("g:language", ns)
    lang = language.get("tag") if language is not None else None
    paragraphs: list[str] = []
    for inline in root.iterfind("g:contentSet/g:inlineXML", ns):
        for el in inline.iter():
            if isinstance(el.tag, str) and etree.QName(el).localname in ("p", "li"):
                paragraphs.append(_text(el))
    for data in root.iterfind("g:contentSet/g:inlineData", ns):
        paragraphs += [normal(p) for p in (data.text or "").split("\n\n") if p.strip()]
    subjects = [_text(s.find("g:name", ns)) for s in meta.iterfind("g:subject", ns)]
    return Source(
        uri=root.get("guid") or "",
        headlines=tuple(_text(h) for h in meta.iterfind("g:headline", ns)),
        paragraphs=tuple(p for p in paragraphs if p),
        byline=_text(meta.find("g:by", ns)),
        dateline=_text(meta.find("g:dateline", ns)),
        language=lang or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "",
        subjects=tuple(s for s in subjects if s),
    )


def read_source(path: Path) -> Source:
    """The source text of a ninjs (2.x or 3.x) or NewsML-G2 newsItem file."""
    if path.suffix == ".json":
        return _ninjs(json.loads(path.read_text(encoding="utf-8")))
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return _g2(etree.parse(str(path), parser).getroot())
