"""GET /v1/search over HTTP: hits in the caller's view, snippets, facets, filters, pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from newswire.search.results import FACETS
from tests.conftest import story
from tests.search.conftest import SearchWire, hits, uris


def _setup(sw: SearchWire) -> None:
    w = sw.wire
    w.product("world-en")
    w.product("economy-en")
    w.plan("full-en", ["world-en", "economy-en"])


def test_a_published_story_is_found_with_highlighted_snippets(sw: SearchWire) -> None:
    _setup(sw)
    sub = sw.wire.subscriber("Daily", "full-en")
    done = sw.publish(
        story(
            "Volcano erupts near the coast",
            descriptions=[{"role": "summary", "value": "Ash clouds over the coast"}],
        ),
        ["world-en"],
    )
    page = hits(sub, q="volcano")
    assert page["total"] == 1
    [hit] = page["hits"]
    assert hit["uri"] == done["uri"]
    assert hit["view"] == "full"
    assert hit["products"] == ["world-en"]
    assert hit["item"]["bodies"]
    assert "<b>Volcano</b>" in hit["snippets"]["headline"]
    assert "<b>Volcano</b>" in hit["snippets"]["body"]
    assert "summary" not in hit["snippets"]  # no match there, no snippet
    assert hits(sub, q="volcanoes")["total"] == 1  # English stemming
    # Phrases search word pairs; the snippet still marks the phrase's words.
    [phrase] = hits(sub, q='"volcanoes erupting near the coast"')["hits"]
    assert "<b>coast</b>" in phrase["snippets"]["headline"]
    assert hits(sub, q='"erupts near"')["total"] == 1
    assert hits(sub, q='"near erupts"')["total"] == 0
    assert hits(sub, q='"volcano near the coast"')["total"] == 0
    assert hits(sub, q="glacier")["total"] == 0


def test_search_answers_only_within_the_plan(sw: SearchWire) -> None:
    w = sw.wire
    _setup(sw)
    w.product("world-tr")
    w.product("secret-en")
    w.plan("narrow", ["world-en"], languages=["en"], types=["text"])
    sub = w.subscriber("Narrow", "narrow")
    inside = sw.publish(story("Harbour strike spreads"), ["world-en"])
    shared = sw.publish(story("Harbour strike talks"), ["world-en", "secret-en"])
    sw.publish(story("Harbour strike secret memo"), ["secret-en"])
    sw.publish(story("Harbour strike in Izmir", language="tr"), ["world-en"])
    sw.publish(story("Harbour strike photo", type="picture"), ["world-en"])
    sw.publish(story("Harbour strike Turkish desk", language="tr"), ["world-tr"])

    page = hits(sub, q="harbour strike", facets="all")
    assert uris(page) == {inside["uri"], shared["uri"]}
    assert page["total"] == 2
    facets = page["facets"]
    assert facets["products"] == [{"value": "world-en", "count": 2}]  # never secret-en
    assert facets["languages"] == [{"value": "en", "count": 2}]
    assert facets["types"] == [{"value": "text", "count": 2}]
    # Asking for what the plan does not cover finds nothing, and says nothing.
    for params in ({"products": "secret-en"}, {"languages": "tr"}, {"types": "picture"}):
        other = hits(sub, q="harbour", facets="all", **params)
        assert other["total"] == 0 and other["hits"] == [], params
        assert other["facets"] == {name: [] for name in FACETS}, params
    assert hits(sub, q="memo")["total"] == 0
    assert hits(sub, q="product:secret-en")["total"] == 0
    # The desk sees everything.
    assert hits(w.editor, q="harbour strike")["total"] == 6


def test_a_summary_plan_never_searches_or_sees_body_text(sw: SearchWire) -> None:
    w = sw.wire
    _setup(sw)
    w.plan("brief", ["world-en"], depth="summary")
    brief = w.subscriber("Brief", "brief")
    full = w.subscriber("Full", "full-en")
    item = story(
        "Minister resigns",
        descriptions=[{"role": "summary", "value": "The minister quit after the vote"}],
    )
    item["bodies"][0]["value"] = "<p>Sources cite a confidential dossier on the minister.</p>"
    done = sw.publish(item, ["world-en"])

    assert hits(full, q="dossier")["total"] == 1
    assert hits(brief, q="dossier") == hits(brief, q="zzzz")  # no hit, count or facet
    assert hits(brief, q="dossier")["total"] == 0
    bad = brief.get("/v1/search", params={"q": "body:dossier"})
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"

    page = hits(brief, q="minister")
    [hit] = page["hits"]
    assert hit["uri"] == done["uri"] and hit["view"] == "summary"
    assert "bodies" not in hit["item"] and hit["item"]["representationType"] == "partial"
    assert set(hit["snippets"]) == {"headline", "summary"}
    assert "dossier" not in str(hit)
    assert "body" in hits(full, q="minister")["hits"][0]["snippets"]


def test_a_killed_story_leaves_the_results_at_once(sw: SearchWire) -> None:
    w = sw.wire
    _setup(sw)
    sub = w.subscriber("Daily", "full-en")
    kept = sw.publish(story("Bridge collapse in the north"), ["world-en"])
    killed = sw.publish(story("Bridge collapse rumour"), ["world-en"])
    assert hits(sub, q="bridge")["total"] == 2
    r = w.editor.post(f"/v1/desk/items/{killed['uri']}/kill", json={"reason": "false report"})
    assert r.status_code in (200, 201), r.text
    assert uris(hits(sub, q="bridge")) == {kept["uri"]}  # gone from hits before the index
    sw.wait_indexed(r.json()["seq"])
    page = hits(sub, q="bridge", facets="products")
    assert page["total"] == 1 and page["facets"]["products"] == [{"value": "world-en", "count": 1}]
    assert hits(sub, q="rumour")["total"] == 0
    assert hits(w.editor, q="rumour")["total"] == 0


def test_an_update_replaces_the_indexed_version(sw: SearchWire) -> None:
    w = sw.wire
    _setup(sw)
    sub = w.subscriber("Daily", "full-en")
    done = sw.publish(story("Storm heads for the islands"), ["world-en"])
    r = w.editor.put(
        f"/v1/desk/items/{done['uri']}",
        json={"item": story("Hurricane hits the islands"), "signal": "update"},
    )
    assert r.status_code in (200, 201), r.text
    sw.wait_indexed(r.json()["seq"])
    assert hits(sub, q="storm")["total"] == 0
    [hit] = hits(sub, q="hurricane")["hits"]
    assert hit["item"]["version"] == "2"
    assert hits(sub, q="islands")["total"] == 1


def test_embargoed_stories_enter_search_at_release(sw: SearchWire) -> None:
    w = sw.wire
    _setup(sw)
    w.plan("early", ["world-en"], embargoed=True)
    sub = w.subscriber("Daily", "full-en")
    early = w.subscriber("Early", "early")
    until = datetime.now(UTC) + timedelta(seconds=1.5)
    done = sw.publish(
        story("Nobel prize winner named", embargoedUntil=until.isoformat()), ["world-en"]
    )
    for client in (sub, early, w.editor):
        page = hits(client, q="nobel", facets="all")
        assert page["total"] == 0 and page["facets"] == {name: [] for name in FACETS}
    feed = sub.get("/v1/feed", params={"wait": 10}).json()["entries"]  # the release event
    assert [e["event"] for e in feed] == ["release"]
    sw.wait_indexed(feed[0]["seq"])
    assert uris(hits(sub, q="nobel")) == {done["uri"]}
    assert hits(early, q="nobel")["total"] == 1


def test_a_delayed_plan_counts_nothing_before_its_delay(sw: SearchWire) -> None:
    w = sw.wire
    _setup(sw)
    w.plan("late", ["world-en"], delay=60)
    late = w.subscriber("Late", "late")
    sw.publish(story("Fresh flood warning"), ["world-en"])
    page = hits(late, q="flood", facets="all")
    assert page["total"] == 0 and page["facets"] == {name: [] for name in FACETS}
    assert hits(w.subscriber("Daily", "full-en"), q="flood")["total"] == 1


def test_filters_facets_sorting_and_pages(sw: SearchWire) -> None:
    w = sw.wire
    _setup(sw)
    sub = w.subscriber("Daily", "full-en")
    quake = "http://cv.iptc.org/newscodes/mediatopic/03000000"
    society = "http://cv.iptc.org/newscodes/mediatopic/14000000"
    published = []
    for n in range(5):
        topic = {"name": "disaster", "uri": quake} if n % 2 == 0 else {"name": "x", "uri": society}
        extra = {
            "urgency": 1 if n == 0 else 3,
            "subjects": [topic],  # the editor's: enrichment adds no topics or keywords
            "people": [{"name": "Ada Lovelace"}] if n == 1 else [],
            "places": [{"name": "Ankara"}] if n == 2 else [],
            "organisations": [{"name": "Red Cross"}] if n == 3 else [],
        }
        published.append(sw.publish(story(f"Earthquake report {n}", **extra), ["world-en"]))
    assert hits(sub, q="earthquake")["facets"] == {}  # counted only when asked for
    assert list(hits(sub, q="earthquake", facets="urgency")["facets"]) == ["urgency"]
    everything = hits(sub, q="earthquake", facets="urgency,topics")
    assert list(everything["facets"]) == ["urgency", "topics"]
    assert everything["total"] == 5
    assert everything["facets"]["urgency"] == [{"value": 3, "count": 4}, {"value": 1, "count": 1}]
    assert everything["facets"]["topics"] == [
        {"value": quake, "count": 3},
        {"value": society, "count": 2},
    ]
    assert hits(sub, q="earthquake", urgency="1")["total"] == 1
    assert hits(sub, q="earthquake", urgency="1,3")["total"] == 5
    assert hits(sub, topic="medtop:03000000")["total"] == 3
    assert hits(sub, topic=quake, urgency=1)["total"] == 1
    assert uris(hits(sub, person="ada lovelace")) == {published[1]["uri"]}
    assert uris(hits(sub, place="Ankara")) == {published[2]["uri"]}
    assert uris(hits(sub, organisation="Red Cross")) == {published[3]["uri"]}
    assert uris(hits(sub, q='person:"Ada Lovelace"')) == {published[1]["uri"]}
    today = datetime.now(UTC).date()
    assert hits(sub, **{"from": today.isoformat()})["total"] == 5
    assert hits(sub, to=(today - timedelta(days=1)).isoformat())["total"] == 0
    assert hits(sub, **{"from": (today + timedelta(days=1)).isoformat()})["total"] == 0

    newest = hits(sub, sort="newest", limit=2)
    assert [h["uri"] for h in newest["hits"]] == [published[4]["uri"], published[3]["uri"]]
    seen = [h["uri"] for h in newest["hits"]]
    page = newest
    while page["next"]:
        page = hits(sub, sort="newest", limit=2, cursor=page["next"])
        seen += [h["uri"] for h in page["hits"]]
    assert seen == [p["uri"] for p in reversed(published)]
    assert page["total"] == 5


def test_bad_searches_get_problem_json(sw: SearchWire) -> None:
    w = sw.wire
    _setup(sw)
    sub = w.subscriber("Daily", "full-en")
    assert w.client().get("/v1/search", params={"q": "x"}).status_code == 401
    for params in (
        {"cursor": "!!!"},
        {"q": "a*"},
        {"q": "urgency:high"},
        {"urgency": "11"},
        {"from": "yesterday"},
        {"limit": "0"},
        {"sort": "oldest"},
        {"facets": "colour"},
    ):
        r = sub.get("/v1/search", params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"] == "application/problem+json"
