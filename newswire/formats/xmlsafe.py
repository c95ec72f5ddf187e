"""Reading XML without trusting it: no DTD is read, no network, bounded size.

Real NITF and NewsML-G2 files often name a DTD (`<!DOCTYPE nitf SYSTEM "nitf-3-6.dtd">`)
and use the HTML entities it declares (`&nbsp;`, `&eacute;`). The DTD is never fetched:
such entities are read as the characters HTML gives them, internal declarations of plain
text are used as written, and external or nested entities are refused.
"""

from __future__ import annotations

import html.entities
import re

from lxml import etree  # type: ignore[import-untyped]

from newswire.errors import Invalid

__all__ = ["MAX_BYTES", "local_name", "namespace", "read_xml", "spaced_text", "xml_text"]

MAX_BYTES = 32 * 1024 * 1024
# Characters XML 1.0 cannot carry at all; they are dropped from output text.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_UNDECLARED = re.compile(r"Entity '([^']+)' not defined")
_DOCTYPE = re.compile(r"<!DOCTYPE\s[^\[>]*(\[|>)")
_DECLARED = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']+)[\"']")
_ENCODING = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])[^\"']*\2")


def xml_text(text: str) -> str:
    """Text made safe to put into an XML element or attribute."""
    return _NOT_XML.sub("", text)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def read_xml(data: bytes) -> etree._Element:
    """Parse a document; a named DTD is not read, its HTML entities become characters."""
    if len(data) > MAX_BYTES:
        raise Invalid(f"file: larger than {MAX_BYTES // (1024 * 1024)} MiB")
    data = _trim_start(data)
    try:
        tree, undeclared = _parse(data)
    except Invalid as err:
        if "Unsupported encoding" not in str(err):
            raise
        data = _recoded(data)
        tree, undeclared = _parse(data)
    if undeclared:
        # Declared in a DTD we do not read: declare them ourselves and read again, so that
        # attribute values keep them too (libxml2 drops undeclared ones there).
        tree, undeclared = _parse(_with_declarations(data, tree.docinfo.encoding, undeclared))
    entities = _internal_entities(tree)
    root = tree.getroot()
    _replace_entity_references(root, entities)
    return root


def _trim_start(data: bytes) -> bytes:
    """Without the blank lines some exporters write before the XML declaration (which XML
    forbids there); other documents are left as they are."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    rest = data[len(bom) :].lstrip(b" \t\r\n")
    return bom + rest if rest.startswith(b"<?xml") else data


def _recoded(data: bytes) -> bytes:
    """The document as UTF-8 when it declares an encoding libxml2 does not know by that
    name but Python does (`Latin-1`, `mac-roman`)."""
    match = _DECLARED.match(data)
    name = match.group(1).decode("ascii", errors="replace") if match else "?"
    try:
        text = data.decode(name)
    except (LookupError, UnicodeDecodeError):
        raise Invalid(f"file: XML in an unknown encoding {name[:30]!r}") from None
    return _ENCODING.sub(r"\1\2UTF-8\2", text, count=1).encode("utf-8")


def _parse(data: bytes) -> tuple[etree._ElementTree, list[str]]:
    """The tree and the names of entities it uses that nothing declares."""
    parser = _parser()
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        raise Invalid(f"file: not well-formed XML ({_first_line(exc)})") from None
    except (ValueError, etree.LxmlError) as exc:
        raise Invalid(f"file: not readable XML ({_first_line(exc)})") from None
    found = (_UNDECLARED.search(entry.message) for entry in parser.error_log)
    return tree, sorted({m.group(1) for m in found if m})


def _with_declarations(data: bytes, encoding: str | None, names: list[str]) -> bytes:
    """The document as UTF-8 with the HTML entities it uses declared in its DOCTYPE."""
    unknown = [n for n in names if f"{n};" not in html.entities.html5]
    if unknown:
        raise Invalid(f"file: entity &{unknown[0]}; is not declared (DTDs are not read)")
    codec = (encoding or "utf-8").lower()
    try:
        text = data.decode("utf-8-sig" if codec.replace("_", "-") == "utf-8" else codec)
    except (LookupError, UnicodeDecodeError):
        raise Invalid(f"file: not readable as its declared encoding {codec[:30]!r}") from None
    text = _ENCODING.sub(r"\1\2UTF-8\2", text, count=1)
    declarations = "".join(
        f'<!ENTITY {n} "{"".join(f"&#{ord(c)};" for c in html.entities.html5[n + ";"])}">'
        for n in names
    )
    doctype = _DOCTYPE.search(text)
    if doctype is None:
        raise Invalid("file: entities are used without a DOCTYPE")
    if doctype.group(1) == "[":
        text = text[: doctype.end()] + declarations + text[doctype.end() :]
    else:
        text = text[: doctype.end() - 1] + f" [{declarations}]>" + text[doctype.end() :]
    return text.encode("utf-8")


def _internal_entities(tree: etree._ElementTree) -> dict[str, str]:
    """The plain-text entities the document declares; external or nested ones are refused."""
    dtd = tree.docinfo.internalDTD
    if dtd is None:
        return {}
    entities: dict[str, str] = {}
    for entity in dtd.iterentities():
        if entity.system_url is not None or entity.content is None:
            raise Invalid(f"file: entity {entity.name!r} is external; refused")
        if "&" in entity.content or "<" in entity.content:
            raise Invalid(f"file: entity {entity.name!r} holds markup or other entities; refused")
        entities[entity.name] = entity.content
    return entities


def _replace_entity_references(root: etree._Element, entities: dict[str, str]) -> None:
    """Each entity reference in element content replaced by its text."""
    budget = MAX_BYTES
    for node in list(root.iter(etree.Entity)):
        value = entities.get(node.name)
        if value is None:
            raise Invalid(f"file: entity &{node.name}; is not declared")
        budget -= len(value)
        if budget < 0:
            raise Invalid("file: entities expand beyond the size limit")
        _put_text_before(node, value + (node.tail or ""))
        node.getparent().remove(node)


def _put_text_before(node: etree._Element, text: str) -> None:
    previous = node.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent = node.getparent()
        parent.text = (parent.text or "") + text


def namespace(element: etree._Element) -> str:
    """The namespace URI of an element, or an empty string."""
    return etree.QName(element).namespace or ""


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace."""
    name: str = etree.QName(element).localname
    return name


def spaced_text(element: etree._Element) -> str:
    """An element's text with a space between child elements that touch: paragraphs of a
    description, `<person>Ann Lee</person><byline.title>Reporter</byline.title>`."""
    parts = [element.text or ""]
    touching = False
    for child in element:
        if touching:
            parts.append(" ")
        parts += [spaced_text(child), child.tail or ""]
        touching = not child.tail
    return "".join(parts)


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
