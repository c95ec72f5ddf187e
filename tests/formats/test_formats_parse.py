"""Parsing: sniffing, the older and odder shapes, hostile input, and fuzzing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from formats_support import SAMPLES, sample_items
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswire.errors import Invalid
from newswire.formats import FORMAT_NAMES, parse, render

NITF_PLAIN = b"""<?xml version="1.0"?>
<nitf baselang="tr">
  <head>
    <title>Istanbul'da kar</title>
    <docdata management-status="usable">
      <doc-id id-string="urn:nitf:example:1"/>
      <urgency ed-urg="2"/>
      <date.release norm="20990101T000000Z"/>
      <date.issue norm="20240101T100000+0300"/>
      <ed-msg info="Fotograf eklenecek"/>
    </docdata>
  </head>
  <body>
    <body.head><hedline><hl1>Istanbul'da kar yagisi</hl1></hedline>
      <byline>Ayse Yilmaz</byline></body.head>
    <body.content><p>Kar <em>aniden</em> basladi.</p>
      <block><p>Ikinci paragraf.</p></block></body.content>
  </body>
</nitf>"""


def test_plain_text() -> None:
    parsed = parse(b"\n\n  Flash: quake hits  \nFirst line of body\ncontinues.\n\nSecond <para>.\n")
    item = parsed[0].item
    assert item.headline() == "Flash: quake hits"
    assert item.bodies and item.bodies[0].value == (
        "<p>First line of body continues.</p><p>Second &lt;para&gt;.</p>"
    )
    assert item.uri is None


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"\xff\xfe\x00b", b"head\x00line"])
def test_plain_text_rejections(data: bytes) -> None:
    with pytest.raises(Invalid, match="file"):
        parse(data)


def test_nitf_without_namespace() -> None:
    item = parse(NITF_PLAIN, content_type="application/xml")[0].item
    assert item.uri == "urn:nitf:example:1"
    assert item.headline() == "Istanbul'da kar yagisi"
    assert item.language == "tr"
    assert item.urgency == 2
    assert item.embargoed_until == datetime(2099, 1, 1, tzinfo=UTC)
    assert item.version_created == datetime(2024, 1, 1, 7, tzinfo=UTC)
    assert item.ed_note == "Fotograf eklenecek"
    assert item.by == "Ayse Yilmaz"
    assert item.bodies and item.bodies[0].value == (
        "<p>Kar <em>aniden</em> basladi.</p><p>Ikinci paragraf.</p>"
    )


def test_nitf_past_release_is_not_an_embargo() -> None:
    data = NITF_PLAIN.replace(b"20990101T000000Z", b"20000101T000000Z")
    assert parse(data)[0].item.embargoed_until is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b'ed-urg="2"', b'ed-urg="9"', "urgency@ed-urg"),
        (b'norm="20240101T100000+0300"', b'norm="yesterday"', "date.issue@norm"),
        (b"<body>", b"<bodyx>", "not well-formed"),
    ],
)
def test_nitf_rejections(old: bytes, new: bytes, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse(NITF_PLAIN.replace(old, new))


def g2(meta: str = "", content: str = "", guid: str = "urn:x:1", version: str = "2") -> bytes:
    """A minimal NewsML-G2 newsItem."""
    return (
        f'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="{guid}" version="{version}"'
        f' standard="NewsML-G2" standardversion="2.35" xml:lang="ar">{meta}{content}</newsItem>'
    ).encode()


ITEM_META = (
    '<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:X"/>'
    "<versionCreated>2024-01-01T00:00:00Z</versionCreated>"
    '<pubStatus qcode="stat:canceled"/><signal qcode="sig:correction"/>'
    '<service qcode="svc:world-ar"/></itemMeta>'
)


def test_newsml_g2_minimal_with_xhtml_body() -> None:
    content = (
        "<contentMeta><headline>عاجل</headline></contentMeta><contentSet>"
        '<inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml">'
        "<head><title>t</title></head><body><h1>عنوان</h1><p>نص <b>مهم</b></p></body></html>"
        "</inlineXML></contentSet>"
    )
    parsed = parse(g2(ITEM_META, content))[0]
    assert parsed.item.pub_status == "canceled"
    assert parsed.signal == "correction"
    assert parsed.products == ("world-ar",)
    assert parsed.item.language == "ar"
    assert (
        parsed.item.bodies and parsed.item.bodies[0].value == "<h2>عنوان</h2><p>نص <em>مهم</em></p>"
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (g2(), "newsItem/itemMeta: missing"),
        (g2(ITEM_META.replace("<versionCreated>2024-01-01T00:00:00Z</versionCreated>", "")),
         "newsItem/itemMeta/versionCreated: missing"),
        (g2(ITEM_META, guid=""), "newsItem@guid: missing"),
        (g2(ITEM_META, version="0"), "newsItem@version"),
        (g2(ITEM_META, "<contentMeta><urgency>12</urgency></contentMeta>"), "contentMeta/urgency"),
        (g2(ITEM_META.replace("stat:canceled", "stat:gone")), "itemMeta/pubStatus"),
        (g2(ITEM_META, '<contentSet><remoteContent href="x" width="wide"/></contentSet>'),
         "remoteContent\\[1\\]@width"),
        (b"<rss/>", "neither NewsML-G2 nor NITF"),
    ],
)  # fmt: skip
def test_newsml_g2_rejections_name_the_element(document: bytes, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse(document)


def test_a_guid_that_is_no_uri_becomes_a_stable_urn() -> None:
    # G2 types guid as xs:string: agencies send plain ids, and a resend must match.
    assert parse(g2(ITEM_META, guid="N1 x"))[0].item.uri == "urn:g2guid:N1%20x"
    assert parse(g2(ITEM_META, guid="tag:a.example,2026:1"))[0].item.uri == "tag:a.example,2026:1"


def test_news_message_with_several_items() -> None:
    one = g2(ITEM_META).decode()
    two = g2(ITEM_META, guid="urn:x:2").decode()
    message = (
        '<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header/>'
        f"<itemSet>{one}{two}</itemSet></newsMessage>"
    ).encode()
    assert [p.item.uri for p in parse(message)] == ["urn:x:1", "urn:x:2"]


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE nitf [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b"<nitf><body><body.content><p>&xxe;</p></body.content></body></nitf>",
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
            for i in range(1, 10)
        )
        + b"]><nitf><body><body.content><p>&lol9;</p></body.content></body></nitf>",
        b'<!DOCTYPE x [<!ENTITY % ext SYSTEM "http://example.com/x.ent"> %ext;]><nitf/>',
        b'<!DOCTYPE x SYSTEM "x.dtd"><nitf><body><body.content><p>&madeup;</p></body.content>'
        b"</body></nitf>",
    ],
    ids=["xxe", "billion-laughs", "external-parameter-entity", "undeclared-entity"],
)
def test_hostile_xml_is_refused(document: bytes) -> None:
    with pytest.raises(Invalid, match=r"DOCTYPE|entity"):
        parse(document)


def test_a_named_dtd_is_not_fetched_and_its_html_entities_are_read() -> None:
    document = (
        b'<!DOCTYPE nitf SYSTEM "http://example.invalid/nitf-3-6.dtd">'
        b'<nitf><head><docdata><doc.copyright holder="Caf&eacute; Presse"/></docdata></head>'
        b"<body><body.head><hedline><hl1>Caf&eacute;&nbsp;news</hl1></hedline></body.head>"
        b"<body.content><p>&laquo;Oui&raquo; &amp; non</p></body.content></body></nitf>"
    )
    item = parse(document)[0].item
    assert item.headline() == "Caf\u00e9 news"  # whitespace in headlines is folded
    assert item.copyright_holder == "Caf\u00e9 Presse"
    assert item.bodies is not None and item.bodies[0].value == "<p>\u00abOui\u00bb &amp; non</p>"


def test_ninjs2_legacy_shapes() -> None:
    document = {
        "uri": "urn:legacy:1",
        "headline": "Old style",
        "body_html": "<p>Body</p>",
        "description_text": "Summary",
        "pubstatus": "usable",
        "embargoed": "2099-01-01T00:00:00Z",
        "subject": [{"name": "politics", "uri": "http://x/1"}],
        "person": [{"name": "A. Person"}],
        "place": [{"name": "Ankara"}],
        "organisation": [{"name": "Org", "symbols": [{"ticker": "ORG", "exchange": "X"}]}],
        "renditions": {"thumbnail": {"href": "https://x/t.jpg", "width": 10}},
        "associations": {"photo": {"uri": "urn:legacy:2", "type": "picture"}},
    }
    item = parse(json.dumps(document).encode())[0].item
    assert item.headline() == "Old style"
    assert item.summary() == "Summary"
    assert item.bodies and item.bodies[0].content_type == "text/html"
    assert item.embargoed_until == datetime(2099, 1, 1, tzinfo=UTC)
    assert item.renditions and item.renditions[0].name == "thumbnail"
    assert item.associations and item.associations[0].name == "photo"
    assert item.people and item.places and item.subjects
    assert item.organisations == [{"name": "Org", "symbols": [{"exchange": "X", "symbol": "ORG"}]}]


def test_ninjs_lenient_where_safe() -> None:
    document = {
        "$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
        "uri": "urn:x:1",
        "renditions": [{"name": "main", "title": "Full resolution", "href": "https://x/y"}],
    }
    item = parse(json.dumps(document).encode())[0].item
    assert item.renditions and item.renditions[0].name == "main"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"{", "not valid JSON"),
        (b"[]", "empty JSON array"),
        (b"[1]", r"\[0\]: a ninjs item must be a JSON object"),
        (b'{"uri": "urn:x", "versionCreated": "2020-01-01T00:00:00Z", "pubstatus": "usable"}',
         "mixes ninjs 2"),
        (b'{"uri": "urn:x", "urgency": 10}', "urgency"),
        (b'{"uri": "no-scheme"}', "uri"),
        (b'{"uri": "urn:x", "subjects": [{"name": "x", "geoJSON": {}}]}', r"subjects\[0\].geoJSON"),
    ],
)  # fmt: skip
def test_ninjs_rejections(document: bytes, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse(document, content_type="application/json")


def test_json_array_is_several_items() -> None:
    data = json.dumps([{"uri": "urn:a:1"}, {"uri": "urn:a:2", "versioncreated": "2020-01-01"}])
    assert [p.item.uri for p in parse(data.encode())] == ["urn:a:1", "urn:a:2"]


def _seeds() -> list[bytes]:
    items = sample_items()
    seeds = [NITF_PLAIN, g2(ITEM_META)]
    seeds += [render(f, items[n]) for f in FORMAT_NAMES for n in ("english", "picture", "kill")]
    if SAMPLES.is_dir():
        seeds += [p.read_bytes() for p in sorted((SAMPLES / "ninjs-should-fail").glob("*"))]
        seeds.append((SAMPLES / "newsml-g2" / "LISTING_3_Photo_in_NewsML-G2.xml").read_bytes())
    return seeds


SEEDS = _seeds()


def _only_invalid(data: bytes) -> None:
    try:
        parsed = parse(data)
    except Invalid as exc:
        assert str(exc)
        return
    assert parsed and all(p.item is not None for p in parsed)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_fuzz_arbitrary_bytes(data: bytes) -> None:
    _only_invalid(data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 8), st.binary(max_size=6)), min_size=1, max_size=4
    ),
)
def test_fuzz_mutated_documents(seed: bytes, edits: list[tuple[float, int, bytes]]) -> None:
    data = seed
    for where, cut, insert in edits:
        at = int(where * len(data))
        data = data[:at] + insert + data[at + cut :]
    _only_invalid(data)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_NINJS_KEYS = st.sampled_from(
    ["uri", "headlines", "bodies", "urgency", "renditions", "associations", "places", "subjects",
     "eventDetails", "plannedCoverage", "rightsInfo", "versionCreated", "embargoed", "pubstatus",
     "organisations", "body_html", "renditions", "geoJSON", "contactInfo", "standard"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(document=st.dictionaries(_NINJS_KEYS, _JSON_VALUES, max_size=6))
def test_fuzz_ninjs_structures(document: dict[str, object]) -> None:
    _only_invalid(json.dumps({"uri": "urn:fuzz:1", **document}).encode())
