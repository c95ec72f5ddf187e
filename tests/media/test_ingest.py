"""`newswire media add`: picture files and ninjs documents that name local files go
through the same checks and renditions as an upload, and subscribers download them."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from newswire.cli import main
from tests.conftest import Wire
from tests.media.conftest import blobs_of, picture


def _run(wire: Wire, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    assert wire.server is not None
    monkeypatch.setenv("NEWSWIRE_DATABASE_URL", wire.db_url)
    monkeypatch.setenv("NEWSWIRE_PUBLIC_URL", wire.url)
    return main(["media", "add", *args, "--data-dir", str(wire.server.data_dir)])


def test_documents_with_local_references_and_plain_files(
    media: Wire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    media.product("world")
    media.plan("full", ["world"])
    reader = media.subscriber("Reader", "full")
    folder = tmp_path / "drop"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "harbour.jpg").write_bytes(picture(900, 600))
    (folder / "quay.jpg").write_bytes(picture(500, 400, exif={270: "Cranes on the quay"}))
    doc = {
        "uri": "urn:test:harbour",
        "type": "picture",
        "headlines": [{"value": "Harbour at dawn"}],
        "renditions": [{"name": "original", "href": "photos/harbour.jpg"}],
    }
    (folder / "harbour.json").write_text(json.dumps(doc))

    status = _run(
        media,
        monkeypatch,
        str(folder / "harbour.json"),
        str(folder / "quay.jpg"),
        "--products",
        "world",
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "2 accepted, 0 rejected" in out
    got = reader.get("/v1/items/urn:test:harbour").json()
    web = next(r for r in got["renditions"] if r["name"] == "web")
    assert (web["width"], web["height"]) == (900, 600)
    assert reader.get(urlsplit(web["href"]).path).status_code == 200
    published = [line.split()[1] for line in out.splitlines() if line.startswith("published")]
    (quay,) = [uri for uri in published if uri != "urn:test:harbour"]
    item = reader.get(f"/v1/items/{quote(quay, safe='')}").json()
    assert item["descriptions"][0]["value"] == "Cranes on the quay"


def test_references_outside_the_folder_and_fakes_are_rejected(
    media: Wire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    media.product("world")
    (tmp_path / "secret.jpg").write_bytes(picture(100, 80))
    folder = tmp_path / "drop"
    folder.mkdir()
    escape = {
        "type": "picture",
        "headlines": [{"value": "Escape"}],
        "renditions": [{"name": "original", "href": "../secret.jpg"}],
    }
    (folder / "escape.json").write_text(json.dumps(escape))
    absolute = dict(
        escape, renditions=[{"name": "original", "href": f"file://{tmp_path}/secret.jpg"}]
    )
    (folder / "absolute.json").write_text(json.dumps(absolute))
    (folder / "fake.jpg").write_text("not a picture")
    status = _run(media, monkeypatch, str(folder), "--products", "world")
    out = capsys.readouterr().out
    assert status == 1
    assert "0 accepted, 3 rejected" in out
    assert out.count("outside the document's folder") == 2
    assert "fake.jpg' is text, not a JPEG" in out
    assert blobs_of(media).digests() == []


def test_without_a_public_url_the_command_says_what_to_set(
    media: Wire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "p.jpg").write_bytes(picture(100, 80))
    monkeypatch.delenv("NEWSWIRE_PUBLIC_URL", raising=False)
    monkeypatch.setenv("NEWSWIRE_DATABASE_URL", media.db_url)
    assert main(["media", "add", str(tmp_path / "p.jpg"), "--data-dir", str(tmp_path)]) == 1
    assert "NEWSWIRE_PUBLIC_URL" in capsys.readouterr().err
