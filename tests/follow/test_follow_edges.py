"""The follow agent's exit codes, its fall-back to the cursor feed, renditions that are
not there, and memory that does not grow per item."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from newswire.delivery.filenames import item_file
from newswire.follow import AgentOptions
from newswire.follow.agent import Agent as InProcessAgent
from tests.conftest import LiveServer, Wire, new_key
from tests.follow.helpers import Agent, desk_story


def _key(client: httpx.Client) -> str:
    return str(client.headers["Authorization"]).split()[-1]


def _subscriber(wire: Wire) -> str:
    wire.product("world")
    wire.plan("full", ["world"])
    return _key(wire.subscriber("Daily", "full"))


def test_a_refused_key_exits_3(wire: Wire, tmp_path: Path) -> None:
    agent = Agent(wire.url, "not-a-key", "nitf", tmp_path / "out").start()
    assert agent.wait() == 3
    assert "refused the key" in agent.log()


def test_an_unreachable_server_exits_4_after_give_up(tmp_path: Path) -> None:
    agent = Agent("http://127.0.0.1:9", "k", "nitf", tmp_path / "out", "--give-up-after", "1")
    assert agent.start().wait() == 4
    log = agent.log()
    assert "using the cursor feed" in log and "giving up" in log


def test_bad_usage_exits_2(wire: Wire, tmp_path: Path) -> None:
    key = _subscriber(wire)
    first = Agent(wire.url, key, "nitf", tmp_path / "out").start()
    first.wait_log("following ")
    busy = Agent(wire.url, key, "nitf", tmp_path / "out").start()
    assert busy.wait() == 2
    assert "another follow agent is using it" in busy.log()
    assert first.stop() == 0
    other = Agent(wire.url, key, "ninjs2", tmp_path / "out").start()
    assert other.wait() == 2
    assert "this folder follows the wire in nitf" in other.log()
    wrong = Agent(wire.url, key, "rtf", tmp_path / "x").start()
    assert wrong.wait() == 2  # argparse: invalid choice


def _no_stream(app: Any) -> Any:
    """A proxy in front of the app that breaks Server-Sent Events (as some do)."""

    async def proxy(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/stream":
            await send({"type": "http.response.start", "status": 502, "headers": []})
            await send({"type": "http.response.body", "body": b"bad gateway"})
            return
        await app(scope, receive, send)

    return proxy


@pytest.fixture
def streamless(db_url: str, tmp_path: Path) -> Iterator[Wire]:
    server = LiveServer(db_url, tmp_path / "server", wrap=_no_stream)
    w = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), server)
    yield w
    w.close()
    server.stop()


def test_the_agent_falls_back_to_the_feed_when_the_stream_fails(
    streamless: Wire, tmp_path: Path
) -> None:
    key = _subscriber(streamless)
    agent = Agent(streamless.url, key, "ninjs2", tmp_path / "out").start()
    seqs = [streamless.publish(desk_story(n), ["world"])["seq"] for n in range(12)]
    agent.wait_cursor(seqs[-1])
    assert agent.stop() == 0
    uris = [desk_story(n)["uri"] for n in range(12)]
    assert agent.files() == {item_file(uri, 1, "json") for uri in uris}
    assert "stream failed (stream: HTTP 502" in agent.log()


def test_renditions_are_skipped_when_the_server_has_none_to_download(
    wire: Wire, tmp_path: Path
) -> None:
    key = _subscriber(wire)
    photo = desk_story(1) | {
        "type": "picture",
        "renditions": [{"name": "web", "href": "https://img.example/1.jpg"}],
    }
    seq = wire.publish(photo, ["world"])["seq"]
    agent = Agent(wire.url, key, "ninjs3", tmp_path / "out").start()
    agent.wait_cursor(seq)
    assert agent.stop() == 0
    assert agent.files() == {item_file(photo["uri"], 1, "json")}


def test_the_agent_keeps_no_state_per_item(wire: Wire, tmp_path: Path) -> None:
    key = _subscriber(wire)
    for n in range(300):
        wire.publish(desk_story(n), ["world"])
    options = AgentOptions(wire.url, key, "nitf", tmp_path / "out", use_stream=False)
    agent = InProcessAgent(options)
    tracemalloc.start(30)
    try:
        sizes = []
        for _ in range(6):  # 6 pages of 50 events
            page = agent.client.feed(agent.cursor, wait=0, limit=50)
            for event in page.events:
                agent.apply(event)
            del page
            gc.collect()
            ours = tracemalloc.Filter(True, "*/newswire/follow/*", all_frames=True)
            snapshot = tracemalloc.take_snapshot().filter_traces([ours])
            sizes.append(sum(stat.size for stat in snapshot.statistics("filename")))
    finally:
        tracemalloc.stop()
        agent.close()
    assert agent.counts.files == 300
    # Allocations made under the agent's frames that are still alive. URL parsing caches
    # (bounded LRU caches in httpx and urllib) keep more for the first couple of hundred
    # requests, shrinking page by page, so the last 100 items are measured. Keeping
    # anything per item would cost more: a set of seen uris alone adds about 100 bytes
    # per item (10 KB over these 100).
    assert sizes[-1] - sizes[3] < 100 * 50, sizes


def test_renditions_the_plan_covers_are_downloaded_beside_the_item(
    wire: Wire, tmp_path: Path
) -> None:
    from tests.media.conftest import picture, upload

    wire.product("world")
    wire.plan("full", ["world"])
    wire.plan("summary", ["world"], depth="summary")
    full = _key(wire.subscriber("Full", "full"))
    summary = _key(wire.subscriber("Summary", "summary"))
    photo = picture(900, 600)
    r = upload(
        wire, photo, "p.jpg", item={"uri": "urn:test:pic-1", "headlines": [{"value": "Pic"}]}
    )
    assert r.status_code == 201, r.text
    names, seq = r.json()["renditions"], r.json()["seq"]
    agents = {
        "full": Agent(wire.url, full, "ninjs3", tmp_path / "full").start(),
        "summary": Agent(wire.url, summary, "newsmlg2", tmp_path / "summary").start(),
    }
    for agent in agents.values():
        agent.wait_cursor(seq)
        assert agent.stop() == 0, agent.log()
    slug = "urn-test-pic-1"
    got = agents["full"].files()
    assert f"{slug}_v1.json" in got
    assert {n for n in names} == {f.split("_")[2].split(".")[0] for f in got - {f"{slug}_v1.json"}}
    original = next(p for p in (tmp_path / "full").iterdir() if "_original." in p.name)
    assert original.read_bytes() == photo
    kept = agents["summary"].files() - {f"{slug}_v1.xml"}
    assert kept and {f.split("_")[2].split(".")[0] for f in kept} <= {"thumbnail", "preview"}


def test_a_missing_key_exits_2_and_help_documents_the_exit_codes(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NEWSWIRE_KEY"}
    args = [sys.executable, "-m", "newswire", "follow", "--url", "http://127.0.0.1:9"]
    done = subprocess.run(
        [*args, "--format", "nitf", "--out", str(tmp_path / "o")],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and "needs --key or $NEWSWIRE_KEY" in done.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "newswire", "follow", "--help"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    text = " ".join(shown.stdout.split())
    assert "3 the server refused the key" in text and "4 the server stayed unreachable" in text
