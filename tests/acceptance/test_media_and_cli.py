"""`POST /v1/desk/media` and renditions as a subscriber downloads them, and the command
line's promises: exit statuses, one-line errors, keys as the last word, `--data-dir`."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from PIL import Image

from tests.acceptance.conftest import Newswire, is_problem, path_of
from tests.schemas import ninjs3_errors

PRODUCT = "media-cli"


def jpeg(width: int = 900, height: int = 600) -> bytes:
    image = Image.new("RGB", (width, height))
    for x in range(0, width, 40):  # some structure, so the encoder has work to do
        image.paste((x % 255, 90, 200 - x % 200), (x, 0, x + 20, height))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@pytest.fixture(scope="module")
def media(nw: Newswire) -> dict[str, Any]:
    item = {
        "headlines": [{"role": "main", "value": "Crowds at the harbour"}],
        "language": "en",
        "descriptions": [{"role": "caption", "value": "Crowds gather at the harbour."}],
    }
    answer = nw.editor.post(
        "/v1/desk/media",
        files={"file": ("harbour.jpg", jpeg(), "image/jpeg")},
        data={"item": json.dumps(item), "products": PRODUCT},
    )
    assert answer.status_code == 201, answer.text
    return {
        "answer": answer.json(),
        "full": nw.sub("media-full"),
        "summary": nw.sub("media-summary"),
        "text": nw.sub("media-text"),
    }


def test_media_upload_and_renditions(nw: Newswire, media: dict[str, Any]) -> None:
    answer = media["answer"]
    assert set(answer) >= {"uri", "version", "seq", "renditions"}
    assert "original" in answer["renditions"] and "thumbnail" in answer["renditions"]
    uri = answer["uri"]
    item = media["full"].get(path_of(uri)).json()
    assert item["type"] == "picture" and ninjs3_errors(item) == []
    original = media["full"].get(path_of(uri) + "/renditions/original")
    assert original.status_code == 200 and original.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(original.content)).size == (900, 600)
    summary = media["summary"]
    assert summary.get(path_of(uri) + "/renditions/thumbnail").status_code == 200
    is_problem(summary.get(path_of(uri) + "/renditions/original"), 404)
    is_problem(media["text"].get(path_of(uri) + "/renditions/thumbnail"), 404)
    is_problem(media["full"].get(path_of(uri) + "/renditions/no-such"), 404)
    desk = "/v1/desk/items/" + path_of(uri).removeprefix("/v1/items/") + "/kill"
    assert nw.editor.post(desk, json={"reason": "rights"}).status_code == 200
    is_problem(media["full"].get(path_of(uri) + "/renditions/original"), 410)


def test_bad_media_uploads(nw: Newswire, media: dict[str, Any]) -> None:
    editor = nw.editor
    cases = [
        ({"file": ("x.jpg", b"not a picture", "image/jpeg")}, {"products": PRODUCT}),
        ({"file": ("x.jpg", jpeg(64, 64), "image/jpeg")}, {}),
        ({"file": ("x.jpg", jpeg(64, 64), "image/jpeg")}, {"products": "nope"}),
        ({"file": ("x.jpg", jpeg(64, 64), "image/jpeg")}, {"products": PRODUCT, "item": "{"}),
    ]
    for files, data in cases:
        answer = editor.post("/v1/desk/media", files=files, data=data)
        assert answer.status_code in (413, 415, 422), (data, answer.status_code, answer.text)
        is_problem(answer, answer.status_code)
    no_file = editor.post("/v1/desk/media", data={"products": PRODUCT})
    assert "file" in is_problem(no_file, 422)["detail"]
    is_problem(media["full"].post("/v1/desk/media", data={"products": PRODUCT}), 403)


def _one_line_failure(done: Any) -> str:
    assert done.returncode != 0, done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_cli_commands_and_their_failures(nw: Newswire) -> None:
    key = nw.key("key", "create", "--role", "editor")
    item = {"headlines": [{"value": "Published with a key from the CLI"}], "language": "en"}
    answer = nw.client(key).post("/v1/desk/items", json={"item": item, "products": [PRODUCT]})
    assert answer.status_code == 201, answer.text
    sub = nw.key("subscriber", "add", "CLI subscriber", "--plan", "media-full")
    assert nw.client(sub).get("/v1/feed").status_code == 200
    assert "nope" in _one_line_failure(nw.cli("subscriber", "add", "X", "--plan", "nope"))
    _one_line_failure(nw.cli("key", "create", "--role", "overlord"))
    assert PRODUCT in _one_line_failure(nw.cli("product", "add", PRODUCT))
    missing = nw.cli("plan", "add", "p-missing", "--products", "no-such-product")
    assert "no-such-product" in _one_line_failure(missing)
    _one_line_failure(nw.cli("plan", "add", "p-depth", "--products", PRODUCT, "--depth", "deep"))
    bad_delay = nw.cli("product", "add", "later", "--public", "--public-delay", "-5")
    _one_line_failure(bad_delay)
    assert nw.cli("reindex").returncode == 0
    assert nw.cli("--help").returncode == 0


def test_cli_ingest_of_missing_and_bad_files(nw: Newswire, tmp_path: Any) -> None:
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            {
                "uri": "urn:acceptance:cli:good",
                "headlines": [{"value": "A good file"}],
                "bodies": [{"contentType": "text/plain", "value": "Fine."}],
            }
        )
    )
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<nitf><head>")
    both = nw.cli("ingest", str(good), str(bad), "--products", PRODUCT)
    assert both.returncode != 0
    assert "1 accepted, 1 rejected" in both.stdout + both.stderr
    assert "bad.xml" in both.stdout + both.stderr
    gone = nw.cli("ingest", str(tmp_path / "absent.json"), "--products", PRODUCT)
    assert gone.returncode != 0 and "absent.json" in gone.stdout + gone.stderr
    assert "Traceback" not in gone.stderr
