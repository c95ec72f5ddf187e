"""Saved searches in the portal: saved from a search, matched as stories arrive (within
the plan), listed, and deleted; one subscriber cannot touch another's alerts."""

from __future__ import annotations

import re
import time

from tests.conftest import Wire, story
from tests.pages.logins import add_user, login, post, subscriber_id


def _wait_for(check: object, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def test_save_a_search_as_an_alert_and_see_its_matches(wire: Wire) -> None:
    wire.three_plans("world")
    for name in ("Full", "Turkish"):
        add_user(wire.db_url, name.lower(), "subscriber", subscriber_id(wire, name))
    full, turkish = login(wire, "full"), login(wire, "turkish")

    r = post(full, "/portal/search?q=volcano", "/portal/alerts", q="volcano", name="Volcanoes")
    assert r.status_code == 303, r.text
    page = full.get("/portal/alerts").text
    assert "Volcanoes" in page and "No matches yet." in page
    alert_id = re.search(r"/portal/alerts/(\d+)/delete", page).group(1)  # type: ignore[union-attr]

    wire.publish(story("Volcano erupts near the village"), ["world"])
    wire.publish(story("Yanardağ volcano patladı", "tr"), ["world"])
    _wait_for(lambda: "Volcano erupts near the village" in full.get("/portal/alerts").text)
    page = full.get("/portal/alerts").text
    assert "Yanardağ" not in page  # outside the English plan

    # Another subscriber's user neither sees nor deletes it.
    assert "Volcanoes" not in turkish.get("/portal/alerts").text
    r = post(turkish, "/portal/alerts", f"/portal/alerts/{alert_id}/delete")
    assert r.status_code == 404
    r = post(full, "/portal/alerts", f"/portal/alerts/{alert_id}/delete")
    assert r.status_code == 303
    assert "Volcanoes" not in full.get("/portal/alerts").text


def test_a_bad_alert_is_refused_on_the_page(wire: Wire) -> None:
    wire.three_plans("world")
    add_user(wire.db_url, "full", "subscriber", subscriber_id(wire, "Full"))
    full = login(wire, "full")
    r = post(full, "/portal/alerts", "/portal/alerts", q="", name="empty")
    assert r.status_code == 422 and "query" in r.text
    r = post(full, "/portal/alerts", "/portal/alerts", q="x", product="not-mine")
    assert r.status_code == 422 and "not-mine" in r.text
    assert "No alerts yet." in full.get("/portal/alerts").text
