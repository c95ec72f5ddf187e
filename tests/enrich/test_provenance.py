"""Provenance and fingerprints are stored with each version; near-duplicates are flagged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Wire

DEFENCE = json.loads((Path(__file__).parent / "testdata" / "en_defence.json").read_text())

LEAD = (
    "<p>Lockheed Martin and Rheinmetall will build a plant in Germany to make rocket motors"
    " for guided missiles, the two defence companies said on Tuesday, as Europe races to"
    " refill stockpiles depleted by the war in Ukraine.</p><p>The plant in Unterluess, in the"
    " state of Lower Saxony, is expected to employ about 300 people and produce its first"
    " motors in 2027, Rheinmetall Chief Executive Armin Papperger said in Berlin.</p>"
)


def _story(headline: str, body: str, **extra: Any) -> dict[str, Any]:
    return {
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": body}],
        **extra,
    }


def test_editors_see_which_step_filled_which_field(wire: Wire) -> None:
    wire.product("news")
    done = wire.publish(_story("Missile plant for Germany", LEAD, language="en"), ["news"])
    r = wire.editor.get(f"/v1/desk/items/{done['uri']}/enrichment")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 1 and body["nearDuplicateOf"] is None
    assert body["provenance"]["people"] == "entities"
    assert body["provenance"]["subjects"] == "topics+keywords"
    assert "language" not in body["provenance"]  # the editor gave it
    assert len(body["fingerprint"]) == 16

    update = _story("Missile plant for Germany", LEAD, language="en", people=[{"name": "A B"}])
    r = wire.editor.put(f"/v1/desk/items/{done['uri']}", json={"item": update})
    assert r.status_code == 200 and r.json()["nearDuplicateOf"] is None  # own versions don't count
    v2 = wire.editor.get(f"/v1/desk/items/{done['uri']}/enrichment").json()
    assert v2["version"] == 2 and "people" not in v2["provenance"]
    v1 = wire.editor.get(f"/v1/desk/items/{done['uri']}/enrichment?version=1").json()
    assert v1["provenance"]["people"] == "entities"


def test_a_near_repeat_of_a_recent_story_is_flagged_for_editors_only(wire: Wire) -> None:
    _, _, _ = wire.three_plans("news")
    body = DEFENCE["body"]
    first = wire.publish(_story(DEFENCE["headline"], body, language="en"), ["news"])
    repeat = body.replace("about 300 people", "about 350 people").replace("2.1%", "2.4%")
    r = wire.editor.post(
        "/v1/desk/items",
        json={
            "item": _story("Germany to get missile plant", repeat, language="en"),
            "products": ["news"],
        },
    )
    assert r.status_code == 201 and r.json()["nearDuplicateOf"] == first["uri"]
    flagged = wire.editor.get(f"/v1/desk/items/{r.json()['uri']}/enrichment").json()
    assert flagged["nearDuplicateOf"]["uri"] == first["uri"]
    assert 0 <= flagged["nearDuplicateOf"]["bits"] <= 10

    other = wire.publish(
        _story(
            "Storm closes ports",
            "<p>A storm closed ports along the coast on Monday.</p>"
            "<p>Ferries stayed in harbour and flights were cancelled.</p>",
            language="en",
        ),
        ["news"],
    )
    assert (
        wire.editor.get(f"/v1/desk/items/{other['uri']}/enrichment").json()["nearDuplicateOf"]
        is None
    )


def test_the_enrichment_endpoint_is_for_editors(wire: Wire) -> None:
    full, _, _ = wire.three_plans("news")
    done = wire.publish(_story("Missile plant for Germany", LEAD, language="en"), ["news"])
    assert full.get(f"/v1/desk/items/{done['uri']}/enrichment").status_code == 403
    assert wire.client().get(f"/v1/desk/items/{done['uri']}/enrichment").status_code == 401
    missing = wire.editor.get("/v1/desk/items/urn:newswire:nothing/enrichment")
    assert missing.status_code == 404
    assert wire.editor.get(f"/v1/desk/items/{done['uri']}/enrichment?version=7").status_code == 404


def test_ingested_stories_are_enriched_and_recorded_too(wire: Wire) -> None:
    wire.product("news")
    document = json.dumps(_story(DEFENCE["headline"], DEFENCE["body"], uri="urn:src:1"))
    r = wire.editor.post(
        "/v1/desk/ingest?products=news",
        content=document,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 201, r.text
    found = wire.editor.get("/v1/desk/items/urn:src:1/enrichment").json()
    assert found["provenance"]["organisations"] == "entities" and found["fingerprint"]
