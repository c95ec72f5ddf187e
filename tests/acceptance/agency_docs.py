"""Documents shaped like what real agency feeds send, with their traps, written for these
tests: odd encodings, NITF without a namespace, CDATA, entities, RTL, HTML bodies,
several bodies, withheld and canceled items, embargoes, time zones, a very long story.

Each entry: (name, content type, bytes, what the source says, for the comparison).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LONG_PARAGRAPHS", "AgencyDoc", "agency_docs"]

LONG_PARAGRAPHS = 2000


@dataclass(frozen=True)
class AgencyDoc:
    """One crafted document and the text it carries."""

    name: str
    content_type: str
    data: bytes
    uri: str
    headline: str = ""
    paragraphs: tuple[str, ...] = ()
    byline: str = ""
    language: str = ""
    dateline: str = ""
    subjects: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def _nitf_latin1() -> AgencyDoc:
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        "<nitf><head><title>Café prices</title><docdata>"
        '<doc-id id-string="urn:acceptance:nitf:latin1"/><urgency ed-urg="2"/>'
        '<date.issue norm="20240506T101500+0300"/>'
        '<doc.copyright holder="Pressebyrå Øst"/></docdata></head>'
        "<body><body.head><hedline><hl1>Café crème prices soar in Zürich</hl1>"
        "</hedline><byline>By Jürgen Müller</byline>"
        "<dateline><location>ZÜRICH</location>, <story.date>May 6</story.date></dateline>"
        "</body.head><body.content>"
        "<p>Prices for café crème rose by 12\u00a0percent, traders in Zürich said.</p>"
        "<p>Second paragraph with &amp; ampersand and &lt;angle&gt; brackets, ¿sí?</p>"
        "</body.content></body></nitf>"
    )
    return AgencyDoc(
        "nitf-latin1-no-namespace",
        "application/xml",
        text.encode("iso-8859-1"),
        "urn:acceptance:nitf:latin1",
        headline="Café crème prices soar in Zürich",
        paragraphs=(
            "Prices for café crème rose by 12\u00a0percent, traders in Zürich said.",
            "Second paragraph with & ampersand and <angle> brackets, ¿sí?",
        ),
        byline="By Jürgen Müller",
        dateline="ZÜRICH, May 6",
        extra={"firstCreated": "2024-05-06T07:15:00+00:00"},
    )


def _nitf_embargoed() -> AgencyDoc:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/" version="-//IPTC//DTD NITF 3.6//EN">'
        '<head><title>Embargoed</title><docdata management-status="embargoed">'
        '<doc-id id-string="urn:acceptance:nitf:embargoed"/><urgency ed-urg="4"/>'
        '<date.release norm="20990101T000000Z"/></docdata></head>'
        "<body><body.head><hedline><hl1>Quarterly figures under embargo</hl1></hedline>"
        "</body.head><body.content><p>The embargoed figures show a sharp rise in output.</p>"
        "</body.content></body></nitf>"
    )
    return AgencyDoc(
        "nitf-embargoed",
        "application/xml",
        text.encode(),
        "urn:acceptance:nitf:embargoed",
        headline="Quarterly figures under embargo",
        paragraphs=("The embargoed figures show a sharp rise in output.",),
        extra={"embargoedUntil": "2099-01-01T00:00:00+00:00"},
    )


_G2_HEAD = (
    '<?xml version="1.0" encoding="{enc}"?>\n'
    '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{guid}" version="{version}"'
    ' standard="NewsML-G2" standardversion="2.35" conformance="power"{lang}>'
    '<catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"/>'
    '<itemMeta><itemClass qcode="ninat:text"/><provider literal="Acceptance"/>'
    "<versionCreated>{created}</versionCreated>"
    '<pubStatus qcode="stat:{status}"/></itemMeta>'
)


def _g2_arabic() -> AgencyDoc:
    text = _G2_HEAD.format(
        enc="UTF-8",
        guid="urn:acceptance:g2:arabic",
        version="3",
        lang=' xml:lang="ar"',
        created="2024-05-06T10:00:00+03:00",
        status="usable",
    ) + (
        "<contentMeta><urgency>1</urgency><located><name>القاهرة"
        "</name></located>"
        '<subject type="cpnat:abstract" qcode="medtop:11000000"><name>سياسة'
        "</name></subject>"
        '<genre qcode="genre:Current"/>'
        "<headline>عاجل: البنك المر"
        "كزي يرفع الفائدة"
        "</headline><by>مراسل الوكالة"
        "</by><dateline>القاهرة، 6 مايو"
        "</dateline></contentMeta>"
        '<contentSet><inlineXML contenttype="application/xhtml+xml">'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body>'
        "<p>رفع البنك المركز"
        "ي المصري أسعار ال"
        "فائدة يوم الاثني"
        "ن.</p>"
        "<p>وقال المحافظ إن "
        "القرار جاء لكبح "
        "التضخم في البلاد."
        "</p></body></html></inlineXML></contentSet></newsItem>"
    )
    return AgencyDoc(
        "g2-arabic-rtl",
        "application/vnd.iptc.g2.newsitem+xml",
        text.encode(),
        "urn:acceptance:g2:arabic",
        headline="عاجل: البنك المركزي يرفع الفائدة",
        paragraphs=("رفع البنك المركزي المصري أسعار الفائدة يوم الاثنين.",),
        byline="مراسل الوكالة",
        language="ar",
        dateline="القاهرة، 6 مايو",
        subjects=("سياسة",),
        extra={
            "urgency": 1,
            "located": "القاهرة",
            "genres": [{"uri": "http://cv.iptc.org/newscodes/genre/Current"}],
        },
    )


def _g2_cdata(encoding: str, guid: str) -> AgencyDoc:
    text = _G2_HEAD.format(
        enc=encoding,
        guid=guid,
        version="1",
        lang="",
        created="2024-01-31T23:30:00-08:00",
        status="usable",
    ) + (
        '<contentMeta><language tag="en-GB"/>'
        '<headline><![CDATA[Markets & "bubbles" <rise> again]]></headline></contentMeta>'
        '<contentSet><inlineData contenttype="text/plain"><![CDATA[Shares in London & Paris rose'
        " sharply on Wednesday morning.\n\nAnalysts said <nothing> had changed since Tuesday."
        "]]></inlineData></contentSet></newsItem>"
    )
    data = text.encode("utf-16") if encoding == "UTF-16" else text.encode()
    return AgencyDoc(
        f"g2-cdata-{encoding.lower()}",
        "application/xml",
        data,
        guid,
        headline='Markets & "bubbles" <rise> again',
        paragraphs=(
            "Shares in London & Paris rose sharply on Wednesday morning.",
            "Analysts said <nothing> had changed since Tuesday.",
        ),
        language="en-GB",
        extra={"firstCreated": "2024-02-01T07:30:00+00:00"},
    )


def _ninjs(name: str, document: dict[str, Any], **expected: Any) -> AgencyDoc:
    return AgencyDoc(
        name, "application/json", json.dumps(document).encode(), document["uri"], **expected
    )


def _ninjs_docs() -> list[AgencyDoc]:
    html = {
        "uri": "urn:acceptance:ninjs:html",
        "type": "text",
        "language": "es",
        "version": "1",
        "urgency": 2,
        "headlines": [{"role": "main", "value": "Un sismo sacude la costa de Lima"}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": "<p>Un sismo de magnitud 6,1 sacudió la <b>costa</b> de Lima.</p>"
                '<script>alert("x")</script><p onclick="x()">No se reportaron daños '
                "&amp; víctimas hasta ahora.</p>",
            },
            {
                "role": "alternate",
                "contentType": "text/plain",
                "value": "Versión breve para radio: sismo en Lima, sin daños.",
            },
        ],
        "descriptions": [{"role": "summary", "value": "Fuerte temblor en Perú."}],
        "by": "Ana Pérez",
        "located": "Lima",
        "genres": [{"uri": "http://cv.iptc.org/newscodes/genre/Current", "name": "Current"}],
        "subjects": [
            {
                "uri": "http://cv.iptc.org/newscodes/mediatopic/03000000",
                "name": "disaster, accident and emergency incident",
            }
        ],
        "firstCreated": "2024-05-06T10:00:00-05:00",
    }
    cjk = {
        "uri": "urn:acceptance:ninjs:chinese",
        "type": "text",
        "language": "zh-Hant",
        "headlines": [{"role": "main", "value": "台北股市大漲"}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/plain",
                "value": "台北股市周三大漲百分之三，電子股領漲。\n\n分析師表示，外資持續買超。",
            }
        ],
    }
    long_story = {
        "uri": "urn:acceptance:ninjs:long",
        "type": "text",
        "language": "en",
        "headlines": [{"role": "main", "value": "The longest story on the wire"}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": "".join(
                    f"<p>Paragraph {i} of the transcript, as the minister read it out.</p>"
                    for i in range(LONG_PARAGRAPHS)
                ),
            }
        ],
    }
    withheld = {
        "uri": "urn:acceptance:ninjs:withheld",
        "type": "text",
        "language": "en",
        "pubStatus": "withheld",
        "headlines": [{"role": "main", "value": "Withheld pending legal review"}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "Withheld text."}],
    }
    return [
        _ninjs(
            "ninjs-html-two-bodies",
            html,
            headline="Un sismo sacude la costa de Lima",
            paragraphs=(
                "Un sismo de magnitud 6,1 sacudió la costa de Lima.",
                "No se reportaron daños & víctimas hasta ahora.",
                "Versión breve para radio: sismo en Lima, sin daños.",
            ),
            byline="Ana Pérez",
            language="es",
            subjects=("disaster, accident and emergency incident",),
            extra={"firstCreated": "2024-05-06T15:00:00+00:00", "urgency": 2, "located": "Lima"},
        ),
        _ninjs(
            "ninjs-chinese",
            cjk,
            headline="台北股市大漲",
            paragraphs=("台北股市周三大漲百分之三，電子股領漲。",),
            language="zh-Hant",
        ),
        _ninjs(
            "ninjs-long",
            long_story,
            headline="The longest story on the wire",
            paragraphs=(
                "Paragraph 0 of the transcript, as the minister read it out.",
                f"Paragraph {LONG_PARAGRAPHS - 1} of the transcript, as the minister read it out.",
            ),
            language="en",
        ),
        _ninjs("ninjs-withheld", withheld, headline="Withheld pending legal review"),
    ]


def agency_docs() -> list[AgencyDoc]:
    """Every crafted document, in the order a feed would send them."""
    return [
        _nitf_latin1(),
        _nitf_embargoed(),
        _g2_arabic(),
        _g2_cdata("UTF-8", "urn:acceptance:g2:cdata"),
        _g2_cdata("UTF-16", "urn:acceptance:g2:utf16"),
        *_ninjs_docs(),
    ]
