"""Random plans, items, embargoes, corrections and kills driven through every exit that
exists (feed, item fetch, version history, stream): the gate's invariants hold at each."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Wire, story
from tests.web.test_stream import SSEReader

_example = itertools.count()
LANGUAGES = ["en", "tr"]


@dataclass
class PlanSpec:
    products: list[int]
    languages: list[str]
    depth: str
    embargoed: bool


@dataclass
class ItemSpec:
    products: list[int]
    language: str
    embargoed: bool
    corrected: bool
    killed: bool


plan_specs = st.builds(
    PlanSpec,
    products=st.lists(st.integers(0, 2), min_size=1, max_size=3, unique=True),
    languages=st.lists(st.sampled_from(LANGUAGES), max_size=2, unique=True),
    depth=st.sampled_from(["full", "summary"]),
    embargoed=st.booleans(),
)
item_specs = st.builds(
    ItemSpec,
    products=st.lists(st.integers(0, 2), min_size=1, max_size=2, unique=True),
    language=st.sampled_from(LANGUAGES),
    embargoed=st.booleans(),
    corrected=st.booleans(),
    killed=st.booleans(),
)


def _entitled(plan: PlanSpec, item: ItemSpec) -> bool:
    return bool(set(plan.products) & set(item.products)) and (
        not plan.languages or item.language in plan.languages
    )


def _check_item(plan: PlanSpec, spec: ItemSpec, shown: dict[str, Any], secret: str) -> None:
    text = json.dumps(shown)
    if spec.killed:
        assert shown["pubStatus"] == "canceled" and secret not in text
        return
    if plan.depth == "summary":
        assert "bodies" not in shown and secret not in text
    if spec.embargoed:
        assert plan.embargoed and "embargoedUntil" in shown


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    plans=st.lists(plan_specs, min_size=1, max_size=3),
    items=st.lists(item_specs, min_size=1, max_size=4),
)
def test_gate_holds_at_every_exit(wire: Wire, plans: list[PlanSpec], items: list[ItemSpec]) -> None:
    n = next(_example)
    slugs = [f"x{n}-p{i}" for i in range(3)]
    for slug in slugs:
        wire.product(slug)
    start = wire.editor.get("/v1/feed", params={"after": 10**12}).json()["next"]
    clients = []
    for i, plan in enumerate(plans):
        wire.plan(
            f"x{n}-plan{i}",
            [slugs[p] for p in plan.products],
            languages=plan.languages,
            depth=plan.depth,
            embargoed=plan.embargoed,
        )
        clients.append(wire.subscriber(f"x{n}-sub{i}", f"x{n}-plan{i}"))
    published: dict[str, tuple[ItemSpec, str]] = {}
    for j, spec in enumerate(items):
        secret = f"SECRET-{n}-{j}"
        extra = {}
        if spec.embargoed:
            extra["embargoedUntil"] = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
        item = story(f"Headline {n}-{j}", spec.language, **extra)
        item["bodies"] = [{"value": f"<p>{secret} body text.</p>"}]
        item["descriptions"] = [{"role": "summary", "value": "What the story says, briefly."}]
        uri = wire.publish(item, [slugs[p] for p in spec.products])["uri"]
        path = quote(uri, safe="")
        if spec.corrected:
            r = wire.editor.put(
                f"/v1/desk/items/{path}", json={"item": item, "signal": "correction"}
            )
            assert r.status_code == 200, r.text
        if spec.killed:
            assert (
                wire.editor.post(f"/v1/desk/items/{path}/kill", json={"reason": "test"}).status_code
                == 200
            )
        published[uri] = (spec, secret)

    for plan, client in zip(plans, clients, strict=True):
        feed = client.get("/v1/feed", params={"after": start, "limit": 500}).json()["entries"]
        for entry in feed:
            spec, secret = published[entry["item"]["uri"]]
            assert _entitled(plan, spec)
            _check_item(plan, spec, entry["item"], secret)
            if spec.killed:
                assert entry["event"] == "kill"
        key = client.headers["authorization"].split()[1]
        reader = SSEReader(wire.client(key), params={"after": start})
        streamed = reader.wait_for(len(feed), timeout=5)
        assert [int(e["id"]) for e in streamed] == [e["seq"] for e in feed]
        for event, entry in zip(streamed, feed, strict=True):
            assert json.loads(event["data"]) == entry["item"]
        for uri, (spec, secret) in published.items():
            path = quote(uri, safe="")
            got = client.get(f"/v1/items/{path}")
            visible = _entitled(plan, spec) and (plan.embargoed or not spec.embargoed)
            if spec.killed and _entitled(plan, spec) and not spec.embargoed:
                visible = True
            if spec.killed and spec.embargoed and not plan.embargoed:
                visible = False
            assert got.status_code == (200 if visible else 404), (plan, spec, got.text)
            if visible:
                _check_item(plan, spec, got.json(), secret)
                history = client.get(f"/v1/items/{path}/versions").json()
                for version in history:
                    _check_item(plan, spec, version["item"], secret)
