"""Usage counters by channel (stream, feed, webhook, search, requests) and the audit
log of desk and admin actions, read through the admin API; a subscriber reads only
its own usage."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

from tests.conftest import Wire, story
from tests.delivery.conftest import Receiver, wait_until
from tests.web.test_stream import SSEReader


def _usage(wire: Wire, name: str) -> dict[str, int]:
    rows = wire.admin.get("/v1/admin/usage", params={"days": 1}).json()
    return {r["kind"]: r["count"] for r in rows if r["subscriber"] == name}


def test_deliveries_are_counted_per_channel_and_subscriber(wire: Wire) -> None:
    assert wire.server is not None
    wire.server.app.state.context.hub.key_check_every = 0.5  # collect stream counts sooner
    wire.product("world")
    wire.plan("all", ["world"])
    alpha, beta = wire.subscriber("Alpha", "all"), wire.subscriber("Beta", "all")
    receiver = Receiver()
    try:
        assert alpha.post("/v1/webhooks", json={"url": receiver.url}).status_code == 201
        alpha_key = alpha.headers["authorization"].split()[1]
        reader = SSEReader(wire.client(alpha_key))
        time.sleep(0.3)
        for n in range(3):
            wire.publish(story(f"Counted {n}"), ["world"])
        assert len(reader.wait_for(3)) == 3
        assert len(alpha.get("/v1/feed").json()["entries"]) == 3
        assert alpha.get("/v1/search", params={"q": "counted"}).status_code == 200
        wait_until(lambda: len(receiver.unique()) == 3)
        wanted = {"delivery:stream": 3, "delivery:feed": 3, "delivery:webhook": 3, "search": 1}

        def counted() -> bool:
            got = _usage(wire, "Alpha")
            return all(got.get(k) == v for k, v in wanted.items())

        wait_until(counted, 20)
        alpha_usage = _usage(wire, "Alpha")
        assert alpha_usage["api"] >= 3  # webhook create, feed, search (the stream too)
        assert _usage(wire, "Beta") == {}
        # A subscriber sees its own counters, never another's.
        own = alpha.get("/v1/usage", params={"days": 1}).json()
        assert {r["kind"]: r["count"] for r in own}.items() >= wanted.items()
        assert all(set(r) == {"day", "kind", "count"} for r in own)
        beta_own = {r["kind"] for r in beta.get("/v1/usage").json()}
        assert not beta_own & set(wanted)
        assert beta.get("/v1/admin/usage").status_code == 403
        assert wire.editor.get("/v1/admin/usage").status_code == 403
        assert wire.editor.get("/v1/usage").status_code == 403
    finally:
        receiver.close()


def test_every_desk_and_admin_action_is_in_the_audit_log(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"], rate_limit=100)
    sub = wire.subscriber("Audited", "all")
    made = wire.admin.post("/v1/admin/keys", json={"role": "editor"})
    key_id, secret = made.json()["id"], made.json()["key"]
    rotated = wire.admin.post(f"/v1/admin/keys/{key_id}/rotate", json={"overlap": 0}).json()
    assert wire.admin.delete(f"/v1/admin/keys/{rotated['id']}").status_code == 204
    assert wire.admin.put("/v1/admin/plans/all/limits", json={"rate_limit": 50}).status_code == 200
    published = wire.publish(story("Audited story"), ["world"])
    uri = quote(published["uri"], safe="")
    r = wire.editor.put(
        f"/v1/desk/items/{uri}", json={"item": story("Audited, updated"), "products": ["world"]}
    )
    assert r.status_code == 200, r.text
    assert (
        wire.editor.post(f"/v1/desk/items/{uri}/kill", json={"reason": "Test"}).status_code == 200
    )
    r = wire.editor.post(
        "/v1/desk/ingest",
        params={"products": "world"},
        content=b"<nitf><body><body.head><hedline><hl1>Ingested</hl1></hedline></body.head>"
        b"<body.content><p>Text.</p></body.content></body></nitf>",
        headers={"content-type": "application/xml"},
    )
    assert r.status_code in (200, 201), r.text
    # Refused calls are not actions: they leave no entry.
    assert (
        sub.post("/v1/desk/items", json={"item": story("No"), "products": ["world"]}).status_code
        == 403
    )
    assert wire.admin.post("/v1/admin/products", json={"slug": "world"}).status_code == 409

    r = wire.admin.get("/v1/admin/audit", params={"limit": 100})
    assert r.status_code == 200, r.text
    entries = r.json()
    actions = [e["action"] for e in reversed(entries)]
    assert actions == [
        "admin.create_product",
        "admin.create_plan",
        "admin.create_subscriber",
        "admin.create_key",
        "admin.rotate_key",
        "admin.revoke_key",
        "admin.set_plan_limits",
        "desk.publish",
        "desk.update",
        "desk.kill",
        "desk.ingest",
    ]
    by_action = {e["action"]: e for e in entries}
    admin_actor = by_action["admin.create_product"]["actor"]
    editor_actor = by_action["desk.publish"]["actor"]
    assert admin_actor.startswith("key:") and editor_actor.startswith("key:")
    assert admin_actor != editor_actor
    assert by_action["desk.kill"]["target"] == published["uri"]
    assert by_action["desk.publish"]["target"] == published["uri"]
    assert by_action["admin.rotate_key"]["target"] == str(key_id)
    assert by_action["admin.set_plan_limits"]["target"] == "all"
    # Secrets are never copied into the log.
    dumped = json.dumps(entries)
    assert secret not in dumped and rotated["key"] not in dumped
    assert sub.headers["authorization"].split()[1] not in dumped
    # Paging back, and who may read it.
    older = wire.admin.get("/v1/admin/audit", params={"before": entries[0]["id"], "limit": 2})
    assert [e["id"] for e in older.json()] == [e["id"] for e in entries[1:3]]
    assert wire.editor.get("/v1/admin/audit").status_code == 403
    assert sub.get("/v1/admin/audit").status_code == 403
