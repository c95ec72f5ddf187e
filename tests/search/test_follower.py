"""The index follows the log across restarts and reindexes; entitlement holds for any plan."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tantivy import Query

from newswire import gate
from newswire.delivery.notifier import WireNotifier
from newswire.model import Item, ItemState, Plan
from newswire.search import index_dir
from newswire.search.follower import run_search_follower
from newswire.search.index import (
    IndexWriter,
    NotServed,
    current_generation,
    new_generation,
    read_seq,
)
from newswire.search.reindex import reindex
from newswire.search.results import run_search
from newswire.store.database import Database
from tests.conftest import LiveServer, Wire, new_key, story
from tests.search.conftest import SearchServer, SearchWire, hits, uris


def _reindex(db_url: str, index_dir: Path) -> int:
    async def run() -> int:
        db = Database(db_url, size=1)
        await db.open()
        try:
            return await reindex(db, index_dir, progress=False)
        finally:
            await db.close()

    count: int = asyncio.run(run())
    return count


def test_reindex_rebuilds_beside_a_running_server(sw: SearchWire) -> None:
    w = sw.wire
    w.product("world-en")
    w.plan("full-en", ["world-en"])
    sub = w.subscriber("Daily", "full-en")
    live = sw.publish(story("Comet seen over the desert"), ["world-en"])
    killed = sw.publish(story("Comet hoax"), ["world-en"])
    r = w.editor.post(f"/v1/desk/items/{killed['uri']}/kill", json={"reason": "hoax"})
    sw.wait_indexed(r.json()["seq"])
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    sw.publish(story("Comet embargoed", embargoedUntil=later), ["world-en"])
    sw.publish(story("Comet withheld", pubStatus="withheld"), ["world-en"])
    before = hits(sub, q="comet")
    assert uris(before) == {live["uri"]}

    assert _reindex(w.db_url, sw.index_dir) == 1
    assert hits(sub, q="comet") == before
    after = sw.publish(story("Comet fragments found"), ["world-en"])  # the follower moved over
    assert uris(hits(sub, q="comet")) == {live["uri"], after["uri"]}
    generations = [p for p in sw.index_dir.iterdir() if p.is_dir()]
    assert len(generations) == 1


def test_a_restarted_server_resumes_from_its_stored_seq(db_url: str, tmp_path: Path) -> None:
    server = SearchServer(db_url, tmp_path)
    w = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"))
    sw = SearchWire(w, server.index_dir)
    try:
        w.product("world-en")
        first = sw.publish(story("Glacier retreats"), ["world-en"])
    finally:
        w.close()
        server.stop()
    seq = sw.indexed_seq()
    assert seq >= first["seq"]
    other = LiveServer(db_url, tmp_path / "other")  # another node publishes meanwhile
    meanwhile = Wire(other.url, db_url, w.admin_key, w.editor_key)
    try:
        meanwhile.publish(story("Glacier melts faster"), ["world-en"])
    finally:
        meanwhile.close()
        other.stop()

    server = SearchServer(db_url, tmp_path)
    w = Wire(server.url, db_url, w.admin_key, w.editor_key)
    sw = SearchWire(w, server.index_dir)
    try:
        done = sw.publish(story("Glacier study published"), ["world-en"])
        page = hits(w.editor, q="glacier")
        assert page["total"] == 3 and first["uri"] in uris(page) and done["uri"] in uris(page)
    finally:
        w.close()
        server.stop()


def test_no_plan_ever_sees_a_hit_count_or_facet_outside_it(sw: SearchWire) -> None:
    rng = random.Random(7)
    w = sw.wire
    products, languages, kinds = ["p1", "p2", "p3"], ["en", "fr", "tr"], ["text", "picture"]
    for slug in products:
        w.product(slug)
    states: list[ItemState] = []
    for n in range(14):
        item = story(f"Gamma report {n}", language=rng.choice(languages), type=rng.choice(kinds))
        # a word only the full view shows (lower case, so enrichment lifts no entity from it)
        item["bodies"][0]["value"] = "<p>the zephyrs murmured.</p>"
        item["descriptions"] = [{"role": "summary", "value": f"Summary {n}"}]
        # editor's subjects: enrichment then adds no keywords (from the body) to the summary view
        item["subjects"] = [
            {"name": "economy", "uri": "http://cv.iptc.org/newscodes/mediatopic/04000000"}
        ]
        chosen = rng.sample(products, rng.randint(1, 2))
        done = sw.publish(item, chosen)
        states.append(
            ItemState(Item.model_validate(item | {"uri": done["uri"]}), 1, frozenset(chosen))
        )
    victim = states.pop(rng.randrange(len(states)))
    r = w.editor.post(f"/v1/desk/items/{victim.item.uri}/kill", json={"reason": "test"})
    sw.wait_indexed(r.json()["seq"])

    for n in range(8):
        plan = Plan(
            slug=f"plan{n}",
            products=frozenset(rng.sample(products, rng.randint(1, 2))),
            languages=frozenset(rng.sample(languages, rng.randint(0, 2))),
            types=frozenset(rng.sample(kinds, rng.randint(1, 2))),
            depth=rng.choice(["full", "summary"]),
        )
        w.plan(
            plan.slug,
            sorted(plan.products),
            languages=sorted(plan.languages),
            types=sorted(plan.types),
            depth=plan.depth,
        )
        sub = w.subscriber(f"Sub {n}", plan.slug)
        mine = [s for s in states if gate.entitled(plan, s)]
        page = hits(sub, q="gamma", limit=100, facets="all")
        assert uris(page) == {s.item.uri for s in mine}, plan
        assert page["total"] == len(mine)
        want_products = Counter(p for s in mine for p in s.products & plan.products)
        assert {f["value"]: f["count"] for f in page["facets"]["products"]} == want_products
        want_languages = Counter(s.item.language for s in mine)
        assert {f["value"]: f["count"] for f in page["facets"]["languages"]} == want_languages
        want_types = Counter(s.item.type or "text" for s in mine)
        assert {f["value"]: f["count"] for f in page["facets"]["types"]} == want_types
        body = hits(sub, q="zephyrs", limit=100)
        assert body["total"] == (len(mine) if plan.depth == "full" else 0), (plan, body)
        for hit in page["hits"]:
            assert set(hit["products"]) <= plan.products
            assert ("body" in hit["snippets"]) is False  # "gamma" is in no body
            assert ("bodies" in hit["item"]) == (plan.depth == "full")


def test_a_node_answers_503_until_its_index_is_built(db_url: str, tmp_path: Path) -> None:
    data = tmp_path / "node"
    # The generation this node's follower would build, held by another writer for now.
    holder = IndexWriter(new_generation(index_dir(data), first=True))
    server = SearchServer(db_url, data)
    w = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"))
    try:
        w.product("world-en")
        w.plan("full-en", ["world-en"])
        sub = w.subscriber("Daily", "full-en")
        assert hits(sub, q="lantern")["total"] == 0  # an empty log: nothing to wait for
        done = w.publish(story("Lantern festival opens"), ["world-en"])
        r = sub.get("/v1/search", params={"q": "lantern"})
        assert r.status_code == 503, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert "being built" in r.json()["detail"] and int(r.headers["retry-after"]) > 0
        holder.close()  # the node's follower takes over (it retries every 5 s)
        deadline = time.monotonic() + 20
        while (r := sub.get("/v1/search", params={"q": "lantern"})).status_code == 503:
            assert time.monotonic() < deadline, "the index was never served"
            time.sleep(0.1)
        assert r.status_code == 200 and uris(r.json()) == {done["uri"]}
    finally:
        w.close()
        server.stop()


def test_a_new_index_is_served_only_once_it_has_caught_up(db_url: str, tmp_path: Path) -> None:
    node = LiveServer(db_url, tmp_path / "other")
    w = Wire(node.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"))
    try:
        w.product("world-en")
        last = [w.publish(story(f"Harvest report {n}"), ["world-en"])["seq"] for n in range(3)]
    finally:
        w.close()
        node.stop()

    async def follow(directory: Path) -> tuple[int, bool]:
        db = Database(db_url, size=2)
        await db.open()
        task = asyncio.create_task(run_search_follower(db, WireNotifier(db_url), directory))
        refused = False
        try:
            deadline = time.monotonic() + 20
            while (generation := current_generation(directory)) is None:
                assert time.monotonic() < deadline, "the index was never served"
                try:
                    run_search(directory, Query.all_query(), None, sort="newest", limit=1,
                               offset=0, snippet_parts=())  # fmt: skip
                except NotServed:
                    refused = True
                await asyncio.sleep(0.001)
            return read_seq(generation), refused
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await db.close()

    served_at, refused = asyncio.run(follow(tmp_path / "index"))
    assert refused  # searched before it was served: refused, not an empty answer
    assert served_at >= last[-1]  # served with every story in, never half-built
