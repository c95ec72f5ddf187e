"""Logins made from the command line (`newswire user add`) and by the demo seed."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import psycopg

from newswire.demo.seed import seed_demo
from newswire.store.database import Database
from tests.conftest import LiveServer, Wire, new_key, run_async, run_cli
from tests.pages.logins import login


def _user_add(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_cli(db_url, "user", "add", *args, stdin=stdin)


def test_user_add_reads_the_password_from_stdin_or_the_option(wire: Wire) -> None:
    wire.product("world")
    wire.plan("full", ["world"])
    wire.subscriber("Daily Planet", "full")
    done = _user_add(
        wire.db_url, "reader", "--role", "subscriber", "--subscriber", "Daily Planet",
        stdin="a long enough secret\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == [
        "user reader (subscriber of Daily Planet) created; log in at /login"
    ]
    assert login(wire, "reader", "a long enough secret").get("/portal").status_code == 200
    done = _user_add(wire.db_url, "eddie", "--role", "editor", "--password", "desk password 1")
    assert done.returncode == 0, done.stderr
    assert login(wire, "eddie", "desk password 1").get("/desk").status_code == 200
    with psycopg.connect(wire.db_url) as conn:
        stored = conn.execute("SELECT password_hash FROM users WHERE username = 'eddie'").fetchone()
    assert stored is not None and stored[0].startswith("$argon2id$")


def test_user_add_refuses_bad_input_with_one_line(wire: Wire) -> None:
    cases = [
        (("x", "--role", "subscriber", "--subscriber", "Nobody", "--password", "longpassword"),
         "no subscriber named 'Nobody'"),
        (("x", "--role", "subscriber", "--password", "longpassword"), "--subscriber"),
        (("x", "--role", "editor", "--password", "short"), "password"),
        (("bad name!", "--role", "editor", "--password", "longpassword"), "username"),
    ]  # fmt: skip
    for args, message in cases:
        done = _user_add(wire.db_url, *args)
        assert done.returncode == 1, args
        assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr, done.stderr
    assert (
        _user_add(wire.db_url, "dup", "--role", "admin", "--password", "longpassword").returncode
        == 0
    )
    done = _user_add(wire.db_url, "dup", "--role", "admin", "--password", "longpassword")
    assert done.returncode == 1 and "already exists" in done.stderr
    with psycopg.connect(wire.db_url) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (1,)


async def _seed(url: str) -> str:
    db = Database(url, size=2)
    await db.open()
    try:
        return await seed_demo(db, "http://demo.invalid")
    finally:
        await db.close()


def test_demo_prints_page_urls_and_working_logins(db_url: str, tmp_path: Path) -> None:
    printed = run_async(_seed(db_url))
    for path in ("/portal", "/desk", "/admin"):
        assert f"http://demo.invalid{path}" in printed
    logins = dict(re.findall(r"login (\S+)\s+password (\S+)", printed))
    assert {"daily-chronicle", "regional-digest", "al-sahifa-media", "editor", "admin"} <= set(
        logins
    )
    server = LiveServer(db_url, tmp_path)
    wire = Wire(server.url, db_url, new_key(db_url, "admin"), new_key(db_url, "editor"), server)
    try:
        portal = login(wire, "daily-chronicle", logins["daily-chronicle"])
        assert "Daily Chronicle" in portal.get("/portal").text
        assert login(wire, "editor", logins["editor"]).get("/desk").status_code == 200
        assert login(wire, "admin", logins["admin"]).get("/admin/usage").status_code == 200
    finally:
        wire.close()
        server.stop()
