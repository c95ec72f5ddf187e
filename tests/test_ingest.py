"""Ingest from files and over HTTP, mapped onto the lifecycle; bad files store nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from newswire import formats
from newswire.model import Item, Text
from tests.conftest import SHARED, Wire
from tests.test_cli import newswire

URI = "urn:newsml:example.org:20261125:quake"


def _item(version: int, headline: str, **extra: object) -> Item:
    return Item(
        uri=URI,
        version=str(version),
        language="en",
        version_created=datetime(2026, 11, 25, 10, version, tzinfo=UTC),
        headlines=[Text(role="main", value=headline)],
        bodies=[Text(value=f"<p>{headline}. Details follow.</p>")],
        **extra,
    )  # type: ignore[arg-type]


def _post(wire: Wire, body: bytes, content_type: str, products: str = "world") -> object:
    return wire.editor.post(
        "/v1/desk/ingest",
        params={"products": products},
        content=body,
        headers={"content-type": content_type},
    )


def test_http_ingest_maps_versions_signals_and_cancels_onto_the_lifecycle(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    reader = wire.subscriber("Reader", "all")
    g2 = "application/vnd.iptc.g2.newsitem+xml"
    first = _post(wire, formats.render("newsmlg2", _item(1, "Quake hits")), g2)
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    assert first.json()[0]["action"] == "published"  # type: ignore[attr-defined]
    again = _post(wire, formats.render("newsmlg2", _item(1, "Quake hits")), g2)
    assert again.json()[0]["action"] == "skipped"  # type: ignore[attr-defined]
    fixed = formats.render("newsmlg2", _item(2, "Quake kills 12"), signal="correction")
    assert _post(wire, fixed, g2).json()[0]["action"] == "corrected"  # type: ignore[attr-defined]
    cancel = formats.render(
        "nitf", _item(3, "Quake", pub_status="canceled", ed_note="Wrong city"), signal="kill"
    )
    assert _post(wire, cancel, "application/xml").json()[0]["action"] == "killed"  # type: ignore[attr-defined]
    events = [e["event"] for e in reader.get("/v1/feed").json()["entries"]]
    assert events == ["kill"]  # the publish and correction are withdrawn after the kill
    editor_events = [e["event"] for e in wire.editor.get("/v1/feed").json()["entries"]]
    assert editor_events == ["kill"]
    with psycopg.connect(wire.db_url) as conn:
        kinds = [r[0] for r in conn.execute("SELECT kind FROM events ORDER BY seq")]
    assert kinds == ["publish", "correction", "kill"]


def test_a_bad_document_stores_nothing(wire: Wire) -> None:
    wire.product("world")
    good = _item(1, "Fine").to_ninjs()
    bad = {"uri": "urn:x:2", "language": "en", "bodies": [{"value": "no headline"}]}
    r = _post(wire, json.dumps([good, bad]).encode(), "application/json")
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "item 2" in r.json()["detail"]  # type: ignore[attr-defined]
    garbage = _post(wire, b"\x00\x01not a news document\xff", "application/octet-stream")
    assert garbage.status_code == 422  # type: ignore[attr-defined]
    unknown = _post(wire, formats.render("ninjs3", _item(1, "x")), "application/json", "nope")
    assert unknown.status_code == 422 and "nope" in unknown.json()["detail"]  # type: ignore[attr-defined]
    with psycopg.connect(wire.db_url) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)


def test_cli_ingest_reports_each_rejection_and_exits_non_zero(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert newswire("product", "add", "world", "--data-dir", str(data)).returncode == 0
    files = tmp_path / "in"
    files.mkdir()
    (files / "story.txt").write_text("Storm closes ports\n\nShips stayed in harbour on Tuesday.")
    (files / "story.json").write_bytes(formats.render("ninjs3", _item(1, "Quake hits")))
    (files / "broken.xml").write_text("<newsItem><itemMeta>")
    result = newswire("ingest", str(files), "--products", "world", "--data-dir", str(data))
    assert result.returncode != 0
    assert "rejected" in result.stdout and "broken.xml" in result.stdout
    assert "2 accepted, 1 rejected" in result.stdout
    samples = SHARED / "samples" / "ninjs"
    if samples.is_dir():
        result = newswire(
            "ingest", str(samples / "3.0_*.json"), "--products", "world", "--data-dir", str(data)
        )
        assert " accepted" in result.stdout


def test_iptc_files_that_must_fail_get_a_4xx_with_a_detail(wire: Wire) -> None:
    folder = SHARED / "samples" / "ninjs-should-fail"
    if not folder.is_dir():
        pytest.skip(f"the IPTC conformance files are not at {folder}")
    wire.product("world")
    for path in sorted(folder.glob("*.json")):
        r = _post(wire, path.read_bytes(), "application/json")
        assert r.status_code == 422, (path.name, r.text)  # type: ignore[attr-defined]
        assert r.json()["detail"], path.name  # type: ignore[attr-defined]


def test_real_agency_samples_ingest_over_http(wire: Wire) -> None:
    folder = SHARED / "samples"
    if not folder.is_dir():
        pytest.skip(f"the real-world samples are not at {folder}")
    wire.product("world")
    fragments = {"LISTING_24", "LISTING_25", "LISTING_28"}  # placeholders and fragments
    for path in sorted([*folder.glob("ninjs/*.json"), *folder.glob("newsml-g2/*.xml")]):
        r = _post(wire, path.read_bytes(), "application/octet-stream")
        if any(path.name.startswith(f + "_") for f in fragments):
            assert r.status_code == 422, path.name  # type: ignore[attr-defined]
        else:
            assert r.status_code == 201, (path.name, r.text)  # type: ignore[attr-defined]


def test_cli_reindex_rebuilds_the_search_index_from_the_log(tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path / "data")]
    assert newswire("product", "add", "world", *data).returncode == 0
    story_file = tmp_path / "story.txt"
    story_file.write_text("Storm closes ports\n\nShips stayed in harbour on Tuesday.")
    assert newswire("ingest", str(story_file), "--products", "world", *data).returncode == 0
    result = newswire("reindex", *data)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("search index rebuilt: 1 items")
