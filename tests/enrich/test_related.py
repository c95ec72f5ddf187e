"""`GET /v1/items/{uri}/related`: shared entities and topics, gated like every exit."""

from __future__ import annotations

from typing import Any

from tests.conftest import Wire


def _story(headline: str, text: str, language: str = "en") -> dict[str, Any]:
    return {
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": f"<p>{text}</p>"}],
        "language": language,
    }


FIRST = _story(
    "Rheinmetall to build ammunition plant in Lithuania",
    "Rheinmetall will build an ammunition plant in Lithuania, Chief Executive Armin Papperger"
    " said in Vilnius on Monday. The plant will make artillery shells for NATO armies.",
)
SECOND = _story(
    "Rheinmetall chief Armin Papperger expects more orders",
    "Armin Papperger said Rheinmetall expected more orders for artillery shells from NATO"
    " members this year. Shares rose in Frankfurt.",
)
UNRELATED = _story(
    "Heavy snow closes schools in Canada",
    "Heavy snow closed schools and roads in eastern Canada on Tuesday, forecasters said."
    " Toronto expects 30 cm more snow.",
)


def test_related_stories_share_entities_and_are_gated(wire: Wire) -> None:
    full, summary, turkish = wire.three_plans("world")
    wire.product("defence")
    wire.plan("defence-only", ["defence"], languages=["en"])
    defence_only = wire.subscriber("Defence", "defence-only")
    first = wire.publish(FIRST, ["world", "defence"])
    second = wire.publish(SECOND, ["world"])
    wire.publish(UNRELATED, ["world"])
    hidden = wire.publish(
        _story("Rheinmetall opens Lithuania plant", FIRST["bodies"][0]["value"][3:-4]), ["defence"]
    )

    r = full.get(f"/v1/items/{first['uri']}/related")
    assert r.status_code == 200, r.text
    related = [e["item"]["uri"] for e in r.json()["related"]]
    assert hidden["uri"] not in related  # the full-en plan has no defence product
    assert second["uri"] in related and len(related) == 1  # the snow story shares nothing

    summaries = summary.get(f"/v1/items/{first['uri']}/related").json()["related"]
    assert [e["item"]["uri"] for e in summaries] == [second["uri"]]
    assert summaries[0]["item"]["representationType"] == "partial"
    assert "bodies" not in summaries[0]["item"]

    # A plan that sees the item but not the related one gets nothing it may not see.
    only = defence_only.get(f"/v1/items/{first['uri']}/related").json()["related"]
    assert [e["item"]["uri"] for e in only] == [hidden["uri"]]

    # The item itself must be visible: a Turkish plan gets 404, as for the item.
    assert turkish.get(f"/v1/items/{first['uri']}/related").status_code == 404
    assert full.get("/v1/items/urn:newswire:none/related").status_code == 404


def test_killed_stories_drop_out_of_related(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    first = wire.publish(FIRST, ["world"])
    second = wire.publish(SECOND, ["world"])
    assert (
        wire.editor.post(
            f"/v1/desk/items/{second['uri']}/kill", json={"reason": "legal"}
        ).status_code
        == 200
    )
    assert full.get(f"/v1/items/{first['uri']}/related").json()["related"] == []
    assert full.get(f"/v1/items/{second['uri']}/related").status_code == 404


def test_a_delayed_plan_sees_no_related_story_before_its_delay(wire: Wire) -> None:
    full, _, _ = wire.three_plans("world")
    wire.plan("late", ["world"], languages=["en"], delay=60)
    late = wire.subscriber("Late", "late")
    first = wire.publish(FIRST, ["world"])
    wire.publish(SECOND, ["world"])
    assert len(full.get(f"/v1/items/{first['uri']}/related").json()["related"]) == 1
    assert late.get(f"/v1/items/{first['uri']}/related").status_code == 404
    assert late.get(f"/v1/items/{first['uri']}").status_code == 404  # the same as the item
