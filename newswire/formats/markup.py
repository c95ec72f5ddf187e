"""Story bodies between HTML (ninjs) and NITF or XHTML markup (XML formats).

Only a small, safe vocabulary crosses: paragraphs, sub-headings, lists, emphasis,
links and line breaks. Everything else is reduced to its text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

from newswire.formats.xmlsafe import local_name, xml_text
from newswire.model import Item

__all__ = ["body_html", "html_to_nitf", "nitf_to_html", "plain_text", "text_to_html"]

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_CONTAINERS = {"div", "section", "article", "blockquote", "main", "body", "aside", "header"}
_LISTS = {"ul", "ol"}
_EMPHASIS = {"em", "i", "strong", "b"}
_SKIP = {"script", "style", "head", "title", "media", "meta", "template"}
# NITF block elements read back as their HTML namesakes; anything else becomes its text.
_NITF_BLOCKS = {"p": "p", "hl2": "h2", "ul": "ul", "ol": "ol", "pre": "pre"}
_SPACES = re.compile(r"\s+")
_NITF_INLINE = {"em": "em", "a": "a", "br": "br", "q": "q"}


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs: blank lines separate paragraphs."""
    paragraphs = [" ".join(part.split()) for part in text.replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def body_html(item: Item) -> str:
    """The item's main body as HTML, or an empty string when it has none."""
    if not item.bodies:
        return ""
    body = item.bodies[0]
    for candidate in item.bodies:
        if candidate.content_type and "html" in candidate.content_type:
            body = candidate
            break
    if body.content_type and "html" in body.content_type:
        return body.value
    return text_to_html(body.value)


def plain_text(markup: str) -> str:
    """The text of an HTML fragment, paragraphs separated by blank lines."""
    root = _fragment(markup)
    if root is None:
        return ""
    blocks = [" ".join(el.text_content().split()) for el in _html_blocks(root)]
    return "\n\n".join(b for b in blocks if b)


def html_to_nitf(markup: str, ns: str) -> list[etree._Element]:
    """NITF block elements (in namespace ns) for an HTML fragment."""
    root = _fragment(markup)
    if root is None:
        return []
    out: list[etree._Element] = []
    for block in _html_blocks(root):
        tag = block.tag
        if tag in _LISTS:
            items = [li for li in block if isinstance(li.tag, str) and li.tag == "li"]
            if not items:
                continue
            target = etree.Element(f"{{{ns}}}{tag}")
            for li in items:
                _copy_inline(li, etree.SubElement(target, f"{{{ns}}}li"), ns)
        elif tag == "table":
            out += _table_rows(block, ns)
            continue
        else:
            name = "hl2" if tag in _HEADINGS else "p"
            target = etree.Element(f"{{{ns}}}{name}")
            _copy_inline(block, target, ns)
        if len(target) or (target.text or "").strip():
            out.append(target)
    return out


def _table_rows(table: lxml.html.HtmlElement, ns: str) -> list[etree._Element]:
    """An HTML table as one NITF paragraph per row, cells separated by ' | '."""
    rows = []
    for row in table.iter("tr"):
        cells = [" ".join(c.text_content().split()) for c in row if c.tag in ("td", "th")]
        if any(cells):
            rows.append(etree.Element(f"{{{ns}}}p"))
            rows[-1].text = xml_text(" | ".join(cells))
    return rows


def nitf_to_html(container: etree._Element) -> str:
    """HTML for the block content of a NITF body.content (or an XHTML body)."""
    parts: list[str] = []
    loose = lxml.html.Element("p")
    for child in _nitf_blocks(container):
        if isinstance(child, str):
            _append_text(loose, child)
            continue
        if len(loose) or (loose.text or "").strip():
            parts.append(_serialise(loose))
            loose = lxml.html.Element("p")
        parts.append(_serialise(child))
    if len(loose) or (loose.text or "").strip():
        parts.append(_serialise(loose))
    return "".join(parts)


def _fragment(markup: str) -> lxml.html.HtmlElement | None:
    markup = xml_text(markup)
    if not markup.strip():
        return None
    try:
        return lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, etree.LxmlError, ValueError):
        return None


def _html_blocks(root: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Block-level elements in document order; loose inline content is wrapped in a p."""
    loose = lxml.html.Element("p")
    loose.text = root.text
    for child in root:
        if not isinstance(child.tag, str) or child.tag in _SKIP:
            _append_text(loose, child.tail or "")
            continue
        if child.tag in _CONTAINERS or child.tag in _LISTS | _HEADINGS | {"p", "pre", "table"}:
            if len(loose) or (loose.text or "").strip():
                yield loose
            loose = lxml.html.Element("p")
            loose.text = child.tail
            if child.tag in _CONTAINERS:
                yield from _html_blocks(child)
            else:
                yield child
        else:
            tail = child.tail
            child.tail = None
            loose.append(child)
            _append_text(loose, tail or "")
    if len(loose) or (loose.text or "").strip():
        yield loose


def _copy_inline(source: etree._Element, target: etree._Element, ns: str) -> None:
    """Copy text and the allowed inline markup of an HTML element into a NITF element."""
    _add_text(target, source.text or "")
    for child in source:
        if isinstance(child.tag, str) and child.tag not in _SKIP:
            new = _inline_for(child, target, ns)
            if new is not None:
                _copy_inline(child, new, ns)
            else:
                _add_text(target, child.text_content() if child.tag != "br" else "")
        _add_text(target, child.tail or "")


def _inline_for(child: etree._Element, parent: etree._Element, ns: str) -> etree._Element | None:
    tag = child.tag
    if tag in _EMPHASIS:
        return etree.SubElement(parent, f"{{{ns}}}em")
    if tag == "q":
        return etree.SubElement(parent, f"{{{ns}}}q")
    if tag == "br":
        etree.SubElement(parent, f"{{{ns}}}br")
        return None
    if tag == "a" and child.get("href"):
        link = etree.SubElement(parent, f"{{{ns}}}a")
        link.set("href", xml_text(child.get("href")))
        return link
    return None


def _add_text(target: etree._Element, text: str) -> None:
    text = xml_text(text)
    if not text:
        return
    if len(target):
        last = target[-1]
        last.tail = (last.tail or "") + text
    else:
        target.text = (target.text or "") + text


def _append_text(target: lxml.html.HtmlElement, text: str) -> None:
    _add_text(target, text)


def _nitf_blocks(container: etree._Element) -> Iterator[lxml.html.HtmlElement | str]:
    for child in container:
        name = local_name(child)
        if name in _NITF_BLOCKS:
            out = lxml.html.Element(_NITF_BLOCKS[name])
            if name in ("ul", "ol"):
                for li in child:
                    if local_name(li) == "li":
                        _nitf_inline(li, lxml.html.etree.SubElement(out, "li"))
            else:
                _nitf_inline(child, out)
            yield out
        elif name in ("block", "bq", "body.content", "div", "section", "blockquote", "body"):
            yield from _nitf_blocks(child)
        elif name in _HEADINGS:
            heading = lxml.html.Element("h2")
            _nitf_inline(child, heading)
            yield heading
        elif name == "table":
            yield _nitf_table(child)
        elif name not in ("media", "nitf-table", "hr", "fn", "note", "credit"):
            yield " ".join("".join(child.itertext()).split())
        if child.tail and child.tail.strip():
            yield child.tail


def _nitf_table(table: etree._Element) -> lxml.html.HtmlElement:
    """A NITF (or XHTML) table as an HTML table: its rows and cells, their inline text."""
    out = lxml.html.Element("table")
    for row in table.iter():
        if isinstance(row.tag, str) and local_name(row) == "tr":
            tr = lxml.html.etree.SubElement(out, "tr")
            for cell in row:
                if local_name(cell) in ("td", "th"):
                    _nitf_inline(cell, lxml.html.etree.SubElement(tr, local_name(cell)))
    return out


def _nitf_inline(source: etree._Element, target: lxml.html.HtmlElement) -> None:
    """Copy a NITF (or XHTML) element's text and inline markup; XML indentation is folded."""
    _add_text(target, _SPACES.sub(" ", source.text or ""))
    for child in source:
        name = local_name(child)
        tag = _NITF_INLINE.get(name) or ("em" if name in _EMPHASIS else None)
        if tag == "br":
            lxml.html.etree.SubElement(target, "br")
        elif tag is not None and (tag != "a" or child.get("href")):
            new = lxml.html.etree.SubElement(target, tag)
            if tag == "a":
                new.set("href", child.get("href"))
            _nitf_inline(child, new)
        else:
            _add_text(target, _SPACES.sub(" ", "".join(child.itertext())))
        _add_text(target, _SPACES.sub(" ", child.tail or ""))


def _serialise(element: lxml.html.HtmlElement) -> str:
    element.tail = None
    if element.text:
        element.text = element.text.lstrip()
    last = element[-1] if len(element) else None
    if last is not None and last.tail:
        last.tail = last.tail.rstrip()
    elif last is None and element.text:
        element.text = element.text.rstrip()
    text: str = lxml.html.tostring(element, encoding="unicode", method="html")
    return text
