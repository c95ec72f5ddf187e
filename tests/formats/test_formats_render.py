"""Rendering: every format validates against the official schema and carries what it should."""

from __future__ import annotations

import json
import os

import pytest
from formats_support import (
    REPO,
    TESTDATA,
    needs_standards,
    ninjs_errors,
    sample_items,
    xsd_errors,
)
from lxml import etree

from newswire.errors import Invalid
from newswire.formats import FORMAT_NAMES, file_extension, media_type, parse, render
from newswire.model import Item

NAR = "{http://iptc.org/std/nar/2006-10-01/}"
NITF = "{http://iptc.org/std/NITF/2006-10-18/}"
ITEMS = sample_items()


def schema_errors(fmt: str, output: bytes) -> list[str]:
    """Violations of the official schema for the format."""
    if fmt == "ninjs3":
        return ninjs_errors("3.1", json.loads(output))
    if fmt == "ninjs2":
        return ninjs_errors("2.2", json.loads(output))
    return xsd_errors("newsml-g2" if fmt == "newsmlg2" else "nitf", output)


@needs_standards
@pytest.mark.parametrize("signal", [None, "update", "correction", "kill"])
@pytest.mark.parametrize("fmt", FORMAT_NAMES)
@pytest.mark.parametrize("name", sorted(ITEMS))
def test_output_validates_against_official_schema(name: str, fmt: str, signal: str | None) -> None:
    output = render(fmt, ITEMS[name], signal=signal, products=["world-en", "economy tr"])
    assert schema_errors(fmt, output) == []


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_golden_files(fmt: str, items: dict[str, Item]) -> None:
    path = TESTDATA / f"english.{fmt}.{file_extension(fmt)}"
    output = render(fmt, items["english"], signal="correction", products=["world-en"])
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(output)
    assert output == path.read_bytes()


def test_media_types_and_extensions() -> None:
    assert media_type("ninjs3") == "application/json"
    assert media_type("newsmlg2") == "application/vnd.iptc.g2.newsitem+xml"
    assert media_type("nitf") == "application/xml"
    assert [file_extension(f) for f in FORMAT_NAMES] == ["json", "json", "xml", "xml"]
    with pytest.raises(Invalid, match="format"):
        media_type("rss")
    with pytest.raises(Invalid, match="signal"):
        render("nitf", ITEMS["english"], signal="recall")


def test_ninjs3_is_the_item_and_nothing_else(items: dict[str, Item]) -> None:
    document = json.loads(render("ninjs3", items["english"], products=["world-en"]))
    assert document == items["english"].to_ninjs()
    assert "products" not in document


def test_ninjs2_uses_lowercase_names(items: dict[str, Item]) -> None:
    document = json.loads(render("ninjs2", items["english"]))
    assert document["versioncreated"] == "2024-05-06T07:08:09Z"
    assert document["embargoed"] == "2099-01-02T03:04:05Z"
    assert document["pubstatus"] == "usable"
    assert document["bodies"][0]["contenttype"] == "text/html"
    assert document["standard"]["version"] == "2.2"
    assert "versionCreated" not in document


def test_newsml_g2_carries_envelope_data(items: dict[str, Item]) -> None:
    root = etree.fromstring(
        render("newsmlg2", items["english"], signal="correction", products=["world-en"])
    )
    meta = root.find(f"{NAR}itemMeta")
    assert root.get("guid") == "urn:newswire:test:en-1"
    assert root.get("version") == "3"
    assert meta.find(f"{NAR}signal").get("qcode") == "sig:correction"
    assert meta.find(f"{NAR}service").get("qcode") == "nwprod:world-en"
    assert meta.find(f"{NAR}embargoed").text == "2099-01-02T03:04:05Z"
    content = root.find(f"{NAR}contentMeta")
    assert content.find(f"{NAR}urgency").text == "3"
    assert content.find(f"{NAR}subject").get("qcode") == "medtop:04000000"


def test_kill_is_canceled_everywhere(items: dict[str, Item]) -> None:
    g2 = etree.fromstring(render("newsmlg2", items["kill"], signal="kill"))
    assert g2.find(f"{NAR}itemMeta/{NAR}pubStatus").get("qcode") == "stat:canceled"
    assert g2.find(f"{NAR}itemMeta/{NAR}edNote").text == "Killed: legal reasons. Do not use."
    nitf = etree.fromstring(render("nitf", items["kill"], signal="kill"))
    assert nitf.find(f"{NITF}head/{NITF}docdata").get("management-status") == "canceled"
    assert json.loads(render("ninjs2", items["kill"]))["pubstatus"] == "canceled"


def test_nitf_docdata(items: dict[str, Item]) -> None:
    nitf = etree.fromstring(render("nitf", items["english"], signal="correction"))
    docdata = nitf.find(f"{NITF}head/{NITF}docdata")
    assert docdata.get("management-status") == "embargoed"
    assert docdata.find(f"{NITF}date.release").get("norm") == "20990102T030405Z"
    assert docdata.find(f"{NITF}correction") is not None
    assert docdata.find(f"{NITF}urgency").get("ed-urg") == "3"
    turkish = etree.fromstring(render("nitf", items["turkish"]))
    assert turkish.find(f"{NITF}head/{NITF}docdata/{NITF}urgency").get("ed-urg") == "8"
    assert turkish.get("baselang") == "tr"


@pytest.mark.parametrize("fmt", ["newsmlg2", "nitf"])
def test_summary_view_has_no_body(fmt: str, items: dict[str, Item]) -> None:
    output = render(fmt, items["summary"])
    assert b"held rates on Tuesday" not in output
    assert b"The central bank held rates." in output


def test_picture_renditions_become_remote_content(items: dict[str, Item]) -> None:
    root = etree.fromstring(render("newsmlg2", items["picture"]))
    assert root.find(f"{NAR}itemMeta/{NAR}itemClass").get("qcode") == "ninat:picture"
    remote = root.findall(f"{NAR}contentSet/{NAR}remoteContent")
    assert [r.get("rendition") for r in remote] == ["rnd:original", "rnd:thumbnail"]
    assert remote[0].get("width") == "4000"
    assert remote[0].get("size") == "5123456"


@needs_standards
@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_text_xml_cannot_carry_is_dropped_not_fatal(fmt: str) -> None:
    item = Item.model_validate(
        {"uri": "urn:x:1", "headlines": [{"value": "bell\x07 and \ufffe"}], "by": "a\x1bb"}
    )
    assert schema_errors(fmt, render(fmt, item)) == []


def demo_stories() -> list[tuple[str, Item, list[str]]]:
    """The demo set's stories (key, item with a uri, products); empty when absent."""
    path = REPO / "newswire" / "demo" / "stories.json"
    if not path.is_file():
        return []
    stories = json.loads(path.read_text())["stories"]
    return [
        (
            story["key"],
            Item.model_validate({"uri": f"urn:newswire:demo:{story['key']}", **story["item"]}),
            story.get("products", []),
        )
        for story in stories
    ]


@needs_standards
@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_every_demo_story_validates_and_round_trips(fmt: str) -> None:
    stories = demo_stories()
    if not stories:
        pytest.skip("newswire/demo/stories.json is absent")
    for key, item, products in stories:
        output = render(fmt, item, products=products)
        assert schema_errors(fmt, output) == [], key
        again = parse(output)[0]
        assert again.item.headline() == item.headline(), key
        assert again.item.uri == item.uri, key
