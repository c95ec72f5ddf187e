"""Webhooks end to end: a real receiver that fails, times out and recovers; signatures,
order, kills, plans, dead letters, replay and who may see what."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import quote

import httpx
import pytest

from newswire.delivery import signing
from newswire.delivery.webhooks import RETRY
from tests.conftest import Wire, story
from tests.delivery.conftest import Receiver, wait_until
from tests.schemas import xsd_errors

VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def _hook(client: httpx.Client, receiver: Receiver) -> dict[str, str | int]:
    r = client.post("/v1/webhooks", json={"url": receiver.url})
    assert r.status_code == 201, r.text
    made: dict[str, str | int] = r.json()
    return made


def _verified(secret: str, r: Receiver) -> bool:
    """The receiver's own check, written from the Standard Webhooks spec, not our code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{r.id}.{r.headers['webhook-timestamp']}.".encode() + r.body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return expected in r.headers["webhook-signature"].split()


def _deliveries(client: httpx.Client, hook_id: object) -> dict[int, dict[str, object]]:
    r = client.get(f"/v1/webhooks/{hook_id}/deliveries")
    assert r.status_code == 200, r.text
    return {d["seq"]: d for d in r.json()["deliveries"]}


def _kill(wire: Wire, uri: str) -> int:
    r = wire.editor.post(f"/v1/desk/items/{quote(uri, safe='')}/kill", json={"reason": "Libel"})
    assert r.status_code == 200, r.text
    seq: int = r.json()["seq"]
    return seq


def test_signing_matches_the_standard_webhooks_vector() -> None:
    assert signing.sign(VECTOR_SECRET, VECTOR_ID, 1614265330, VECTOR_BODY) == VECTOR_SIGNATURE
    headers = {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,bm90IHRoaXMgb25l " + VECTOR_SIGNATURE,
    }
    assert signing.verify(VECTOR_SECRET, headers, VECTOR_BODY, now=1614265330 + 60)
    assert not signing.verify(VECTOR_SECRET, headers, VECTOR_BODY + b" ", now=1614265330)
    assert not signing.verify(signing.new_secret(), headers, VECTOR_BODY, now=1614265330)
    assert not signing.verify(VECTOR_SECRET, headers, VECTOR_BODY, now=1614265330 + 3600)
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and len(signing.secret_key(secret)) == 32
    assert secret != signing.new_secret()


def test_every_event_arrives_signed_in_order_through_failures_and_a_timeout(
    hooks: Wire, receivers: Callable[..., Receiver]
) -> None:
    english, summary, turkish = hooks.three_plans("world-en")
    # Fails its first three requests, lets the sixth time out, answers 200 otherwise.
    flaky = receivers(lambda n, body: (500, 0.0) if n <= 3 else (200, 1.0 if n == 6 else 0.0))
    short, other = receivers(), receivers()
    hook = _hook(english, flaky)
    assert str(hook["secret"]).startswith("whsec_") and hook["url"] == flaky.url
    _hook(summary, short)
    other_hook = _hook(turkish, other)

    uris = [hooks.publish(story(f"Story {n}"), ["world-en"])["uri"] for n in range(5)]
    wait_until(lambda: len(flaky.unique()) == 5)
    feed = english.get("/v1/feed").json()["entries"]
    assert [r.entry for r in flaky.unique()] == feed  # each body is one feed entry

    r = hooks.editor.put(
        f"/v1/desk/items/{quote(uris[1], safe='')}",
        json={"item": story("Story 1, corrected"), "signal": "correction"},
    )
    assert r.status_code == 200, r.text
    kill_seq = _kill(hooks, uris[2])
    wait_until(lambda: len(flaky.unique()) == 7 and len(short.unique()) == 7)

    got = flaky.unique()
    seqs = [r.entry["seq"] for r in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == 7
    assert [r.entry["event"] for r in got] == ["publish"] * 5 + ["correction", "kill"]
    assert all(_verified(str(hook["secret"]), r) for r in flaky.received)
    assert all(
        signing.verify(str(hook["secret"]), r.headers, r.body, int(time.time())) for r in got
    )
    # Retries carry the same webhook-id: the three failures, then the success.
    assert [r.id for r in flaky.received[:4]] == [got[0].id] * 4
    assert len(flaky.accepted()) == 8  # the timed-out request arrived too: one duplicate
    notice = got[-1].entry
    assert notice["seq"] == kill_seq and notice["view"] == "kill"
    assert notice["item"]["pubStatus"] == "canceled" and "bodies" not in notice["item"]

    assert all(r.entry["view"] in ("summary", "kill") for r in short.unique())
    assert not any("bodies" in r.entry["item"] for r in short.unique())

    # Each outcome is recorded just after the receiver answers: wait for the last one.
    wait_until(
        lambda: all(d["status"] == "delivered" for d in _deliveries(english, hook["id"]).values())
    )
    status = _deliveries(english, hook["id"])
    assert all(d["last_status"] == 200 for d in status.values())
    assert status[seqs[0]]["attempts"] == 4
    assert status[seqs[0]]["id"] == got[0].id
    assert max(d["attempts"] for d in status.values()) == 4

    # The Turkish plan covers none of it: nothing queued, nothing sent.
    wait_until(lambda: turkish.get(f"/v1/webhooks/{other_hook['id']}").json()["cursor"] >= kill_seq)
    assert _deliveries(turkish, other_hook["id"]) == {}
    assert other.received == []


def test_a_poison_event_is_dead_lettered_and_the_stream_goes_on(
    hooks: Wire, receivers: Callable[..., Receiver]
) -> None:
    english, _, _ = hooks.three_plans("world-en")
    refusing = True
    poison = receivers(lambda n, body: (400 if refusing and b"POISON" in body else 204, 0.0))
    hook = _hook(english, poison)
    seqs = [hooks.publish(story(h), ["world-en"])["seq"] for h in ("One", "POISON", "Three")]

    wait_until(lambda: len(poison.unique()) == 2)
    assert [r.entry["seq"] for r in poison.unique()] == [seqs[0], seqs[2]]
    dead = _deliveries(english, hook["id"])[seqs[1]]
    assert dead["status"] == "dead" and dead["attempts"] == 6
    assert dead["last_status"] == 400 and "400" in str(dead["last_error"])
    assert dead["next_attempt_at"] is None
    only_dead = english.get(f"/v1/webhooks/{hook['id']}/deliveries", params={"status": "dead"})
    assert [d["seq"] for d in only_dead.json()["deliveries"]] == [seqs[1]]

    # The receiver is fixed; a replay from just before the poison sends it and what followed.
    refusing = False
    before = len(poison.accepted())
    r = english.post(f"/v1/webhooks/{hook['id']}/replay", params={"after": seqs[1] - 1})
    assert r.status_code == 202, r.text
    wait_until(lambda: len(poison.accepted()) == before + 2)
    again = poison.accepted()[before:]
    assert [x.entry["seq"] for x in again] == [seqs[1], seqs[2]]
    assert again[1].id == poison.unique()[1].id  # the same idempotency key as before
    assert _deliveries(english, hook["id"])[seqs[1]]["status"] == "delivered"


def test_a_story_killed_while_queued_is_never_sent_only_its_kill_notice(
    hooks: Wire, receivers: Callable[..., Receiver]
) -> None:
    english, _, _ = hooks.three_plans("world-en")
    # Refuses the story itself: it stays queued, retrying, until the kill.
    receiver = receivers(lambda n, body: (503 if b'"event":"publish"' in body else 200, 0.0))
    hook = _hook(english, receiver)
    done = hooks.publish(story("Wrong minister named"), ["world-en"])
    wait_until(lambda: len(receiver.received) >= 1)
    kill_seq = _kill(hooks, done["uri"])
    wait_until(lambda: len(receiver.accepted()) == 1)
    time.sleep(0.3)  # room for a wrong delivery to show up
    assert [r.entry["seq"] for r in receiver.accepted()] == [kill_seq]
    assert receiver.accepted()[0].entry["view"] == "kill"
    status = _deliveries(english, hook["id"])
    assert status[done["seq"]]["status"] == "skipped"
    assert "killed" in str(status[done["seq"]]["last_error"])


def test_replay_resends_through_the_gate_as_it_stands(
    hooks: Wire, receivers: Callable[..., Receiver]
) -> None:
    english, _, _ = hooks.three_plans("world-en")
    earlier = hooks.publish(story("Before the webhook"), ["world-en"])
    receiver = receivers()
    hook = _hook(english, receiver)
    later = [hooks.publish(story(f"After {n}"), ["world-en"]) for n in range(2)]
    wait_until(lambda: len(receiver.accepted()) == 2)
    assert [r.entry["seq"] for r in receiver.accepted()] == [p["seq"] for p in later]

    r = english.post(f"/v1/webhooks/{hook['id']}/replay", params={"after": 0})
    assert r.status_code == 202 and r.json()["cursor"] == 0
    wait_until(lambda: len(receiver.accepted()) == 5)
    replayed = [r.entry["seq"] for r in receiver.accepted()[2:]]
    assert replayed == [earlier["seq"]] + [p["seq"] for p in later]

    kill_seq = _kill(hooks, later[0]["uri"])
    wait_until(lambda: len(receiver.accepted()) == 6)
    r = english.post(f"/v1/webhooks/{hook['id']}/replay", params={"after": 0})
    assert r.status_code == 202
    wait_until(lambda: len(receiver.accepted()) == 9)
    replayed = [r.entry["seq"] for r in receiver.accepted()[6:]]
    # The killed story's content is not sent again: only its kill notice.
    assert replayed == [earlier["seq"], later[1]["seq"], kill_seq]
    # The outcome is recorded just after the receiver answers: wait for it.
    wait_until(lambda: _deliveries(english, hook["id"])[kill_seq]["status"] == "delivered")
    assert later[0]["seq"] not in _deliveries(english, hook["id"])


def test_webhooks_belong_to_their_subscriber_and_refuse_bad_input(
    hooks: Wire, receivers: Callable[..., Receiver]
) -> None:
    english, summary, _ = hooks.three_plans("world-en")
    receiver = receivers()
    hook = _hook(english, receiver)
    base = f"/v1/webhooks/{hook['id']}"

    listed = english.get("/v1/webhooks").json()
    assert [h["id"] for h in listed] == [hook["id"]] and "secret" not in listed[0]
    assert english.get(base).json()["url"] == receiver.url
    assert summary.get("/v1/webhooks").json() == []
    for method, path in [
        ("GET", base),
        ("GET", base + "/deliveries"),
        ("DELETE", base),
        ("POST", base + "/replay?after=0"),
    ]:
        r = summary.request(method, path)
        assert r.status_code == 404, (method, path, r.text)
        assert r.headers["content-type"] == "application/problem+json"

    for staff in (hooks.editor, hooks.admin):
        assert staff.post("/v1/webhooks", json={"url": receiver.url}).status_code == 403
        assert staff.get("/v1/webhooks").status_code == 403
    assert hooks.client().get("/v1/webhooks").status_code == 401

    bad_urls: list[object] = [
        "",
        "not a url",
        "ftp://example.com/x",
        "https://",
        "http:///path",
        "https://user:pw@example.com/",
        "https://example.com:99999/",
        "http://[::1",
        "https://exa\u0000mple.com/",
        "https://example.com/" + "x" * 3000,
        42,
        None,
    ]
    for url in bad_urls:
        r = english.post("/v1/webhooks", json={"url": url})
        assert r.status_code == 422, (url, r.text)
        assert r.headers["content-type"] == "application/problem+json"
    assert english.post("/v1/webhooks", json={}).status_code == 422
    assert english.post("/v1/webhooks", json={"url": receiver.url, "x": 1}).status_code == 422
    malformed = english.post(
        "/v1/webhooks", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert english.post(base + "/replay").status_code == 422
    assert english.post(base + "/replay?after=-1").status_code == 422
    assert english.get("/v1/webhooks/0").status_code == 422
    assert english.get(f"/v1/webhooks/{2**70}").status_code == 422
    assert english.get(base + "/deliveries?status=lost").status_code == 422

    for _ in range(9):
        _hook(english, receiver)
    full = english.post("/v1/webhooks", json={"url": receiver.url})
    assert full.status_code == 409 and "at most 10" in full.json()["detail"]

    assert english.delete(base).status_code == 204
    assert english.get(base).status_code == 404
    assert english.delete(base).status_code == 404


@pytest.mark.parametrize("attempts", [1, 2, 5, 9, 40])
def test_backoff_doubles_and_is_capped(attempts: int) -> None:
    assert RETRY.delay(attempts) == min(300.0, 2.0 ** (attempts - 1))
    assert not RETRY.gives_up(attempts, age=60.0)
    assert RETRY.gives_up(attempts, age=24 * 3600.0)


def test_a_webhook_can_take_its_items_in_newsml_g2(
    hooks: Wire, receivers: Callable[..., Receiver]
) -> None:
    english, _, _ = hooks.three_plans("world-en")
    receiver = receivers(lambda n, body: (200, 0.0))
    r = english.post("/v1/webhooks", json={"url": receiver.url, "format": "newsmlg2"})
    assert (
        r.status_code == 201
        and english.get(f"/v1/webhooks/{r.json()['id']}").json()["format"] == "newsmlg2"
    )
    hooks.publish(story("In G2"), ["world-en"])
    wait_until(lambda: len(receiver.accepted()) == 1)
    item = receiver.accepted()[0].entry["item"]
    assert isinstance(item, str) and item.startswith("<?xml") and "newsItem" in item
    assert not xsd_errors("newsml-g2", item.encode())
    bad = english.post("/v1/webhooks", json={"url": receiver.url, "format": "pdf"})
    assert bad.status_code == 422
