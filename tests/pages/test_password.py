"""Changing a password: the account page for every signed-in user, and the CLI reset."""

from __future__ import annotations

import subprocess

import httpx

from tests.conftest import Wire, run_cli
from tests.pages.logins import PASSWORD, add_user, csrf_of, login, post, subscriber_id

NEW = "a brand new passphrase"


def _signed_out(client: httpx.Client) -> bool:
    r = client.get("/portal", follow_redirects=False)
    return r.status_code == 303 and r.headers["location"].startswith("/login")


def _login_works(wire: Wire, username: str, password: str) -> bool:
    client = httpx.Client(base_url=wire.url, timeout=30)
    wire.clients.append(client)
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": username, "password": password, "csrf": token})
    return r.status_code == 303


def _reader(wire: Wire) -> None:
    wire.product("world")
    wire.plan("full", ["world"])
    wire.subscriber("Daily Planet", "full")
    add_user(wire.db_url, "reader", "subscriber", subscriber_id(wire, "Daily Planet"))


def test_a_user_changes_the_password_and_other_browsers_are_signed_out(wire: Wire) -> None:
    _reader(wire)
    here, elsewhere = login(wire, "reader"), login(wire, "reader")
    form = here.get("/account/password")
    assert form.status_code == 200 and 'autocomplete="new-password"' in form.text
    r = post(here, "/account/password", "/account/password",
             current=PASSWORD, new=NEW, repeat=NEW)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/portal"
    assert here.get("/portal").status_code == 200  # this browser got a fresh session
    assert _signed_out(elsewhere)
    assert not _login_works(wire, "reader", PASSWORD)
    assert _login_works(wire, "reader", NEW)


def test_wrong_or_unusable_passwords_change_nothing(wire: Wire) -> None:
    _reader(wire)
    client = login(wire, "reader")
    cases = [
        ({"current": "not my password", "new": NEW, "repeat": NEW}, 401, "current password"),
        ({"current": PASSWORD, "new": NEW, "repeat": NEW + "x"}, 422, "differ"),
        ({"current": PASSWORD, "new": "short", "repeat": "short"}, 422, "characters"),
    ]
    for data, status, message in cases:
        r = post(client, "/account/password", "/account/password", **data)
        assert r.status_code == status, (data, r.text[:300])
        assert message in r.text
    assert client.get("/portal").status_code == 200  # still signed in
    assert _login_works(wire, "reader", PASSWORD)
    anonymous = wire.client()
    assert anonymous.get("/account/password", follow_redirects=False).status_code == 303
    no_token = client.post("/account/password", data={"current": PASSWORD, "new": NEW})
    assert no_token.status_code == 403  # CSRF: the form's token is required


def test_guessing_the_current_password_is_throttled(wire: Wire) -> None:
    _reader(wire)
    client = login(wire, "reader")
    codes = [
        post(client, "/account/password", "/account/password",
             current=f"guess {n}", new=NEW, repeat=NEW).status_code
        for n in range(6)
    ]  # fmt: skip
    assert codes[:5] == [401] * 5 and codes[5] == 429
    # Even the right password waits now.
    r = post(client, "/account/password", "/account/password",
             current=PASSWORD, new=NEW, repeat=NEW)  # fmt: skip
    assert r.status_code == 429 and "Retry-After" in r.headers


def _user_password(db_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_cli(db_url, "user", "password", *args, stdin=stdin)


def test_the_agency_resets_a_forgotten_password_from_the_command_line(wire: Wire) -> None:
    _reader(wire)
    signed_in = login(wire, "reader")
    done = _user_password(wire.db_url, "reader", stdin=NEW + "\n")
    assert done.returncode == 0, done.stderr
    assert "sessions have ended" in done.stdout
    assert _signed_out(signed_in)
    assert _login_works(wire, "reader", NEW)
    missing = _user_password(wire.db_url, "nobody", "--password", NEW)
    assert missing.returncode == 1 and "no user named 'nobody'" in missing.stderr
    short = _user_password(wire.db_url, "reader", "--password", "short")
    assert short.returncode == 1 and "password" in short.stderr
    assert _login_works(wire, "reader", NEW)  # a refused reset changed nothing
