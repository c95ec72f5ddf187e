"""The desk pages over HTTP: compose, preview, publish, correct, kill, the wire as a
subscriber sees it; every action audited; bad input answered on the page."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import psycopg
import pytest

from tests.conftest import Wire, story
from tests.pages.logins import add_user, login, post, subscriber_id
from tests.pages.test_portal import XSS_BODY, XSS_HEADLINE

FORM = {
    "headline": "Central bank cuts rates by half a point",
    "summary": "",
    "body": (
        "The central bank cut its main interest rate by half a point on Tuesday.\n\n"
        "Governor Maria Lopez said inflation had eased in Ankara and across the country."
    ),
    "by": "Ada Reporter",
    "located": "Ankara",
    "language": "en",
    "urgency": "2",
    "products": "economy",
}


@pytest.fixture
def desk(wire: Wire) -> tuple[Wire, httpx.Client]:
    """An editor logged in to the desk, and a public product."""
    wire.product("economy", name="Economy", public=True)
    wire.plan("summary", ["economy"], depth="summary")
    wire.subscriber("Summary Times", "summary")
    add_user(wire.db_url, "eddie", "editor")
    return wire, login(wire, "eddie")


def _audit(db_url: str) -> list[tuple[str, str]]:
    with psycopg.connect(db_url) as conn:
        return [(a, b) for a, b in conn.execute("SELECT actor, action FROM audit_log ORDER BY id")]


def _item_uri(r: httpx.Response) -> str:
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert location.startswith("/desk/items/")
    from urllib.parse import unquote

    return unquote(location.removeprefix("/desk/items/").split("?")[0])


def test_preview_shows_enrichment_and_public_summary_and_publishes_nothing(
    desk: tuple[Wire, httpx.Client],
) -> None:
    wire, editor = desk
    r = post(editor, "/desk", "/desk/preview", **FORM)
    assert r.status_code == 200, r.text
    assert 'id="preview"' in r.text
    assert "Enrichment adds" in r.text and "summary" in r.text
    public = r.text[r.text.index('class="public-summary"') :][:1000]
    assert "Central bank cuts rates by half a point" in public
    assert "The central bank cut its main interest rate" in public  # the extracted summary
    assert 'value="Central bank cuts rates by half a point"' in r.text  # the form stays filled
    with psycopg.connect(wire.db_url) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)


def test_publish_correct_and_kill_from_the_desk(desk: tuple[Wire, httpx.Client]) -> None:
    wire, editor = desk
    uri = _item_uri(post(editor, "/desk", "/desk/publish", **FORM))
    api = wire.editor.get(f"/v1/items/{quote(uri, safe='')}").json()
    assert api["headlines"][0]["value"] == FORM["headline"]
    assert api["urgency"] == 2 and api["located"] == "Ankara"
    assert "<p>The central bank cut" in api["bodies"][0]["value"]
    assert api["descriptions"]  # enriched: the same pipeline as the desk API
    page_path = f"/desk/items/{quote(uri, safe='')}"
    page = editor.get(page_path + "?done=published").text
    assert "Published." in page and "Kill story" in page

    fixed = {
        **FORM,
        "headline": "Central bank cuts rates by a quarter point",
        "signal": "correction",
    }
    r = post(editor, page_path, page_path + "/update", **fixed)
    assert r.status_code == 303, r.text
    entries = wire.admin.get("/v1/feed").json()["entries"]
    assert [e["event"] for e in entries] == ["publish", "correction"]
    page = editor.get(page_path).text
    assert "<del>Central bank cuts rates by half a point</del>" in page

    r = post(editor, page_path, page_path + "/kill", reason="Wrong figure")
    assert r.status_code == 303
    entries = wire.admin.get("/v1/feed").json()["entries"]
    assert entries[-1]["event"] == "kill"
    assert "Wrong figure" in entries[-1]["item"]["edNote"]
    assert wire.client().get(f"/stories/{quote(uri, safe=':')}").status_code == 410
    assert _audit(wire.db_url)[-3:] == [
        ("user:eddie", "publish"),
        ("user:eddie", "correction"),
        ("user:eddie", "kill"),
    ]
    page = editor.get(page_path).text
    assert "KILLED" in page and "Kill story" not in page


def test_bad_input_is_answered_on_the_page_and_nothing_is_stored(
    desk: tuple[Wire, httpx.Client],
) -> None:
    wire, editor = desk
    cases = [
        ({"headline": ""}, "headline"),
        ({"products": "no-such-product"}, "no such product"),
        ({"urgency": "0"}, "urgency"),
        ({"embargo": "tomorrow"}, "embargo"),
        ({"language": "not a language"}, "language"),
    ]
    for change, message in cases:
        r = post(editor, "/desk", "/desk/publish", **{**FORM, **change})
        assert r.status_code == 422, (change, r.text)
        assert message in r.text and 'class="error"' in r.text
    r = post(editor, "/desk", "/desk/publish", **{k: v for k, v in FORM.items() if k != "products"})
    assert r.status_code == 422 and "products" in r.text
    with psycopg.connect(wire.db_url) as conn:
        assert conn.execute("SELECT count(*) FROM items").fetchone() == (0,)
    r = post(editor, "/desk", "/desk/items/urn:missing/kill", reason="x")
    assert r.status_code == 404 and "urn:missing" in r.text
    assert editor.get("/desk/items/urn:missing").status_code == 404


def test_embargo_is_held_until_release(desk: tuple[Wire, httpx.Client]) -> None:
    wire, editor = desk
    uri = _item_uri(post(editor, "/desk", "/desk/publish", **FORM, embargo="2099-01-01T09:00"))
    api = wire.editor.get(f"/v1/items/{quote(uri, safe='')}").json()
    assert api["embargoedUntil"].startswith("2099-01-01T09:00")
    assert wire.client().get(f"/stories/{quote(uri, safe=':')}").status_code == 404


def test_wire_as_a_subscriber_sees_it(desk: tuple[Wire, httpx.Client]) -> None:
    wire, editor = desk
    uri = _item_uri(post(editor, "/desk", "/desk/publish", **FORM))
    sub = subscriber_id(wire, "Summary Times")
    page = editor.get(f"/desk/wire?subscriber={sub}").text
    assert "Summary Times" in page and FORM["headline"] in page
    assert "summary" in page[page.index(f'data-uri="{uri}"') :][:1200]
    assert "The central bank cut its main interest rate by half a point on Tuesday.</p>" not in page
    assert editor.get("/desk/wire?subscriber=999999").status_code == 404


def test_xss_in_headline_and_body_is_neutralised_on_desk_pages(
    desk: tuple[Wire, httpx.Client],
) -> None:
    wire, editor = desk
    item = story("x")
    item["headlines"] = [{"role": "main", "value": XSS_HEADLINE}]
    item["bodies"][0]["value"] = XSS_BODY
    uri = wire.publish(item, ["economy"])["uri"]
    pages = ["/desk", f"/desk/items/{quote(uri, safe='')}"]
    pages.append(f"/desk/wire?subscriber={subscriber_id(wire, 'Summary Times')}")
    for page in pages:
        html = editor.get(page).text
        assert "<script>alert" not in html and "<script>steal" not in html, page
        assert "<img" not in html, page
    item_page = editor.get(pages[1]).text
    assert "<p>Safe paragraph stays.</p>" in item_page
    # Bodies are sanitised when a version is stored, so even the update form's
    # textarea (the stored markup, escaped) holds no script.
    assert 'href="javascript:' not in item_page and 'onclick="' not in item_page
    assert "steal()" not in item_page
    r = post(
        editor, "/desk", "/desk/preview", **{**FORM, "headline": XSS_HEADLINE, "body": XSS_BODY}
    )
    assert r.status_code == 200
    preview = r.text[r.text.index('id="preview"') :]
    assert "<script>" not in preview and "<img" not in preview and 'onclick="' not in preview
