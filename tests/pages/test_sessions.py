"""Logins, sessions and CSRF over HTTP: fresh sessions at login, logout everywhere,
every POST checked, and each role kept to its own pages."""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import Wire, story
from tests.pages.logins import PASSWORD, add_user, csrf_of, login, post, subscriber_id


@pytest.fixture
def people(wire: Wire) -> Wire:
    """A subscriber user, an editor and an admin."""
    wire.product("world")
    wire.plan("full", ["world"])
    wire.subscriber("Daily Planet", "full")
    add_user(wire.db_url, "reader", "subscriber", subscriber_id(wire, "Daily Planet"))
    add_user(wire.db_url, "eddie", "editor")
    add_user(wire.db_url, "ada", "admin")
    return wire


def test_login_sends_each_role_home_and_pages_need_a_login(people: Wire) -> None:
    anonymous = people.client()
    for page in ("/portal", "/desk", "/admin/usage"):
        r = anonymous.get(page)
        assert r.status_code == 303 and r.headers["location"] == f"/login?next={page}"
    for name, home in (("reader", "/portal"), ("eddie", "/desk"), ("ada", "/admin")):
        client = people.client()
        token = csrf_of(client.get("/login").text)
        r = client.post("/login", data={"username": name, "password": PASSWORD, "csrf": token})
        assert r.status_code == 303 and r.headers["location"] == home
        assert client.get(home).status_code == 200


def test_wrong_password_and_unknown_user_are_refused_alike(people: Wire) -> None:
    client = people.client()
    token = csrf_of(client.get("/login").text)
    for name, password in (("reader", "wrong password"), ("nobody", PASSWORD)):
        r = client.post("/login", data={"username": name, "password": password, "csrf": token})
        assert r.status_code == 401
        assert "Wrong username or password" in r.text
    assert client.get("/portal").status_code == 303


def test_session_cookie_is_signed_httponly_lax_and_replaced_at_login(people: Wire) -> None:
    client = people.client()
    page = client.get("/login")
    before = client.cookies["nw_session"]
    header = page.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header and "path=/" in header
    r = client.post(
        "/login", data={"username": "reader", "password": PASSWORD, "csrf": csrf_of(page.text)}
    )
    after = client.cookies["nw_session"]
    assert r.status_code == 303 and after != before
    # The cookie from before the login (say, one an attacker planted) is not logged in.
    planted = people.client()
    planted.cookies.set("nw_session", before)
    assert planted.get("/portal").status_code == 303
    # A tampered cookie is not either.
    forged = people.client()
    forged.cookies.set("nw_session", after[:-3] + ("aaa" if after[-3:] != "aaa" else "bbb"))
    assert forged.get("/portal").status_code == 303
    assert client.get("/portal").status_code == 200


def test_logout_ends_the_session_for_every_copy_of_the_cookie(people: Wire) -> None:
    client = login(people, "reader")
    copy = people.client()
    copy.cookies.set("nw_session", client.cookies["nw_session"])
    assert copy.get("/portal").status_code == 200
    r = post(client, "/portal", "/logout")
    assert r.status_code == 303
    assert client.get("/portal").status_code == 303
    assert copy.get("/portal").status_code == 303


def test_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
    people: Wire,
) -> None:
    editor = login(people, "eddie")
    admin = login(people, "ada")
    form = {"headline": "Forged story", "products": "world", "language": "en", "urgency": "5"}
    for token in (None, "wrong-token", csrf_of(admin.get("/admin").text)):
        data = dict(form) if token is None else {**form, "csrf": token}
        r = editor.post("/desk/publish", data=data)
        assert r.status_code == 403, r.text
        assert "CSRF" in r.text and r.headers["content-type"].startswith("text/html")
    r = admin.post("/admin/products", data={"slug": "forged"})
    assert r.status_code == 403
    r = people.client().post("/login", data={"username": "ada", "password": PASSWORD})
    assert r.status_code == 403
    with psycopg.connect(people.db_url) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM products WHERE slug = 'forged'").fetchone() == (
            0,
        )
    # With the right token the same forms work.
    r = post(editor, "/desk", "/desk/publish", **form)
    assert r.status_code == 303, r.text


def test_a_subscriber_user_never_opens_desk_or_admin_pages(people: Wire) -> None:
    reader = login(people, "reader")
    done = people.publish(story("Desk only view"), ["world"])
    pages = ["/desk", "/desk/wire", f"/desk/items/{done['uri']}", "/admin", "/admin/usage"]
    pages += ["/admin/webhooks", "/admin/audit"]
    for page in pages:
        r = reader.get(page)
        assert r.status_code == 403, page
        assert "Desk only view" not in r.text
    token = csrf_of(reader.get("/portal").text)
    for action in ("/desk/publish", f"/desk/items/{done['uri']}/kill", "/admin/keys"):
        r = reader.post(
            action, data={"csrf": token, "headline": "x", "reason": "x", "role": "admin"}
        )
        assert r.status_code == 403, action
    editor = login(people, "eddie")
    assert editor.get("/admin").status_code == 403
    assert editor.get("/portal").status_code == 403  # the portal is a subscriber's view
    admin = login(people, "ada")
    assert admin.get("/desk").status_code == 200  # admins may work the desk


def test_a_disabled_user_is_logged_out_at_once(people: Wire) -> None:
    reader = login(people, "reader")
    admin = login(people, "ada")
    with psycopg.connect(people.db_url) as conn:
        row = conn.execute("SELECT id FROM users WHERE username = 'reader'").fetchone()
    assert row is not None
    r = post(admin, "/admin", f"/admin/users/{row[0]}/disable")
    assert r.status_code == 303
    assert reader.get("/portal").status_code == 303
    client = people.client()
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": "reader", "password": PASSWORD, "csrf": token})
    assert r.status_code == 401


def test_login_goes_back_only_to_our_own_pages(people: Wire) -> None:
    cases = {
        "/desk/wire": "/desk/wire",
        "//evil.example/desk": "/desk",
        "https://evil.example/": "/desk",
        "/desk//evil": "/desk",
        "/deskevil": "/desk",
    }
    for target, expected in cases.items():
        client = people.client()
        page = client.get("/login", params={"next": target}).text
        r = client.post(
            "/login",
            data={"username": "eddie", "password": PASSWORD, "csrf": csrf_of(page), "next": target},
        )
        assert r.status_code == 303 and r.headers["location"] == expected, target


def test_logging_in_again_ends_the_earlier_session(people: Wire) -> None:
    client = login(people, "reader")
    first = client.cookies["nw_session"]
    token = csrf_of(client.get("/portal").text)
    r = client.post("/login", data={"username": "eddie", "password": PASSWORD, "csrf": token})
    assert r.status_code == 303 and r.headers["location"] == "/desk"
    old = people.client()
    old.cookies.set("nw_session", first)
    assert old.get("/portal").status_code == 303
    assert client.get("/desk").status_code == 200


def test_oversized_or_odd_forms_get_a_clear_answer_never_a_500(people: Wire) -> None:
    editor = login(people, "eddie")
    token = csrf_of(editor.get("/desk").text)
    many = "&".join(f"f{n}=x" for n in range(2100))
    r = editor.post(
        "/desk/publish",
        content=f"csrf={token}&{many}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 422 and "fields" in r.text
    r = editor.post(
        "/desk/publish", content=b"csrf=\xff\xfe", headers={"content-type": "text/plain"}
    )
    assert r.status_code == 422 and "UTF-8" in r.text
    big = "x" * (3 * 1024 * 1024)
    r = editor.post("/desk/publish", data={"csrf": token, "body": big})
    assert r.status_code in (413, 422)  # the app's body limit may answer before the form
    r = editor.post("/desk/publish", json={"csrf": token})
    assert r.status_code == 403
