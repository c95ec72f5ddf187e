"""The admin destination pages against a real FTP server (pyftpdlib) on loopback:
create from the form, see health (last success, backlog, last error), replay, delete;
bad input is refused with a message naming the field, and only admins get in."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Wire
from tests.delivery.test_destinations import FTP, Trouble
from tests.follow.helpers import desk_story
from tests.pages.logins import add_user, login, post, subscriber_id


@pytest.fixture
def ftp(tmp_path: Path) -> Iterator[FTP]:
    server = FTP(tmp_path / "ftp", Trouble())
    try:
        yield server
    finally:
        server.close()


def _wait_for(check: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port  # nothing listens once the socket closes: connections are refused


def _row(page: str, destination_id: str) -> str:
    found = re.search(rf"<tr[^>]*>\s*<td>{destination_id}</td>.*?</tr>", page, re.S)
    assert found, f"no row for destination {destination_id}"
    return found.group(0)


def test_admin_creates_watches_replays_and_deletes_destinations(
    wire: Wire, ftp: FTP, tmp_path: Path
) -> None:
    wire.product("world")
    wire.plan("full", ["world"])
    wire.subscriber("Daily", "full")
    sid = str(subscriber_id(wire, "Daily"))
    add_user(wire.db_url, "root", "admin")
    admin = login(wire, "root")
    page = "/admin/destinations"
    assert "No destinations yet." in admin.get(page).text

    common = {"subscriber": sid, "protocol": "ftp", "host": "127.0.0.1", "username": "wire"}
    good = common | {"port": str(ftp.port), "password": "s3cret pass", "folder": "incoming"}
    r = post(admin, page, page, **good, format="nitf", passive="on")
    assert r.status_code == 303, r.text
    broken = common | {"port": str(_closed_port()), "password": "x", "folder": "in"}
    assert post(admin, page, page, **broken, passive="on").status_code == 303
    ids = re.findall(r"/admin/destinations/(\d+)/delete", admin.get(page).text)
    assert len(ids) == 2
    good_id, broken_id = ids
    assert "s3cret pass" not in admin.get(page).text  # credentials never come back

    for n in range(3):
        wire.publish(desk_story(n), ["world"])
    folder = tmp_path / "ftp" / "incoming"
    _wait_for(lambda: len(list(folder.glob("*.xml"))) == 3)
    _wait_for(lambda: "never" not in _row(admin.get(page).text, good_id))
    row = _row(admin.get(page).text, good_id)
    assert "ftp://wire@127.0.0.1" in row and "<td>0</td><td>0</td>" in row  # no backlog
    _wait_for(lambda: "refused" in _row(admin.get(page).text, broken_id).lower())
    row = _row(admin.get(page).text, broken_id)
    assert "never" in row and 'class="trouble"' in row
    assert re.search(r"<td>[1-9]\d*</td><td>0</td>", row)  # a backlog, nothing dead yet

    # Replay from the start: the three files are uploaded again.
    for path in folder.glob("*.xml"):
        path.unlink()
    r = post(admin, page, f"{page}/{good_id}/replay", after="0")
    assert r.status_code == 303
    _wait_for(lambda: len(list(folder.glob("*.xml"))) == 3)

    r = post(admin, page, f"{page}/{broken_id}/delete")
    assert r.status_code == 303
    assert f"/admin/destinations/{broken_id}/delete" not in admin.get(page).text
    assert post(admin, page, f"{page}/{broken_id}/delete").status_code == 404

    audit = admin.get("/admin/audit").text
    for action in ("destination.create", "destination.replay", "destination.delete"):
        assert action in audit


def test_bad_destinations_are_refused_and_only_admins_get_in(wire: Wire) -> None:
    wire.product("world")
    wire.plan("full", ["world"])
    wire.subscriber("Daily", "full")
    sid = str(subscriber_id(wire, "Daily"))
    add_user(wire.db_url, "root", "admin")
    add_user(wire.db_url, "eddie", "editor")
    admin, page = login(wire, "root"), "/admin/destinations"
    base = {"subscriber": sid, "protocol": "ftp", "host": "127.0.0.1", "username": "wire"}
    for change, named in (
        ({"protocol": "gopher"}, "protocol"),
        ({"host": "bad host!"}, "host"),
        ({"port": "70000"}, "port"),
        ({"port": "x1"}, "port"),
        ({"format": "pdf"}, "format"),
        ({"subscriber": "999999"}, "999999"),
        ({"protocol": "sftp"}, "password or a privateKey"),
    ):
        r = post(admin, page, page, **(base | change))
        assert r.status_code in (404, 422), (change, r.status_code)
        assert named in r.text, (change, r.text[:500])
    assert "No destinations yet." in admin.get(page).text  # nothing half-stored
    r = post(admin, page, f"{page}/1/replay", after="-1")
    assert r.status_code == 422 and "after" in r.text

    editor = login(wire, "eddie")
    assert editor.get(page).status_code == 403
    r = admin.post(page, data=base)  # no CSRF token
    assert r.status_code == 403
