"""`newswire follow` end to end: real servers over loopback, the agent as a subprocess."""

from __future__ import annotations

import signal
from pathlib import Path
from urllib.parse import quote

import httpx

from newswire import formats
from newswire.delivery.filenames import item_file, kill_file
from tests.conftest import Wire
from tests.follow.helpers import Agent, desk_story

TOTAL = 500
CORRECTED = (10, 300)  # 300 is corrected while one agent is down
KILLED = (20, 400)  # 400 is killed while one agent is down


def _key(client: httpx.Client) -> str:
    return str(client.headers["Authorization"]).split()[-1]


def _publish(wire: Wire, n: int) -> int:
    seq: int = wire.publish(desk_story(n), ["world"])["seq"]
    return seq


def _correct(wire: Wire, n: int) -> int:
    item = desk_story(n) | {"headlines": [{"role": "main", "value": f"Story number {n} (fixed)"}]}
    r = wire.editor.put(
        f"/v1/desk/items/{quote(item['uri'], safe='')}",
        json={"item": item, "products": ["world"], "signal": "correction"},
    )
    assert r.status_code == 200, r.text
    seq: int = r.json()["seq"]
    return seq


def _kill(wire: Wire, n: int) -> int:
    uri = desk_story(n)["uri"]
    r = wire.editor.post(f"/v1/desk/items/{quote(uri, safe='')}/kill", json={"reason": "Libel"})
    assert r.status_code == 200, r.text
    seq: int = r.json()["seq"]
    return seq


def _expected(ext: str) -> set[str]:
    names = set()
    for n in range(TOTAL):
        uri = desk_story(n)["uri"]
        if n in KILLED:
            names.add(kill_file(uri, 2, ext))
        else:
            names.add(item_file(uri, 1, ext))
        if n in CORRECTED:
            names.add(item_file(uri, 2, ext))
    return names


def _check_contents(out: Path) -> None:
    """Every file parses in its format and holds the story its name says."""
    for path in sorted(out.glob("*_v*.xml")):
        (parsed,) = formats.parse(path.read_bytes(), filename=path.name)
        n = int(path.name.split("story-", 1)[1].split("_", 1)[0])
        assert parsed.item.uri == desk_story(n)["uri"], path.name
        if path.name.endswith("_kill.xml"):
            assert parsed.item.pub_status == "canceled", path.name
            assert not parsed.item.bodies, path.name
            continue
        headline = parsed.item.headline()
        fixed = path.name.endswith("_v2.xml")
        assert headline == f"Story number {n}" + (" (fixed)" if fixed else ""), path.name


def test_two_agents_sigkilled_halfway_end_with_exactly_the_right_files(
    wire: Wire, tmp_path: Path
) -> None:
    wire.product("world")
    wire.plan("full", ["world"])
    key = _key(wire.subscriber("Daily", "full"))
    g2 = Agent(wire.url, key, "newsmlg2", tmp_path / "g2").start()
    nitf = Agent(wire.url, key, "nitf", tmp_path / "nitf").start()

    last = 0
    for n in range(TOTAL):
        last = _publish(wire, n)
        if n == 125:  # SIGKILL the NewsML-G2 agent while it follows live; restart it soon
            g2.kill()
            assert 0 < g2.cursor() <= last
        if n == 140:
            g2.start()
        if n == TOTAL // 2:  # SIGKILL the NITF agent; it catches up only at the end
            _correct(wire, CORRECTED[0])
            _kill(wire, KILLED[0])
            nitf.kill()
            assert 0 < nitf.cursor() < last + 2
    _correct(wire, CORRECTED[1])
    last = _kill(wire, KILLED[1])
    nitf.start()

    for agent in (g2, nitf):
        agent.wait_cursor(last)
        assert agent.stop(signal.SIGTERM) == 0, agent.log()
        assert agent.files() == _expected("xml"), agent.log()
        _check_contents(agent.out)
    assert "stopping on SIGTERM" in nitf.log()
    for agent in (g2, nitf):
        assert agent.log().count("following ") == 2  # it really was restarted


def test_a_crash_between_file_and_cursor_replays_into_the_same_files(
    wire: Wire, tmp_path: Path
) -> None:
    """The state SIGKILL leaves at its worst moment: files written, cursor behind, a
    temporary file half written. A restart ends with the same files, no more."""
    wire.product("world")
    wire.plan("full", ["world"])
    key = _key(wire.subscriber("Daily", "full"))
    seqs = [_publish(wire, n) for n in range(30)]
    _correct(wire, 3)
    last = _kill(wire, 5)
    out = tmp_path / "ninjs"
    agent = Agent(wire.url, key, "ninjs3", out).start()
    agent.wait_cursor(last)
    assert agent.stop() == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("urn")}
    assert len(before) == 31  # 28 stories, story 3 twice, story 5 as its kill notice
    cursor_file = out / ".newswire-follow.json"
    cursor_file.write_text(cursor_file.read_text().replace(f'"seq": {last}', f'"seq": {seqs[9]}'))
    (out / ".tmp-urn-newswire-test-story-12_v1.json").write_bytes(b'{"uri": "urn:new')
    agent.start().wait_cursor(last)
    assert agent.stop() == 0
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name.startswith("urn")}
    assert after == before
    assert agent.files() == set(before)
    assert f"from seq {seqs[9]}" in agent.log()
