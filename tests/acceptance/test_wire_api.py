"""CONTRACT.md's editor and subscriber calls, as a subscriber's system would make them:
publish, update, correct, kill; item, versions, feed, stream, search, related; every
`?format=`; roles; percent-encoded uris; problem+json for bad input."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.acceptance.conftest import Newswire, is_problem, path_of
from tests.formats.formats_support import ninjs_errors
from tests.schemas import ninjs3_errors, xsd_errors

PRODUCT = "wire-api"
# A uri with the characters that need percent-encoding in a path.
ODD_URI = "http://example.com/news/2024/story;v=1?id=1&x=%C3%A4#top"


def story(headline: str, language: str = "en", **extra: Any) -> dict[str, Any]:
    return {
        "type": "text",
        "language": language,
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": f"<p>{headline}: the body that only full subscribers read.</p>",
            }
        ],
        **extra,
    }


@dataclass
class Clients:
    full: httpx.Client
    summary: httpx.Client
    turkish: httpx.Client
    embargoed: httpx.Client


@pytest.fixture(scope="module")
def subs(nw: Newswire) -> Clients:
    return Clients(
        full=nw.sub("api-full"),
        summary=nw.sub("api-summary"),
        turkish=nw.sub("api-tr"),
        embargoed=nw.sub("api-emb"),
    )


def test_publish_update_correct_kill_lifecycle(nw: Newswire, subs: Clients) -> None:
    first = nw.publish(story("Lifecycle story"), [PRODUCT])
    assert set(first) >= {"uri", "version", "seq"} and first["version"] == 1
    uri = first["uri"]
    for signal, version in (("update", 2), ("correction", 3)):
        answer = nw.editor.put(
            path_of(uri).replace("/v1/items/", "/v1/desk/items/"),
            json={
                "item": story(f"Lifecycle story {signal}"),
                "products": [PRODUCT],
                "signal": signal,
            },
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["version"] == version and answer.json()["seq"] > first["seq"]
    item = subs.full.get(path_of(uri)).json()
    assert item["headlines"][0]["value"] == "Lifecycle story correction"
    entries = subs.full.get("/v1/feed", params={"after": first["seq"] - 1}).json()["entries"]
    events = [e["event"] for e in entries if e["item"]["uri"] == uri]
    assert events == ["publish", "update", "correction"]
    for entry in entries:
        assert set(entry) >= {"seq", "event", "products", "item"}
        assert ninjs3_errors(entry["item"]) == [], entry["item"]
    old = subs.full.get(path_of(uri), params={"version": 1}).json()
    assert old["headlines"][0]["value"] == "Lifecycle story"
    kill = nw.editor.post(
        path_of(uri).replace("/v1/items/", "/v1/desk/items/") + "/kill", json={"reason": "legal"}
    )
    assert kill.status_code == 200, kill.text
    notice = subs.full.get(path_of(uri)).json()
    assert notice["pubStatus"] == "canceled" and "bodies" not in notice
    assert ninjs3_errors(notice) == []
    # after a kill, the log serves only the kill notice for this item
    entries = subs.full.get("/v1/feed", params={"after": first["seq"] - 1}).json()["entries"]
    assert [e["event"] for e in entries if e["item"]["uri"] == uri] == ["kill"]


def test_percent_encoded_uri_and_every_format(nw: Newswire, subs: Clients) -> None:
    done = nw.publish({**story("Odd uri"), "uri": ODD_URI}, [PRODUCT])
    assert done["uri"] == ODD_URI
    for fmt in ("ninjs3", "ninjs2", "newsmlg2", "nitf"):
        answer = subs.full.get(path_of(ODD_URI), params={"format": fmt})
        assert answer.status_code == 200, (fmt, answer.text)
        if fmt.startswith("ninjs"):
            errors = ninjs_errors("3.1" if fmt == "ninjs3" else "2.2", answer.json())
            assert answer.json()["uri"] == ODD_URI
        else:
            errors = xsd_errors("newsml-g2" if fmt == "newsmlg2" else "nitf", answer.content)
        assert errors == [], (fmt, errors[:3])
        feed = subs.full.get("/v1/feed", params={"after": done["seq"] - 1, "format": fmt})
        entry = feed.json()["entries"][0]
        if fmt in ("newsmlg2", "nitf"):
            schema = "newsml-g2" if fmt == "newsmlg2" else "nitf"
            assert xsd_errors(schema, entry["item"].encode()) == []
    is_problem(subs.full.get(path_of(ODD_URI), params={"format": "rss"}), 422)


def test_views_by_plan(nw: Newswire, subs: Clients) -> None:
    uri = nw.publish(story("Plan views"), [PRODUCT])["uri"]
    summary = subs.summary.get(path_of(uri)).json()
    assert summary["representationType"] == "partial" and "bodies" not in summary
    assert ninjs3_errors(summary) == []
    problem = is_problem(subs.turkish.get(path_of(uri)), 404)
    assert uri in problem["detail"]
    turkish = nw.publish(story("Türkçe haber: İstanbul'da yağmur", "tr"), [PRODUCT])
    assert subs.turkish.get(path_of(turkish["uri"])).status_code == 200
    is_problem(subs.full.get(path_of(turkish["uri"])), 404)


def test_embargo_is_held_until_release(nw: Newswire, subs: Clients) -> None:
    soon = time.time() + 3
    until = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(soon + 1))
    uri = nw.publish(story("Embargoed statement", embargoedUntil=until), [PRODUCT])["uri"]
    is_problem(subs.full.get(path_of(uri)), 404)
    early = subs.embargoed.get(path_of(uri)).json()
    assert early["embargoedUntil"].startswith(until[:19])
    deadline = time.monotonic() + 20
    while subs.full.get(path_of(uri)).status_code != 200:
        assert time.monotonic() < deadline, "the embargo was not lifted"
        time.sleep(0.3)
    entries = subs.full.get("/v1/feed", params={"after": 0, "limit": 500}).json()["entries"]
    assert [e["event"] for e in entries if e["item"]["uri"] == uri] == ["release"]


def test_feed_cursor_and_long_poll(nw: Newswire, subs: Clients) -> None:
    head = subs.full.get("/v1/feed", params={"after": 0, "limit": 500}).json()["next"]
    empty = subs.full.get("/v1/feed", params={"after": head}).json()
    assert empty == {"entries": [], "next": head}
    timer = threading.Timer(1.0, nw.publish, args=(story("Long poll"), [PRODUCT]))
    timer.start()
    started = time.monotonic()
    page = subs.full.get("/v1/feed", params={"after": head, "wait": 15}).json()
    timer.join()
    assert time.monotonic() - started < 14
    assert [e["item"]["headlines"][0]["value"] for e in page["entries"]] == ["Long poll"]
    assert page["next"] == page["entries"][-1]["seq"]
    for bad in ({"after": -1}, {"limit": 0}, {"limit": "many"}, {"wait": 10**9}):
        is_problem(subs.full.get("/v1/feed", params=bad), 422)


def _sse(client: httpx.Client, headers: dict[str, str], want: int, **params: Any) -> list[dict]:
    events: list[dict[str, str]] = []
    current: dict[str, str] = {}
    with client.stream("GET", "/v1/stream", params=params, headers=headers, timeout=20) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        for line in r.iter_lines():
            if line.startswith(":"):
                continue
            if not line:
                if "id" in current:
                    events.append(current)
                    current = {}
                if len(events) >= want:
                    break
                continue
            name, _, value = line.partition(":")
            current[name] = current.get(name, "") + value.removeprefix(" ")
    return events


def test_stream_resumes_after_last_event_id(nw: Newswire, subs: Clients) -> None:
    a = nw.publish(story("Stream one"), [PRODUCT])
    b = nw.publish(story("Stream two"), [PRODUCT])
    events = _sse(subs.full, {"Last-Event-ID": str(a["seq"] - 1)}, 2)
    assert [int(e["id"]) for e in events] == [a["seq"], b["seq"]]
    assert {e["event"] for e in events} == {"publish"}
    for event in events:
        assert ninjs3_errors(json.loads(event["data"])) == []
    resumed = _sse(subs.full, {"Last-Event-ID": str(a["seq"])}, 1)
    assert int(resumed[0]["id"]) == b["seq"]
    nitf = _sse(subs.full, {"Last-Event-ID": str(a["seq"])}, 1, format="nitf")
    assert xsd_errors("nitf", nitf[0]["data"].encode()) == []
    summary = _sse(subs.summary, {"Last-Event-ID": str(a["seq"] - 1)}, 1)
    assert "bodies" not in json.loads(summary[0]["data"])
    is_problem(subs.full.get("/v1/stream", headers={"Last-Event-ID": "yesterday"}), 422)


def test_search_and_related_are_gated(nw: Newswire, subs: Clients) -> None:
    uri = nw.publish(story("Zanzibar ferry timetable changes"), [PRODUCT])["uri"]
    deadline = time.monotonic() + 20
    while True:
        answer = subs.full.get("/v1/search", params={"q": "Zanzibar"})
        assert answer.status_code == 200, answer.text
        found = json.dumps(answer.json())
        if uri in found:
            break
        assert time.monotonic() < deadline, "the story never reached the search index"
        time.sleep(0.3)
    summary = subs.summary.get("/v1/search", params={"q": "Zanzibar"}).json()
    hits = [hit for hit in summary["hits"] if hit["uri"] == uri]
    assert hits and hits[0]["item"]["representationType"] == "partial"
    assert "bodies" not in hits[0]["item"]
    assert uri not in json.dumps(subs.turkish.get("/v1/search", params={"q": "Zanzibar"}).json())
    related = subs.full.get(path_of(uri) + "/related")
    assert related.status_code == 200 and isinstance(related.json()["related"], list)
    for entry in related.json()["related"]:
        assert ninjs3_errors(entry["item"]) == []
    is_problem(subs.turkish.get(path_of(uri) + "/related"), 404)


def test_roles_and_keys(nw: Newswire, subs: Clients) -> None:
    body = {"item": story("Not allowed"), "products": [PRODUCT]}
    is_problem(nw.client().post("/v1/desk/items", json=body), 401)
    is_problem(nw.client("nw_sub_not-a-real-key").post("/v1/desk/items", json=body), 401)
    is_problem(subs.full.post("/v1/desk/items", json=body), 403)
    is_problem(nw.client().get("/v1/feed"), 401)
    admin = nw.client(nw.admin_key).post("/v1/desk/items", json=body)
    assert admin.status_code == 201, "an admin key may do what an editor key does"


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"item": {"headlines": [{"value": "x"}], "urgent": 1}, "products": [PRODUCT]}, "urgent"),
        ({"item": story("Bad urgency", urgency=12), "products": [PRODUCT]}, "urgency"),
        ({"item": story("No product"), "products": ["nope"]}, "nope"),
        ({"item": story("No products")}, "products"),
        ({"item": story("Bad uri", uri="not a uri"), "products": [PRODUCT]}, "uri"),
        ({"item": story("Bad date", versionCreated="yesterday"), "products": [PRODUCT]}, "version"),
        ({"item": "a string", "products": [PRODUCT]}, "item"),
        (
            {"item": story("Far", firstCreated="9999-12-31T23:59:59-12:00"), "products": [PRODUCT]},
            "firstCreated",
        ),
        (
            {"item": story("Old", firstCreated="0001-01-01T00:00:00+01:00"), "products": [PRODUCT]},
            "firstCreated",
        ),
        (
            {"item": story("Late", embargoedUntil="2024-13-40T00:00:00Z"), "products": [PRODUCT]},
            "embargo",
        ),
    ],
)
def test_bad_publish_is_a_problem_naming_the_field(
    nw: Newswire, body: dict[str, Any], word: str
) -> None:
    problem = is_problem(nw.editor.post("/v1/desk/items", json=body), 422)
    assert word.lower() in problem["detail"].lower(), problem["detail"]


def test_other_bad_desk_calls(nw: Newswire, subs: Clients) -> None:
    editor = nw.editor
    raw = editor.post(
        "/v1/desk/items", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert "JSON" in is_problem(raw, 400)["detail"]
    missing = "urn:acceptance:never-published"
    desk = "/v1/desk/items/" + path_of(missing).removeprefix("/v1/items/")
    is_problem(editor.put(desk, json={"item": story("x"), "products": [PRODUCT]}), 404)
    is_problem(editor.post(desk + "/kill", json={"reason": "x"}), 404)
    uri = nw.publish(story("Signal check"), [PRODUCT])["uri"]
    desk = "/v1/desk/items/" + path_of(uri).removeprefix("/v1/items/")
    bad_signal = {"item": story("x"), "products": [PRODUCT], "signal": "rewrite"}
    assert "signal" in is_problem(editor.put(desk, json=bad_signal), 422)["detail"]
    is_problem(subs.full.get(path_of(uri), params={"version": 0}), 422)
    is_problem(subs.full.get(path_of(uri), params={"version": 99}), 404)
    is_problem(subs.full.get("/v1/items/%ZZ"), 404)


def test_summary_search_snippets_never_hold_the_whole_body(nw: Newswire, subs: Clients) -> None:
    # A short story's summary would be the story: summary plans get a shorter one.
    uri = nw.publish(story("Quokka census on Rottnest"), [PRODUCT])["uri"]
    item = subs.summary.get(path_of(uri)).json()
    assert "only full subscribers read" not in json.dumps(item)
    deadline = time.monotonic() + 20
    while True:
        hits = subs.summary.get("/v1/search", params={"q": "Quokka"}).json()["hits"]
        if any(hit["uri"] == uri for hit in hits):
            break
        assert time.monotonic() < deadline, "the story never reached the search index"
        time.sleep(0.3)
    assert "only full subscribers read" not in json.dumps(hits)


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/vnd.iptc.g2.newsitem+xml", "newsItem"),
        ("application/nitf+xml", "nitf"),
        ("application/json;q=0.4, application/nitf+xml", "nitf"),
        ("application/nitf+xml;q=0, application/json", "uri"),
        ("text/html", "uri"),
    ],
)
def test_accept_header_picks_the_format(nw: Newswire, subs: Clients, accept: str, fmt: str) -> None:
    uri = nw.publish(story(f"Negotiated {fmt}"), [PRODUCT])["uri"]
    answer = subs.full.get(path_of(uri), headers={"Accept": accept})
    assert answer.status_code == 200
    assert fmt in answer.text[:200], (accept, answer.text[:120])


def test_oversized_and_deeply_nested_bodies_are_refused(nw: Newswire) -> None:
    huge = {
        "item": story("Huge", bodies=[{"value": "x" * (64 * 1024 * 1024)}]),
        "products": [PRODUCT],
    }
    answer = nw.editor.post("/v1/desk/items", json=huge)
    assert answer.status_code in (413, 422)
    is_problem(answer, answer.status_code)
    nested = "[" * 5000 + '"deep"' + "]" * 5000
    deep = nw.editor.post(
        "/v1/desk/items",
        content=f'{{"item": {{"headlines": {nested}}}, "products": ["{PRODUCT}"]}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert deep.status_code in (400, 413, 422), deep.text[:200]
    is_problem(deep, deep.status_code)


@pytest.mark.parametrize("tail", ["related", "versions", "renditions/web"])
def test_uris_that_end_like_a_sub_resource(nw: Newswire, subs: Clients, tail: str) -> None:
    uri = f"http://example.com/acceptance/{tail}"
    nw.publish({**story(f"Uri ending in {tail}"), "uri": uri}, [PRODUCT])
    answer = subs.full.get(path_of(uri))
    assert answer.status_code == 200, answer.text
    assert answer.json()["uri"] == uri
    related = subs.full.get(path_of(uri) + "/related")
    assert related.status_code == 200, related.text
    desk = "/v1/desk/items/" + path_of(uri).removeprefix("/v1/items/")
    update = {"item": story(f"Uri ending in {tail}, updated"), "products": [PRODUCT]}
    assert nw.editor.put(desk, json=update).json()["version"] == 2
    versions = subs.full.get(path_of(uri) + "/versions")
    assert [v["version"] for v in versions.json()] == [1, 2]
    missing = subs.full.get(path_of(uri + "-never") + "/related")
    assert uri + "-never" in is_problem(missing, 404)["detail"]


def test_a_deeply_nested_query_is_a_problem_not_a_500(subs: Clients) -> None:
    for q in ("(" * 400 + "rates" + ")" * 400, "NOT " * 200 + "rates"):
        answer = subs.full.get("/v1/search", params={"q": q})
        assert answer.status_code == 422, answer.text[:200]
        assert "nest" in answer.json()["detail"]
    assert subs.full.get("/v1/search", params={"q": "((rates OR bank) AND NOT gold)"}).is_success
