"""The destinations admin API: who may use it, what it refuses, health, dead letters
and replay (against a real FTP server that comes up late)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncssh
import pytest

from newswire.delivery import destinations as worker
from newswire.delivery.filenames import item_file
from newswire.delivery.webhooks import RetryPolicy
from tests.conftest import LiveServer, Wire, free_port, new_key
from tests.delivery.conftest import wait_until
from tests.delivery.test_destinations import FTP, Trouble
from tests.follow.helpers import desk_story

# Two quick attempts, then dead.
SHORT = RetryPolicy(first_delay=0.05, max_delay=0.1, window=60.0, max_attempts=2)


@pytest.fixture
def admin_wire(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Wire]:
    monkeypatch.setattr(worker, "RETRY", SHORT)
    monkeypatch.setattr(worker, "TIMEOUT", 5.0)
    server = LiveServer(db_url, tmp_path / "server")
    wire = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), server)
    wire.product("world")
    wire.plan("full", ["world"])
    try:
        yield wire
    finally:
        wire.close()
        server.stop()


def _subscriber(wire: Wire, name: str = "Daily") -> int:
    r = wire.admin.post("/v1/admin/subscribers", json={"name": name, "plan": "full"})
    assert r.status_code == 201, r.text
    made: int = r.json()["id"]
    return made


def _ftp(sub: int, **extra: Any) -> dict[str, Any]:
    body = {"subscriber": sub, "protocol": "ftp", "host": "127.0.0.1", "username": "wire"}
    return body | {"password": "pw"} | extra


def test_only_admins_manage_destinations(admin_wire: Wire) -> None:
    sub = _subscriber(admin_wire)
    subscriber = admin_wire.subscriber("Reader", "full")
    for client in (admin_wire.client(), admin_wire.editor, subscriber):
        assert client.get("/v1/admin/destinations").status_code in (401, 403)
        r = client.post("/v1/admin/destinations", json=_ftp(sub))
        assert r.status_code in (401, 403), r.text
        assert r.headers["content-type"].startswith("application/problem+json")
    assert admin_wire.admin.get("/v1/admin/destinations").json() == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"format": "rtf"}, "format"),
        ({"protocol": "sftp", "password": ""}, "sftp needs a password or a privateKey"),
        ({"privateKey": "not a key"}, "only for sftp"),
        ({"protocol": "sftp", "privateKey": "-----BEGIN nonsense"}, "privateKey"),
        ({"protocol": "sftp", "hostKey": "ssh-ed25519 AAAA!"}, "hostKey"),
        ({"username": "wire\r\nDELE x"}, "username"),
        ({"password": "a\nb"}, "password"),
        ({"folder": "in\x00coming"}, "folder"),
        ({"host": "bad host name"}, "host"),
        ({"port": 0}, "port"),
        ({"mode": "active"}, "mode"),
    ],
)
def test_bad_destinations_are_refused_naming_the_problem(
    admin_wire: Wire, change: dict[str, Any], named: str
) -> None:
    sub = _subscriber(admin_wire)
    r = admin_wire.admin.post("/v1/admin/destinations", json=_ftp(sub, **change))
    assert r.status_code == 422, r.text
    assert named in r.text
    assert admin_wire.admin.get("/v1/admin/destinations").json() == []  # nothing half-stored


def test_create_list_get_delete_and_limits(admin_wire: Wire) -> None:
    sub, other = _subscriber(admin_wire), _subscriber(admin_wire, "Weekly")
    r = admin_wire.admin.post("/v1/admin/destinations", json=_ftp(999_999))
    assert r.status_code == 404, r.text
    key = asyncssh.generate_private_key("ssh-ed25519").export_private_key().decode()
    sftp = _ftp(other, protocol="sftp", password="", privateKey=key, folder=" in ")
    made = admin_wire.admin.post("/v1/admin/destinations", json=sftp)
    assert made.status_code == 201, made.text
    assert made.json()["port"] == 22 and made.json()["folder"] == "in"
    assert "privateKey" not in made.json() and "BEGIN" not in made.text
    ids = [admin_wire.admin.post("/v1/admin/destinations", json=_ftp(sub)).json()["id"]]
    for _ in range(9):
        ids.append(admin_wire.admin.post("/v1/admin/destinations", json=_ftp(sub)).json()["id"])
    r = admin_wire.admin.post("/v1/admin/destinations", json=_ftp(sub))
    assert r.status_code == 409, r.text
    listed = admin_wire.admin.get("/v1/admin/destinations").json()
    assert len(listed) == 11 and all("password" not in d for d in listed)
    assert all(d["port"] == 21 and d["passive"] for d in listed if d["protocol"] == "ftp")
    mine = admin_wire.admin.get("/v1/admin/destinations", params={"subscriber": other}).json()
    assert [d["id"] for d in mine] == [made.json()["id"]]
    one = admin_wire.admin.get(f"/v1/admin/destinations/{ids[0]}").json()
    assert one["health"] == {
        "lastSuccess": None, "lastError": None, "lastErrorAt": None, "backlog": 0, "dead": 0,
    }  # fmt: skip
    assert admin_wire.admin.delete(f"/v1/admin/destinations/{ids[0]}").status_code == 204
    assert admin_wire.admin.get(f"/v1/admin/destinations/{ids[0]}").status_code == 404
    assert admin_wire.admin.delete(f"/v1/admin/destinations/{ids[0]}").status_code == 404
    assert admin_wire.admin.get(f"/v1/admin/destinations/{2**70}").status_code == 422


def test_dead_letters_then_replay_delivers_in_order_once(admin_wire: Wire, tmp_path: Path) -> None:
    port = free_port()
    made = admin_wire.admin.post(
        "/v1/admin/destinations",
        json=_ftp(
            _subscriber(admin_wire),
            port=port,
            folder="incoming",
            format="nitf",
            password="s3cret pass",
        ),
    ).json()
    seqs = [admin_wire.publish(desk_story(n), ["world"])["seq"] for n in range(3)]
    url = f"/v1/admin/destinations/{made['id']}"
    wait_until(lambda: admin_wire.admin.get(url).json()["health"]["dead"] == 3, timeout=30)
    health = admin_wire.admin.get(url).json()["health"]
    assert health["backlog"] == 0 and health["lastSuccess"] is None
    assert "refused" in health["lastError"].lower()

    trouble = Trouble()
    ftp = FTP(tmp_path / "ftp", trouble, port=port)
    try:
        # The server is up now, but dead rows stay dead until a replay.
        seqs.append(admin_wire.publish(desk_story(3), ["world"])["seq"])
        wait_until(lambda: len(trouble.renamed) == 1)
        r = admin_wire.admin.post(f"{url}/replay", params={"after": seqs[0] - 1})
        assert r.status_code == 200 and r.json()["cursor"] == seqs[0] - 1, r.text
        wait_until(lambda: len(trouble.renamed) == 5)
    finally:
        ftp.close()
    names = [item_file(desk_story(n)["uri"], 1, "xml") for n in range(4)]
    # Story 3 arrived first, then the replay sent everything after the cursor again.
    assert trouble.renamed == [names[3], *names]
    assert sorted(p.name for p in (tmp_path / "ftp" / "incoming").iterdir()) == sorted(names)
    health = admin_wire.admin.get(url).json()["health"]
    assert health["dead"] == 0 and health["backlog"] == 0 and health["lastSuccess"]
    assert admin_wire.admin.post(f"{url}/replay").status_code == 422  # `after` is required
