"""The publish lifecycle through the HTTP API: publish, views, update, correction, kill, embargo."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import psycopg

from tests.conftest import Wire, story


def _item_path(uri: str) -> str:
    return "/v1/items/" + quote(uri, safe="")


def test_publish_is_full_summary_or_absent_by_plan(wire: Wire) -> None:
    full, summary, other = wire.three_plans("world-en")
    done = wire.publish(story("Dam breaks upstream"), ["world-en"])
    assert done["version"] == 1 and done["seq"] >= 1

    got = full.get(_item_path(done["uri"]))
    assert got.status_code == 200
    assert got.json()["bodies"][0]["value"].startswith("<p>Dam breaks upstream")
    assert got.json()["representationType"] == "full"

    short = summary.get(_item_path(done["uri"])).json()
    assert "bodies" not in short
    assert short["representationType"] == "partial"
    assert short["headlines"][0]["value"] == "Dam breaks upstream"
    assert short["descriptions"][0]["value"]  # a lead summary is made when none is given

    hidden = other.get(_item_path(done["uri"]))
    assert hidden.status_code == 404
    assert hidden.headers["content-type"] == "application/problem+json"
    assert other.get("/v1/feed").json()["entries"] == []


def test_correction_makes_a_new_version_and_a_correction_event(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world-en")
    done = wire.publish(story("Twelve hurt in blast"), ["world-en"])
    fixed = story("Twenty hurt in blast", edNote="Corrects number of injured")
    r = wire.editor.put(
        "/v1/desk/items/" + quote(done["uri"], safe=""),
        json={"item": fixed, "signal": "correction"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    entries = full.get("/v1/feed").json()["entries"]
    assert [e["event"] for e in entries] == ["publish", "correction"]
    assert entries[1]["item"]["version"] == "2"
    assert entries[1]["item"]["headlines"][0]["value"] == "Twenty hurt in blast"
    latest = full.get(_item_path(done["uri"])).json()
    assert latest["version"] == "2"
    first = full.get(_item_path(done["uri"]), params={"version": 1}).json()
    assert first["headlines"][0]["value"] == "Twelve hurt in blast"


def test_kill_removes_content_everywhere_and_sends_a_kill_event(wire: Wire) -> None:
    full, summary, other = wire.three_plans("world-en")
    done = wire.publish(story("Minister resigns"), ["world-en"])
    r = wire.editor.post(
        "/v1/desk/items/" + quote(done["uri"], safe="") + "/kill",
        json={"reason": "Wrong minister named"},
    )
    assert r.status_code == 200, r.text
    for client in (full, summary):
        entries = client.get("/v1/feed").json()["entries"]
        assert [e["event"] for e in entries] == ["kill"]  # the earlier publish is withdrawn
        notice = entries[0]["item"]
        assert notice["pubStatus"] == "canceled"
        assert "Minister resigns" not in str(notice) and "bodies" not in notice
        assert "Wrong minister named" in notice["edNote"]
        for version in (None, 1):
            params = {"version": version} if version else {}
            got = client.get(_item_path(done["uri"]), params=params).json()
            assert got["pubStatus"] == "canceled" and "Minister resigns" not in str(got)
    assert other.get("/v1/feed").json()["entries"] == []
    again = wire.editor.post(
        "/v1/desk/items/" + quote(done["uri"], safe="") + "/kill", json={"reason": "again"}
    )
    assert again.status_code == 409


def test_embargo_holds_until_its_time_then_releases(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world-en")
    wire.plan("early-en", ["world-en"], languages=["en"], embargoed=True)
    early = wire.subscriber("Early", "early-en")
    until = datetime.now(UTC) + timedelta(seconds=3)
    done = wire.publish(story("Prize goes to poet", embargoedUntil=until.isoformat()), ["world-en"])
    path = _item_path(done["uri"])

    assert full.get(path).status_code == 404
    assert full.get("/v1/feed").json()["entries"] == []
    held = early.get("/v1/feed").json()["entries"]
    assert [e["event"] for e in held] == ["publish"]
    assert held[0]["item"]["embargoedUntil"].startswith(until.strftime("%Y-%m-%dT%H:%M:%S"))

    page = full.get("/v1/feed", params={"wait": 10}).json()
    seen = datetime.now(UTC)
    assert [e["event"] for e in page["entries"]] == ["release"]
    assert until <= seen < until + timedelta(seconds=2)
    assert full.get(path).status_code == 200


def test_bad_input_gets_problem_json_and_stores_nothing(wire: Wire) -> None:
    wire.three_plans("world-en")
    editor = wire.editor
    bad_json = editor.post(
        "/v1/desk/items", content=b'{"item": {', headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 400
    assert bad_json.headers["content-type"] == "application/problem+json"
    no_headline = editor.post(
        "/v1/desk/items", json={"item": {"bodies": [{"value": "x"}]}, "products": ["world-en"]}
    )
    assert no_headline.status_code == 422
    assert "headlines" in no_headline.json()["detail"]
    unknown_field = editor.post(
        "/v1/desk/items", json={"item": story("x", color="red"), "products": ["world-en"]}
    )
    assert unknown_field.status_code == 422 and "color" in unknown_field.json()["detail"]
    no_product = editor.post(
        "/v1/desk/items", json={"item": story("Real headline"), "products": ["nope"]}
    )
    assert no_product.status_code == 422 and "nope" in no_product.json()["detail"]
    nul = editor.post("/v1/desk/items", json={"item": story("a\u0000b"), "products": ["world-en"]})
    assert nul.status_code == 422
    with psycopg.connect(wire.db_url) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_keys_and_roles(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world-en")
    assert wire.client("nw_sub_wrong").get("/v1/feed").status_code == 401
    assert wire.client().get("/v1/feed").status_code == 401
    assert (
        full.post("/v1/desk/items", json={"item": story("x"), "products": ["world-en"]}).status_code
        == 403
    )
    assert full.get("/v1/admin/plans").status_code == 403
    assert wire.editor.get("/v1/admin/plans").status_code == 403


def test_long_poll_returns_when_a_story_arrives(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world-en")
    import threading

    result: dict[str, object] = {}

    def poll() -> None:
        started = time.monotonic()
        result["page"] = full.get("/v1/feed", params={"wait": 20}).json()
        result["took"] = time.monotonic() - started

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.5)
    wire.publish(story("Flash: volcano erupts", urgency=1), ["world-en"])
    thread.join(20)
    page = result["page"]
    assert isinstance(page, dict) and len(page["entries"]) == 1
    assert float(result["took"]) < 10  # type: ignore[arg-type]
