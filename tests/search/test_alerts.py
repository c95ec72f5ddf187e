"""Alerts over HTTP: saved searches fire on matching publishes, within the plan only,
out through the stream, webhooks and the matches list (the portal's source)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from newswire.delivery.signing import verify
from newswire.model import Item
from newswire.store.database import Database
from newswire.store.items import publish_item
from tests.conftest import LiveServer, Wire, new_key, run_async, story
from tests.delivery.conftest import Receiver, wait_until
from tests.web.test_stream import reading


def _alert(client: httpx.Client, query: str, **extra: Any) -> int:
    r = client.post("/v1/alerts", json={"name": query[:50], "query": query, **extra})
    assert r.status_code == 201, r.text
    alert_id: int = r.json()["id"]
    return alert_id


def _matches(client: httpx.Client, alert_id: int) -> list[dict[str, Any]]:
    r = client.get(f"/v1/alerts/{alert_id}/matches")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["matches"]
    return found


def _uris(client: httpx.Client, alert_id: int) -> set[str]:
    return {m["uri"] for m in _matches(client, alert_id)}


class Settle:
    """A sentinel alert per subscriber: once its story matched, the matcher has passed
    every event published before it (it follows the log in order)."""

    def __init__(self, wire: Wire, clients: list[httpx.Client], products: list[str]) -> None:
        self.wire, self.products = wire, products
        self.word = "sentinel" + uuid.uuid4().hex[:8]
        self.alerts = [(c, _alert(c, self.word, channels=["portal"])) for c in clients]

    def __call__(self, language: str = "en") -> None:
        done = self.wire.publish(story(f"Marker {self.word}", language=language), self.products)
        for client, alert_id in self.alerts:
            wait_until(lambda c=client, a=alert_id: done["uri"] in _uris(c, a))  # type: ignore[misc]


def _problem(r: httpx.Response, status: int, word: str) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert word in r.json()["detail"], r.json()


def test_create_list_get_delete(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    body = {
        "name": "Central banks",
        "query": '"interest rates" OR inflation',
        "filters": {"languages": ["en"], "urgency": ["1", "2"]},
        "channels": ["stream", "email"],
    }
    r = full.post("/v1/alerts", json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["name"] == "Central banks" and made["query"] == body["query"]
    assert made["filters"] == {"languages": ["en"], "urgency": ["1", "2"]}
    assert made["channels"] == ["email", "stream"]
    assert [a["id"] for a in full.get("/v1/alerts").json()] == [made["id"]]
    assert full.get(f"/v1/alerts/{made['id']}").json()["query"] == body["query"]
    assert full.delete(f"/v1/alerts/{made['id']}").status_code == 204
    assert full.get(f"/v1/alerts/{made['id']}").status_code == 404
    assert full.get("/v1/alerts").json() == []


def test_bad_alerts_get_a_clear_422(wire: Wire) -> None:
    full, summary, _ = wire.three_plans("world")
    _problem(full.post("/v1/alerts", json={"name": "x", "query": "( )"}), 422, "at least one")
    _problem(full.post("/v1/alerts", json={"name": "x", "query": "urgency:high"}), 422, "urgency")
    _problem(full.post("/v1/alerts", json={"name": "x", "query": "a*"}), 422, "prefix")
    _problem(summary.post("/v1/alerts", json={"name": "x", "query": "body:gold"}), 422, "body")
    wrong_product = {"name": "x", "query": "gold", "filters": {"products": ["sport"]}}
    _problem(full.post("/v1/alerts", json=wrong_product), 422, "sport")
    bad_urgency = {"name": "x", "query": "gold", "filters": {"urgency": ["x"]}}
    _problem(full.post("/v1/alerts", json=bad_urgency), 422, "urgency")
    for bad in (
        {"name": "x", "query": ""},
        {"name": "x", "query": "gold " * 300},
        {"name": "x", "query": "gold", "channels": ["fax"]},
        {"name": "x", "query": "gold", "filters": {"colour": ["red"]}},
        {"name": "", "query": "gold"},
        {"query": "gold"},
    ):
        assert full.post("/v1/alerts", json=bad).status_code == 422, bad
    assert full.get("/v1/alerts").json() == []  # nothing half-stored


def test_alerts_belong_to_their_subscriber(wire: Wire) -> None:
    full, summary, _ = wire.three_plans("world")
    alert_id = _alert(full, "gold")
    for call in (summary.get, summary.delete):
        assert call(f"/v1/alerts/{alert_id}").status_code == 404
    assert summary.get(f"/v1/alerts/{alert_id}/matches").status_code == 404
    assert summary.get("/v1/alerts").json() == []
    assert wire.editor.post("/v1/alerts", json={"name": "x", "query": "gold"}).status_code == 403
    assert wire.client().get("/v1/alerts").status_code == 401


def test_a_subscriber_has_at_most_100_alerts(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    for n in range(100):
        _alert(full, f"word{n}", channels=["portal"])
    _problem(full.post("/v1/alerts", json={"name": "one more", "query": "gold"}), 409, "100")


def test_words_phrases_booleans_fields_and_prefixes_fire(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    queries = {
        "word": "volcano",
        "two words": "volcano iceland",
        "phrase": '"interest rates"',
        "reversed phrase": '"rates interest"',
        "or": "volcano OR inflation",
        "not": "volcano NOT iceland",
        "headline field": "headline:inflation",
        "person": 'person:"Ada Lovelace"',
        "prefix": "volc*",
        "urgency": "urgency:1 AND volcano",
    }
    ids = {name: _alert(full, q) for name, q in queries.items()}
    settle = Settle(wire, [full], ["world"])
    eruption = wire.publish(
        story("Volcano erupts in Iceland", urgency=1, people=[{"name": "Ada Lovelace"}]),
        ["world"],
    )["uri"]
    rates = wire.publish(
        story(
            "Interest rates rise",
            descriptions=[{"role": "summary", "value": "Inflation up"}],
            subjects=[{"name": "economy", "rel": "about"}],  # no keywords in the tags
        ),
        ["world"],
    )["uri"]
    volcanic = wire.publish(story("Volcanic ash over Chile"), ["world"])["uri"]
    settle()
    expected = {
        "word": {eruption},
        "two words": {eruption},
        "phrase": {rates},
        "reversed phrase": set(),
        "or": {eruption, rates},
        "not": set(),
        "headline field": set(),  # inflation is in the summary, not the headline
        "person": {eruption},
        "prefix": {eruption, volcanic},
        "urgency": {eruption},
    }
    assert {name: _uris(full, ids[name]) for name in queries} == expected
    match = _matches(full, ids["word"])[0]
    assert match["headline"] == "Volcano erupts in Iceland" and match["seq"] > 0


def test_alerts_fire_only_within_the_plan(wire: Wire) -> None:
    """Outside the plan's products or languages, body words on a summary plan: no alert."""
    full, summary, turkish = wire.three_plans("world")
    wire.product("sport")
    on_full = _alert(full, "platypus")
    summary_body = _alert(summary, "platypus")  # only in the body
    summary_headline = _alert(summary, "wombat")
    on_turkish = _alert(turkish, "platypus")
    settle = Settle(wire, [full, summary], ["world"])
    seen = wire.publish(story("Wombat seen by a platypus"), ["world"])["uri"]
    body_only = wire.publish(
        {
            **story("Zoo news"),
            "bodies": [{"role": "main", "value": "A platypus escaped."}],
            # The editor's summary and subjects: enrichment derives neither from the body.
            "descriptions": [{"role": "summary", "value": "Keepers are searching."}],
            "subjects": [{"name": "animals", "rel": "about"}],
        },
        ["world"],
    )["uri"]
    wire.publish(story("Platypus wins the cup"), ["sport"])  # outside every plan
    settle()
    assert _uris(full, on_full) == {seen, body_only}
    assert _uris(summary, summary_body) == {seen}  # a headline word, never the body-only one
    assert _uris(summary, summary_headline) == {seen}
    assert _uris(turkish, on_turkish) == set()  # English stories, Turkish plan


def test_an_embargoed_story_fires_at_its_release_not_before(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    wire.plan("early-en", ["world"], languages=["en"], embargoed=True)
    early = wire.subscriber("Early", "early-en")
    alerts = [(c, _alert(c, "okapi")) for c in (full, early)]
    settle = Settle(wire, [full, early], ["world"])
    until = datetime.now(UTC) + timedelta(seconds=4)  # settle() takes well under that
    done = wire.publish(story("Okapi born", embargoedUntil=until.isoformat()), ["world"])
    settle()
    for client, alert_id in alerts:
        assert _matches(client, alert_id) == []  # not before release, whatever the plan
    for client, alert_id in alerts:
        wait_until(lambda c=client, a=alert_id: bool(_matches(c, a)))  # type: ignore[misc]
        (match,) = _matches(client, alert_id)
        assert match["uri"] == done["uri"] and match["seq"] > done["seq"]  # the release event
    assert datetime.now(UTC) >= until


def test_alert_events_on_the_stream(wire: Wire) -> None:
    full, summary, _ = wire.three_plans("world")
    on_stream = _alert(full, "narwhal")
    _alert(full, "narwhal tusk", channels=["portal"])  # matches, but not for the stream
    with reading(full) as reader, reading(summary) as other:
        time.sleep(0.3)
        done = wire.publish(story("Narwhal tusk found"), ["world"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not [
            e for e in reader.events if e.get("event") == "alert"
        ]:
            time.sleep(0.01)
        time.sleep(0.3)
        alerts = [e for e in reader.events if e.get("event") == "alert"]
        assert len(alerts) == 1, reader.events
        assert "id" not in alerts[0]  # an alert does not move Last-Event-ID
        assert json.loads(alerts[0]["data"]) == {
            "alert_id": on_stream,
            "name": "narwhal",
            "seq": done["seq"],
            "uri": done["uri"],
            "headline": "Narwhal tusk found",
        }
        assert [e["event"] for e in reader.events if e.get("event") != "alert"] == ["publish"]
        assert not [e for e in other.events if e.get("event") == "alert"]  # someone else's


def test_alert_entries_through_webhooks_signed(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    receiver = Receiver()
    try:
        hook = full.post("/v1/webhooks", json={"url": receiver.url}).json()
        alert_id = _alert(full, "axolotl")
        _alert(full, "axolotl", channels=["stream"])  # no webhook channel: not posted
        done = wire.publish(story("Axolotl regrows a leg"), ["world"])

        def alert_entries() -> list[Any]:
            return [r for r in receiver.accepted() if r.entry["event"] == "alert"]

        wait_until(lambda: bool(alert_entries()))
        time.sleep(0.5)
        (got,) = alert_entries()
        assert got.entry == {
            "seq": done["seq"],
            "event": "alert",
            "alert": {"id": alert_id, "name": "axolotl"},
            "uri": done["uri"],
            "headline": "Axolotl regrows a leg",
        }
        assert got.id == f"msg_{hook['id']}_alert_{alert_id}_{done['seq']}"
        assert verify(hook["secret"], got.headers, got.body, int(time.time()))
        wait_until(lambda: [m["webhook_status"] for m in _matches(full, alert_id)] == ["delivered"])
    finally:
        receiver.close()


def _store_alerts(db_url: str, subscriber: str, count: int) -> None:
    """Saved queries written straight to the table (the API caps each subscriber at 100)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO alerts (subscriber_id, name, query, channels)"
            " SELECT s.id, 'bulk ' || n, 'zq' || n || 'word AND (market OR report)', '{portal}'"
            " FROM subscribers s, generate_series(1, %s) n WHERE s.name = %s",
            (count, subscriber),
        )
        conn.execute("SELECT pg_notify('newswire_alerts', '+0')")


def test_an_alert_fires_among_10000_saved_queries(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    _store_alerts(wire.db_url, "Summary", 10_000)
    target = _alert(full, "quokka")
    done = wire.publish(story("Quokka market report"), ["world"])
    wait_until(lambda: _uris(full, target) == {done["uri"]})
    with psycopg.connect(wire.db_url) as conn:
        row = conn.execute("SELECT count(*) FROM alert_matches").fetchone()
    assert row == (1,)  # none of the 10,000 others matched


def test_two_nodes_record_a_match_once_and_both_stream_it(db_url: str, tmp_path: Path) -> None:
    one = LiveServer(db_url, tmp_path / "one")
    two = LiveServer(db_url, tmp_path / "two")
    wire = Wire(one.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), one)
    try:
        full, _, _ = wire.three_plans("world")
        key = full.headers["authorization"].split()[1]
        alert_id = _alert(full, "pangolin")
        on_two = httpx.Client(base_url=two.url, headers={"Authorization": f"Bearer {key}"})
        with reading(wire.client(key)) as first, reading(on_two) as second:
            time.sleep(0.3)
            done = wire.publish(story("Pangolin spotted"), ["world"])
            got: Callable[[Any], bool] = lambda r: any(  # noqa: E731
                e.get("event") == "alert" for e in r.events
            )
            wait_until(lambda: got(first) and got(second))
        time.sleep(0.3)  # both matchers have recorded (or tried to)
        assert [m["seq"] for m in _matches(full, alert_id)] == [done["seq"]]
    finally:
        wire.close()
        two.stop()
        one.stop()


def test_a_delayed_plan_is_alerted_once_the_story_is_old_enough(wire: Wire) -> None:
    wire.product("world")
    wire.plan("late-en", ["world"], languages=["en"], delay=1)
    late = wire.subscriber("Late", "late-en")
    alert_id = _alert(late, "ibex")
    time.sleep(1.5)  # the matcher opens the lane of the new delay
    done = wire.publish(story("Ibex climbs a dam"), ["world"])
    time.sleep(1.5)
    assert _matches(late, alert_id) == []  # not before the plan's delay
    # A minute passes: the event and the release move into the past.
    with psycopg.connect(wire.db_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE events SET created_at = created_at - interval '2 minutes' WHERE seq = %s",
            (done["seq"],),
        )
        conn.execute(
            "UPDATE items SET released_at = released_at - interval '2 minutes' WHERE uri = %s",
            (done["uri"],),
        )
    wait_until(lambda: bool(_matches(late, alert_id)))
    assert [m["seq"] for m in _matches(late, alert_id)] == [done["seq"]]


def test_stories_published_while_no_server_ran_fire_at_the_next_start(
    db_url: str, tmp_path: Path
) -> None:
    first = LiveServer(db_url, tmp_path / "first")
    wire = Wire(first.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), first)
    full, _, _ = wire.three_plans("world")
    key = full.headers["authorization"].split()[1]
    alert_id = _alert(full, "tapir")
    wire.publish(story("Warm-up"), ["world"])
    time.sleep(0.5)  # the matcher has stored its place after the warm-up
    wire.close()
    first.stop()

    async def publish_offline() -> int:
        db = Database(db_url, size=1)
        await db.open()
        try:
            item = Item.model_validate(story("Tapir crosses the road"))
            return (await publish_item(db, item, ["world"])).seq
        finally:
            await db.close()

    seq = run_async(publish_offline())
    second = LiveServer(db_url, tmp_path / "second")
    client = httpx.Client(base_url=second.url, headers={"Authorization": f"Bearer {key}"})
    try:
        wait_until(lambda: bool(_matches(client, alert_id)))
        assert [m["seq"] for m in _matches(client, alert_id)] == [seq]
    finally:
        client.close()
        second.stop()


def test_a_refused_alert_webhook_is_retried_with_the_same_id(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    refused: list[bytes] = []

    def answer(n: int, body: bytes) -> tuple[int, float]:
        if b'"event":"alert"' in body and not refused:
            refused.append(body)
            return 500, 0.0
        return 200, 0.0

    receiver = Receiver(answer)
    try:
        full.post("/v1/webhooks", json={"url": receiver.url})
        alert_id = _alert(full, "manatee", channels=["webhook"])
        wire.publish(story("Manatee rescued"), ["world"])
        wait_until(lambda: [m["webhook_status"] for m in _matches(full, alert_id)] == ["delivered"])
        alerts = [r for r in receiver.received if r.entry["event"] == "alert"]
        assert [r.status for r in alerts] == [500, 200]
        assert alerts[0].id == alerts[1].id and alerts[0].body == alerts[1].body == refused[0]
    finally:
        receiver.close()


def test_an_alert_may_belong_to_one_of_the_subscribers_users(wire: Wire) -> None:
    full, summary, _ = wire.three_plans("world")
    with psycopg.connect(wire.db_url, autocommit=True) as conn:
        rows = conn.execute(
            "INSERT INTO users (username, password_hash, role, subscriber_id)"
            " SELECT s.name || '-desk', 'x', 'subscriber', s.id FROM subscribers s"
            " RETURNING username, id"
        ).fetchall()
    users = dict(rows)
    mine = _alert(full, "gold", user_id=users["Full-desk"])
    assert full.get(f"/v1/alerts/{mine}").json()["user_id"] == users["Full-desk"]
    theirs = {"name": "x", "query": "gold", "user_id": users["Summary-desk"]}
    _problem(full.post("/v1/alerts", json=theirs), 422, "user_id")
    assert [a["id"] for a in full.get("/v1/alerts").json()] == [mine]
    assert summary.get("/v1/alerts").json() == []
