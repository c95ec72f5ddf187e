"""Reading XML without trusting it: no DTDs, no entities, no network, bounded size."""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]

from newswire.errors import Invalid

__all__ = ["MAX_BYTES", "local_name", "namespace", "read_xml", "xml_text"]

MAX_BYTES = 32 * 1024 * 1024
# Characters XML 1.0 cannot carry at all; they are dropped from output text.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


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
    """Parse a document; a DOCTYPE (and so any entity declaration) is refused outright."""
    if len(data) > MAX_BYTES:
        raise Invalid(f"file: larger than {MAX_BYTES // (1024 * 1024)} MiB")
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        raise Invalid(f"file: not well-formed XML ({_first_line(exc)})") from None
    except (ValueError, etree.LxmlError) as exc:
        raise Invalid(f"file: not readable XML ({_first_line(exc)})") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise Invalid("file: DOCTYPE declarations are not accepted (no DTDs or entities)")
    root = tree.getroot()
    for node in root.iter():
        if not isinstance(node.tag, str):
            raise Invalid("file: entity references are not accepted")
    return root


def namespace(element: etree._Element) -> str:
    """The namespace URI of an element, or an empty string."""
    return etree.QName(element).namespace or ""


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace."""
    name: str = etree.QName(element).localname
    return name


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
