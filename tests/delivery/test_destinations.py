"""FTP and SFTP push end to end: a real pyftpdlib server and a real asyncssh SFTP server
on loopback that refuse the first attempts and drop one transfer mid-file; every story
arrives complete, in order, once."""

from __future__ import annotations

import asyncio
import contextlib
import posixpath
import threading
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncssh
import psycopg
import pytest
from fastapi import FastAPI

with warnings.catch_warnings():  # pyftpdlib still imports asyncore, deprecated in 3.11
    warnings.simplefilter("ignore", DeprecationWarning)
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import DTPHandler, FTPHandler
    from pyftpdlib.servers import FTPServer

from newswire import formats
from newswire.delivery import destinations as worker
from newswire.delivery.filenames import item_file, kill_file, recalled_by
from newswire.delivery.webhooks import RetryPolicy
from tests.conftest import LiveServer, Wire, new_key
from tests.delivery.conftest import wait_until
from tests.follow.helpers import desk_story

FAST = RetryPolicy(first_delay=0.1, max_delay=0.5, window=120.0)
STORIES = 20
DROPPED = 4  # the story whose first upload the server cuts off mid-file


@dataclass
class Trouble:
    """What a test server does wrong, and what it saw done right."""

    refuse: int = 0  # refuse this many connections (FTP) or logins (SFTP)
    drop: str = ""  # cut the connection in the middle of uploading this (temporary) name
    renamed: list[str] = field(default_factory=list)  # final names, in the order they landed
    dropped: int = 0
    refused: int = 0


def _second_worker(app: FastAPI) -> FastAPI:
    """A second destination worker beside the app's own: order must hold across them."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[Any]:
        async with inner(app) as state:
            ctx = app.state.context
            extra = asyncio.create_task(
                worker.run_destination_worker(
                    ctx.db, ctx.notifier, app.state.destination_cipher, "Agency", poll=0.1
                )
            )
            try:
                yield state
            finally:
                extra.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await extra

    app.router.lifespan_context = lifespan
    return app


@pytest.fixture
def pusher(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Wire]:
    """newswire with two destination workers retrying fast, a product, plan and subscriber."""
    monkeypatch.setattr(worker, "RETRY", FAST)
    monkeypatch.setattr(worker, "TIMEOUT", 5.0)
    server = LiveServer(db_url, tmp_path / "server", wrap=_second_worker)
    wire = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), server)
    wire.product("world")
    wire.plan("full", ["world"])
    try:
        yield wire
    finally:
        wire.close()
        server.stop()


def _subscriber_id(wire: Wire) -> int:
    r = wire.admin.post("/v1/admin/subscribers", json={"name": "Daily", "plan": "full"})
    assert r.status_code == 201, r.text
    made: int = r.json()["id"]
    return made


def _destination(wire: Wire, **body: Any) -> dict[str, Any]:
    r = wire.admin.post("/v1/admin/destinations", json=body)
    assert r.status_code == 201, r.text
    made: dict[str, Any] = r.json()
    return made


def _temp(n: int, ext: str = "xml") -> str:
    return ".tmp-" + item_file(desk_story(n)["uri"], 1, ext)


# --- a real FTP server (pyftpdlib) -------------------------------------------------


class FTP:
    """pyftpdlib on a loopback port, in a thread, with a user `wire` and a folder."""

    def __init__(self, root: Path, trouble: Trouble, port: int = 0) -> None:
        (root / "incoming").mkdir(parents=True)
        authorizer = DummyAuthorizer()
        authorizer.add_user("wire", "s3cret pass", str(root), perm="elradfmwMT")

        class Data(DTPHandler):
            ac_in_buffer_size = 256  # small reads, so a drop lands mid-file

            def handle_read(self) -> None:
                super().handle_read()
                name = Path(getattr(self.file_obj, "name", "")).name
                if trouble.drop and name == trouble.drop and self.tot_bytes_received > 0:
                    trouble.drop, trouble.dropped = "", trouble.dropped + 1
                    self.cmd_channel.close()
                    self.close()

            handle_read_event = handle_read  # pyftpdlib calls this alias

        class Control(FTPHandler):
            dtp_handler = Data

            def on_connect(self) -> None:
                if trouble.refuse > 0:
                    trouble.refuse -= 1
                    trouble.refused += 1
                    self.respond("421 Service not available, try again later.")
                    self.close_when_done()

            def ftp_RNTO(self, path: str) -> Any:
                done = super().ftp_RNTO(path)
                if done:
                    trouble.renamed.append(Path(path).name)
                return done

        Control.authorizer = authorizer
        Control.passive_ports = None
        self.server = FTPServer(("127.0.0.1", port), Control)
        self.port = self.server.address[1]
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"timeout": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.close_all()
        self.thread.join(5)


# --- a real SFTP server (asyncssh) ------------------------------------------------


class SFTP:
    """An asyncssh SFTP server on a loopback port, in its own event loop thread,
    accepting one client key for user `wire`, rooted in a folder."""

    def __init__(self, root: Path, client_key: asyncssh.SSHKey, trouble: Trouble) -> None:
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        (root / "in").mkdir(parents=True)
        public = client_key.export_public_key().decode()

        class Server(asyncssh.SSHServer):
            def begin_auth(self, username: str) -> bool:
                return True

            def public_key_auth_supported(self) -> bool:
                return True

            def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
                if trouble.refuse > 0:
                    trouble.refuse -= 1
                    trouble.refused += 1
                    return False
                return username == "wire" and key.export_public_key().decode() == public

        class Files(asyncssh.SFTPServer):
            def __init__(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
                super().__init__(chan, chroot=str(root).encode())
                self.writing = ""

            def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
                self.writing = posixpath.basename(path.decode())
                return super().open(path, pflags, attrs)

            def write(self, file_obj: object, offset: int, data: bytes) -> Any:
                if trouble.drop and self.writing == trouble.drop:
                    trouble.drop, trouble.dropped = "", trouble.dropped + 1
                    super().write(file_obj, offset, data[: len(data) // 2])
                    self.connection.abort()
                    return len(data) // 2
                return super().write(file_obj, offset, data)

            def posix_rename(self, oldpath: bytes, newpath: bytes) -> Any:
                done = super().posix_rename(oldpath, newpath)
                trouble.renamed.append(posixpath.basename(newpath.decode()))
                return done

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

        async def start() -> asyncssh.SSHAcceptor:
            return await asyncssh.listen(
                "127.0.0.1",
                0,
                server_host_keys=[self.host_key],
                server_factory=Server,
                sftp_factory=Files,
            )

        self.acceptor = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        self.port = self.acceptor.get_port()

    def close(self) -> None:
        async def stop() -> None:
            self.acceptor.close()
            await self.acceptor.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


# --- the story: 20 stories, a correction and a kill -------------------------------


def _publish_and_check(wire: Wire, trouble: Trouble, folder: Path, ext: str) -> None:
    for n in range(STORIES):
        wire.publish(desk_story(n), ["world"])
    first = [item_file(desk_story(n)["uri"], 1, ext) for n in range(STORIES)]
    wait_until(lambda: len(trouble.renamed) >= STORIES, timeout=60)
    fixed = desk_story(2) | {"headlines": [{"role": "main", "value": "Story number 2 (fixed)"}]}
    r = wire.editor.put(
        f"/v1/desk/items/{quote(fixed['uri'], safe='')}",
        json={"item": fixed, "products": ["world"], "signal": "correction"},
    )
    assert r.status_code == 200, r.text
    r = wire.editor.post(
        f"/v1/desk/items/{quote(desk_story(3)['uri'], safe='')}/kill", json={"reason": "Libel"}
    )
    assert r.status_code == 200, r.text
    wait_until(lambda: len(trouble.renamed) >= STORIES + 2, timeout=60)

    later = [item_file(fixed["uri"], 2, ext), kill_file(desk_story(3)["uri"], 2, ext)]
    assert trouble.renamed == first + later  # in order, each once
    assert trouble.refused > 0 and trouble.dropped == 1
    recalled = item_file(desk_story(3)["uri"], 1, ext)  # the kill took the story back
    wait_until(lambda: not (folder / recalled).exists(), timeout=30)
    kept = [name for name in first + later if name != recalled]
    assert sorted(p.name for p in folder.iterdir()) == sorted(kept)  # no temp left
    for path in folder.iterdir():
        (parsed,) = formats.parse(path.read_bytes(), filename=path.name)
        n = int(path.name.split("story-", 1)[1].split("_", 1)[0])
        assert parsed.item.uri == desk_story(n)["uri"]
        if path.name.endswith("_kill.xml"):
            assert parsed.item.pub_status == "canceled"
        elif path.name.endswith("_v2.xml"):
            assert parsed.item.headline() == "Story number 2 (fixed)"
            assert b"sig:correction" in path.read_bytes()
        else:
            assert parsed.item.headline() == f"Story number {n}"


def test_ftp_push_survives_refusals_and_a_dropped_transfer(pusher: Wire, tmp_path: Path) -> None:
    trouble = Trouble(refuse=3, drop=_temp(DROPPED))
    ftp = FTP(tmp_path / "ftp", trouble)
    try:
        made = _destination(
            pusher,
            subscriber=_subscriber_id(pusher),
            protocol="ftp",
            host="127.0.0.1",
            port=ftp.port,
            username="wire",
            password="s3cret pass",
            folder="incoming",
            format="newsmlg2",
        )
        assert "password" not in made and made["passive"] is True
        _publish_and_check(pusher, trouble, tmp_path / "ftp" / "incoming", "xml")
    finally:
        ftp.close()

    r = pusher.admin.get(f"/v1/admin/destinations/{made['id']}")
    health = r.json()["health"]
    assert health["backlog"] == 0 and health["dead"] == 0
    assert health["lastSuccess"] is not None
    assert health["lastError"]  # the refusals and the drop were recorded
    with psycopg.connect(pusher.db_url) as conn:
        (stored,) = conn.execute("SELECT credentials FROM destinations").fetchone() or (b"",)
    assert b"s3cret" not in bytes(stored)  # encrypted at rest


def test_sftp_push_with_keys_survives_refusals_and_a_dropped_transfer(
    pusher: Wire, tmp_path: Path
) -> None:
    client_key = asyncssh.generate_private_key("ssh-ed25519")
    trouble = Trouble(refuse=2, drop=_temp(DROPPED))
    sftp = SFTP(tmp_path / "sftp", client_key, trouble)
    try:
        _destination(
            pusher,
            subscriber=_subscriber_id(pusher),
            protocol="sftp",
            host="127.0.0.1",
            port=sftp.port,
            username="wire",
            privateKey=client_key.export_private_key().decode(),
            hostKey=sftp.host_key.export_public_key().decode(),
            folder="in",
            format="newsmlg2",
        )
        _publish_and_check(pusher, trouble, tmp_path / "sftp" / "in", "xml")
    finally:
        sftp.close()


def test_a_kill_notice_recalls_every_earlier_version_file() -> None:
    uri = "urn:newsml:example.com:20261125:a_b/c d"
    assert recalled_by(kill_file(uri, 3, "xml")) == [
        item_file(uri, 1, "xml"),
        item_file(uri, 2, "xml"),
    ]
    assert recalled_by(kill_file(uri, 1, "json")) == []  # killed before any version went out
    assert recalled_by(item_file(uri, 2, "xml")) == []  # not a kill notice
    assert recalled_by("../../etc/passwd_v3_kill.xml") == []  # only names we make
