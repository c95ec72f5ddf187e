"""The portal over HTTP: a subscriber user sees exactly what its API key would, live,
in search and in downloads; history shows what changed; bodies are sanitised."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import httpx
import psycopg
import pytest

from tests.conftest import Wire, story
from tests.pages.conftest import new_secret, secret_story
from tests.pages.logins import add_user, login, post, subscriber_id

BODY = "Full text for subscribers only"  # the body sentence of secret_story
XSS_HEADLINE = '<script>alert("h")</script><img src=x onerror=alert(1)>Markets'
XSS_BODY = (
    "<p>Safe paragraph stays.</p><script>steal()</script>"
    '<img src="x" onerror="steal()"><a href="javascript:steal()">bad link</a>'
    '<p onclick="steal()" style="color:red">Clicked</p>'
)


@pytest.fixture
def readers(wire: Wire) -> tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]]:
    """Three subscribers (full English, summary English, full Turkish), their API
    clients and logged-in portal users."""
    keys = dict(zip(("Full", "Summary", "Turkish"), wire.three_plans("world"), strict=True))
    users = {}
    for name in keys:
        add_user(wire.db_url, name.lower(), "subscriber", subscriber_id(wire, name))
        users[name] = login(wire, name.lower())
    return wire, keys, users


def _path(uri: str) -> str:
    return quote(uri, safe="")


def test_story_page_never_shows_more_than_the_api_gives(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, keys, users = readers
    secret = new_secret()
    done = wire.publish(secret_story("Parliament passes budget", secret), ["world"])
    uri = done["uri"]

    full = users["Full"].get(f"/portal/items/{_path(uri)}")
    assert full.status_code == 200
    assert BODY in full.text and "Parliament passes budget" in full.text
    assert "bodies" in keys["Full"].get(f"/v1/items/{_path(uri)}").json()

    summary = users["Summary"].get(f"/portal/items/{_path(uri)}")
    assert summary.status_code == 200
    assert "Summary of Parliament passes budget." in summary.text
    assert BODY not in summary.text
    assert "bodies" not in keys["Summary"].get(f"/v1/items/{_path(uri)}").json()
    for fmt in ("ninjs3", "ninjs2", "newsmlg2", "nitf"):
        r = users["Summary"].get(f"/portal/download/{_path(uri)}?format={fmt}")
        assert r.status_code == 200, fmt
        assert "attachment" in r.headers["content-disposition"]
        assert BODY not in r.text, fmt

    turkish = users["Turkish"].get(f"/portal/items/{_path(uri)}")
    assert turkish.status_code == 404
    assert "Parliament" not in turkish.text
    assert keys["Turkish"].get(f"/v1/items/{_path(uri)}").status_code == 404
    assert users["Turkish"].get(f"/portal/download/{_path(uri)}").status_code == 404
    assert "Parliament" not in users["Turkish"].get("/portal").text
    assert "Parliament" in users["Summary"].get("/portal").text


def test_downloads_come_in_every_format_and_are_counted(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    secret = new_secret()
    uri = wire.publish(secret_story("Harbour reopens", secret), ["world"])["uri"]
    expected = {
        "ninjs3": "application/json",
        "ninjs2": "application/json",
        "newsmlg2": "xml",
        "nitf": "xml",
    }
    page = users["Full"].get(f"/portal/items/{_path(uri)}").text
    for fmt, media in expected.items():
        assert f"format={fmt}" in page
        r = users["Full"].get(f"/portal/download/{_path(uri)}?format={fmt}")
        assert r.status_code == 200 and media in r.headers["content-type"], fmt
        assert secret in r.text
    assert json.loads(users["Full"].get(f"/portal/download/{_path(uri)}").text)["uri"] == uri
    r = users["Full"].get(f"/portal/download/{_path(uri)}?format=pdf")
    assert r.status_code == 422 and "format" in r.text
    usage = wire.admin.get("/v1/admin/subscribers").json()
    assert usage  # the counters themselves are read on the admin usage page test


def test_history_shows_what_changed_between_versions(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    uri = wire.publish(story("Storm nears the coast"), ["world"])["uri"]
    item = story("Storm hits the coast")
    item["bodies"][0]["value"] = "<p>The storm made landfall at dawn.</p>"
    r = wire.editor.put(
        f"/v1/desk/items/{_path(uri)}",
        json={"item": item, "products": ["world"], "signal": "correction"},
    )
    assert r.status_code == 200, r.text
    page = users["Full"].get(f"/portal/items/{_path(uri)}").text
    assert "<del>Storm nears the coast</del>" in page
    assert "<ins>Storm hits the coast</ins>" in page
    assert "<ins>The storm made landfall at dawn.</ins>" in page
    assert "Version 2" in page and "Version 1" in page
    old = users["Full"].get(f"/portal/items/{_path(uri)}?version=1").text
    assert "Storm nears the coast. The full text" in old
    wire_page = users["Full"].get("/portal").text
    assert "Correction" in wire_page and "Storm hits the coast" in wire_page
    # A summary plan's history holds no body lines (its summary may quote the body,
    # as enrichment writes summaries from it; the API gives the same).
    summary_page = users["Summary"].get(f"/portal/items/{_path(uri)}").text
    assert '<span class="field">body</span>' not in summary_page
    assert '<div class="body">' not in summary_page
    assert '<span class="field">body</span>' in page


def test_flash_kill_and_filters_on_the_wire(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    wire.publish(story("Routine council meeting", urgency=6), ["world"])
    flash = wire.publish(story("Earthquake felt in capital", urgency=1), ["world"])
    killed = wire.publish(story("Mistaken report", urgency=3), ["world"])
    r = wire.editor.post(f"/v1/desk/items/{_path(killed['uri'])}/kill", json={"reason": "wrong"})
    assert r.status_code == 200
    page = users["Full"].get("/portal").text
    flash_row = page[page.index(f'data-uri="{flash["uri"]}"') - 200 :][:700]
    assert "flash" in flash_row and "FLASH" in flash_row
    killed_row = page[page.index(f'data-uri="{killed["uri"]}"') - 200 :][:700]
    assert "killed" in killed_row and "KILLED" in killed_row
    assert "Mistaken report" not in page  # the killed content itself is gone
    urgent = users["Full"].get("/portal?urgency=2").text
    assert "Earthquake felt in capital" in urgent and "Routine council" not in urgent
    assert 'data-stream="/portal/stream?urgency=2&amp;after=' in urgent
    assert "Earthquake" not in users["Full"].get("/portal?language=tr").text
    r = users["Full"].get("/portal?urgency=12")
    assert r.status_code == 422 and "urgency" in r.text


def test_portal_stream_delivers_in_the_subscribers_view(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    secret = new_secret()
    wire.publish(secret_story("Before the stream opened", secret), ["world"])
    client = users["Summary"]
    with client.stream("GET", "/portal/stream?after=0", timeout=15) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = r.iter_lines()
        data = next(line for line in lines if line.startswith("data:"))
    item = json.loads(data[5:])
    assert item["headlines"][0]["value"] == "Before the stream opened"
    assert item["representationType"] == "partial" and "bodies" not in item
    assert BODY not in data
    anonymous = wire.client()
    r = anonymous.get("/portal/stream", follow_redirects=False)
    assert r.status_code == 303


def test_search_with_facets_within_the_plan(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    secret = new_secret()
    wire.publish(secret_story("Wheat harvest record", secret), ["world"])
    wire.publish(secret_story("Buğday hasadı rekor", secret, "tr"), ["world"])
    deadline = time.monotonic() + 30
    while True:
        page = users["Summary"].get("/portal/search?q=harvest").text
        if "Wheat harvest record" in page or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert "Wheat harvest record" in page
    assert "1 stories" in page
    assert "Buğday" not in page
    assert BODY not in page
    assert 'href="/portal/search?q=harvest&amp;language=en"' in page  # a facet link
    r = users["Summary"].get("/portal/search?q=harvest&urgency=x")
    assert r.status_code == 422


def test_xss_in_headline_and_body_is_neutralised_on_portal_pages(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    item = story("x")
    item["headlines"] = [{"role": "main", "value": XSS_HEADLINE}]
    item["bodies"][0]["value"] = XSS_BODY
    uri = wire.publish(item, ["world"])["uri"]
    for page in ("/portal", f"/portal/items/{_path(uri)}"):
        html = users["Full"].get(page).text
        assert "<script>alert" not in html and "<script>steal" not in html, page
        assert "onerror" not in html.replace("onerror=alert(1)&gt;", ""), page
        assert "&lt;script&gt;alert(&#34;h&#34;)&lt;/script&gt;" in html, page
    answer = users["Full"].get(f"/portal/items/{_path(uri)}")
    assert "script-src 'self'" in answer.headers["content-security-policy"]
    body = answer.text
    assert "<p>Safe paragraph stays.</p>" in body
    assert "javascript:" not in body and "onclick" not in body and "style=" not in body


def test_portal_stream_survives_the_revoked_key_sweep(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    assert wire.server is not None
    wire.server.app.state.context.hub.key_check_every = 0.2  # sweep often
    with users["Full"].stream("GET", "/portal/stream?after=0", timeout=15) as r:
        assert r.status_code == 200
        time.sleep(1.0)  # several sweeps pass while the stream is open
        wire.publish(story("After the sweeps"), ["world"])
        lines = r.iter_lines()
        data = next(line for line in lines if line.startswith("data:"))
    assert json.loads(data[5:])["headlines"][0]["value"] == "After the sweeps"


def test_logging_out_closes_the_portal_stream(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    assert wire.server is not None
    wire.server.app.state.context.hub.key_check_every = 0.2  # sweep often
    client = users["Full"]
    with client.stream("GET", "/portal/stream?after=0", timeout=15) as r:
        assert r.status_code == 200
        assert post(client, "/portal", "/logout").status_code == 303
        wire.publish(story("After the logout"), ["world"])
        text = "".join(r.iter_text())  # the server ends the stream
    assert "you signed out" in text
    assert "After the logout" not in text  # closed by the logout itself, not by a sweep


def test_a_user_disabled_elsewhere_loses_the_portal_stream(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, _, users = readers
    assert wire.server is not None
    wire.server.app.state.context.hub.key_check_every = 0.2  # sweep often
    with users["Summary"].stream("GET", "/portal/stream?after=0", timeout=15) as r:
        assert r.status_code == 200
        # What an admin on another node does: this process hears of it only by its sweep.
        with psycopg.connect(wire.db_url, autocommit=True) as conn:
            conn.execute("UPDATE users SET disabled_at = now() WHERE username = 'summary'")
        text = "".join(r.iter_text())
    assert "your session ended" in text


def test_portal_downloads_equal_the_api_for_every_plan_and_state(
    readers: tuple[Wire, dict[str, httpx.Client], dict[str, httpx.Client]],
) -> None:
    wire, keys, users = readers
    uris = [
        wire.publish(secret_story("Plain story", new_secret()), ["world"])["uri"],
        wire.publish(secret_story("Turkish story", new_secret(), "tr"), ["world"])["uri"],
        wire.publish(
            secret_story("Embargoed story", new_secret(), embargoedUntil="2099-01-01T00:00:00Z"),
            ["world"],
        )["uri"],
    ]
    killed = wire.publish(secret_story("Killed story", new_secret()), ["world"])["uri"]
    r = wire.editor.post(f"/v1/desk/items/{_path(killed)}/kill", json={"reason": "Legal"})
    assert r.status_code == 200
    uris.append(killed)
    for name, key in keys.items():
        for uri in uris:
            api = key.get(f"/v1/items/{_path(uri)}")
            page = users[name].get(f"/portal/download/{_path(uri)}")
            assert page.status_code == api.status_code, (name, uri)
            if api.status_code == 200:
                assert page.json() == api.json(), (name, uri)
            history = users[name].get(f"/portal/items/{_path(uri)}")
            assert history.status_code == api.status_code, (name, uri)
