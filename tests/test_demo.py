"""The demo content: enough of everything, and every item it serves is valid ninjs 3.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswire.demo.seed import prepare_demo_dir, seed_demo
from newswire.errors import Conflict
from newswire.store.database import Database
from tests.conftest import LiveServer, Wire, new_key, run_async
from tests.schemas import ninjs3_errors


async def _seed(url: str) -> str:
    db = Database(url, size=2)
    await db.open()
    try:
        return await seed_demo(db, "http://demo.invalid")
    finally:
        await db.close()


@pytest.fixture
def demo(db_url: str, tmp_path: Path) -> tuple[Wire, str]:
    printed = run_async(_seed(db_url))
    server = LiveServer(db_url, tmp_path)
    wire = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"))
    yield wire, printed  # type: ignore[misc]
    wire.close()
    server.stop()


def _all_entries(client: object) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    after = 0
    while True:
        page = client.get("/v1/feed", params={"after": after, "limit": 500}).json()  # type: ignore[attr-defined]
        entries += page["entries"]
        if page["next"] == after:
            return entries
        after = page["next"]


def test_demo_has_the_promised_content(demo: tuple[Wire, str]) -> None:
    wire, printed = demo
    keys = [
        line.split()[-1]
        for line in printed.splitlines()
        if "subscriber" in line and line.split()[-1].startswith("nw_sub_")
    ]
    assert len(keys) == 3
    editor_entries = _all_entries(wire.editor)
    kinds = [e["event"] for e in editor_entries]
    assert kinds.count("publish") >= 40
    assert {"update", "correction", "kill"} <= set(kinds)
    items = [e["item"] for e in editor_entries]
    languages = {i.get("language") for i in items}  # type: ignore[union-attr]
    assert {"en", "tr", "ar", "fr"} <= languages
    products = {p for e in editor_entries for p in e["products"]}  # type: ignore[attr-defined]
    assert len(products) >= 6
    assert any(i.get("urgency") == 1 for i in items)  # type: ignore[union-attr]
    assert any("embargoedUntil" in i for i in items)  # type: ignore[operator]

    views = {wire.client(key).get("/v1/feed").json()["entries"][0]["view"] for key in keys}
    assert views == {"full", "summary"}


def test_every_served_item_validates_against_ninjs_3_1(demo: tuple[Wire, str]) -> None:
    wire, printed = demo
    keys = [line.split()[-1] for line in printed.splitlines() if "nw_sub_" in line]
    checked = 0
    for client in [wire.editor, *(wire.client(k) for k in keys)]:
        for entry in _all_entries(client):
            errors = ninjs3_errors(entry["item"])  # type: ignore[arg-type]
            assert not errors, (entry["seq"], errors)
            checked += 1
    assert checked > 80


def test_demo_refuses_a_data_dir_that_is_not_a_demo(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(Conflict):
        prepare_demo_dir(tmp_path)
    demo_dir = tmp_path / "demo"
    prepare_demo_dir(demo_dir)
    (demo_dir / "old").write_text("from the last demo")
    prepare_demo_dir(demo_dir)
    assert not (demo_dir / "old").exists()
