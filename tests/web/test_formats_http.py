"""`?format=` and `Accept` on the item and the feed; downloads with a file name."""

from __future__ import annotations

from urllib.parse import quote

from tests.conftest import Wire, story
from tests.formats.formats_support import ninjs_errors
from tests.schemas import xsd_errors


def _setup(wire: Wire) -> tuple[object, str]:
    wire.product("world")
    wire.plan("full", ["world"])
    client = wire.subscriber("Reader", "full")
    done = wire.publish(story("Formats travel", urgency=2), ["world"])
    return client, "/v1/items/" + quote(done["uri"], safe="")


def test_item_in_every_format_validates(wire: Wire) -> None:
    client, path = _setup(wire)
    g2 = client.get(path, params={"format": "newsmlg2"})  # type: ignore[attr-defined]
    assert g2.status_code == 200 and "xml" in g2.headers["content-type"]
    assert not xsd_errors("newsml-g2", g2.content)
    nitf = client.get(path, headers={"Accept": "application/nitf+xml"})  # type: ignore[attr-defined]
    assert b"<nitf" in nitf.content and not xsd_errors("nitf", nitf.content)
    two = client.get(path, params={"format": "ninjs2"}).json()  # type: ignore[attr-defined]
    assert not ninjs_errors("2.2", two)
    three = client.get(path).json()  # type: ignore[attr-defined]
    assert not ninjs_errors("3.1", three) and three["urgency"] == 2
    bad = client.get(path, params={"format": "docx"})  # type: ignore[attr-defined]
    assert bad.status_code == 422 and "format" in bad.json()["detail"]


def test_download_has_a_file_name(wire: Wire) -> None:
    client, path = _setup(wire)
    got = client.get(path, params={"format": "nitf", "download": "true"})  # type: ignore[attr-defined]
    disposition = got.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=") and disposition.endswith('-nitf.xml"')


def test_feed_entries_in_another_format(wire: Wire) -> None:
    client, _ = _setup(wire)
    entries = client.get("/v1/feed", params={"format": "newsmlg2"}).json()["entries"]  # type: ignore[attr-defined]
    assert entries and entries[0]["item"].startswith("<?xml")
    assert not xsd_errors("newsml-g2", entries[0]["item"].encode())


def test_corrections_carry_their_signal_in_the_xml_formats(wire: Wire) -> None:
    client, path = _setup(wire)
    fixed = {"item": story("Formats travel, corrected"), "products": ["world"]}
    r = wire.editor.put(
        path.replace("/v1/items/", "/v1/desk/items/"), json=fixed | {"signal": "correction"}
    )
    assert r.status_code in (200, 201), r.text
    g2 = client.get(path, params={"format": "newsmlg2"}).text  # type: ignore[attr-defined]
    assert 'qcode="sig:correction"' in g2 and not xsd_errors("newsml-g2", g2.encode())
    first = client.get(path, params={"format": "newsmlg2", "version": 1}).text  # type: ignore[attr-defined]
    assert "sig:" not in first
    nitf = client.get(path, params={"format": "nitf"}).text  # type: ignore[attr-defined]
    assert "correction" in nitf.split("</head>")[0]
    entries = client.get("/v1/feed", params={"format": "newsmlg2"}).json()["entries"]  # type: ignore[attr-defined]
    assert [e["event"] for e in entries] == ["publish", "correction"]
    assert "sig:" not in entries[0]["item"] and 'qcode="sig:correction"' in entries[1]["item"]
