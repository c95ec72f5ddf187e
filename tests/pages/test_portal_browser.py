"""The portal, desk and admin pages in a real headless Chromium: a story published on
the desk appears live in a logged-in portal, its public page shows the summary and no
body, a kill is marked live and the public page answers 410; an admin revokes a key.
Screenshots (desktop and phone) go to tests/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest

from tests.conftest import Wire
from tests.pages.logins import PASSWORD, add_user, subscriber_id

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
expect = sync_api.expect
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
BODY_SENTENCE = "Rescue teams reached the village before dawn on Wednesday"
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


def _page(browser: Any, phone: bool = False) -> Any:
    if phone:
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
        )
    else:
        context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    return context.new_page()


def _log_in(page: Any, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda u: "/login" not in u)


@pytest.fixture
def newsroom(site: Wire) -> Wire:
    """A public product, a subscriber with a portal user, an editor and an admin."""
    site.product("world-en", name="World / English", public=True)
    site.plan("full-en", ["world-en"], languages=["en"])
    site.subscriber("Daily Planet", "full-en")
    add_user(site.db_url, "reader", "subscriber", subscriber_id(site, "Daily Planet"))
    add_user(site.db_url, "eddie", "editor")
    add_user(site.db_url, "ada", "admin")
    return site


def test_desk_publish_appears_live_in_the_portal_and_a_kill_follows(
    newsroom: Wire, browser: Any, screenshots: Path
) -> None:
    portal = _page(browser)
    _log_in(portal, newsroom.url, "reader")
    expect(portal.get_by_role("heading", name="Live wire")).to_be_visible()
    expect(portal.locator("#live-status")).to_contain_text("Live:")
    portal.evaluate("window.notReloaded = true")

    desk = _page(browser)
    _log_in(desk, newsroom.url, "eddie")
    desk.get_by_label("Headline").fill("Flood waters rise in the river valley")
    desk.get_by_label("Summary (leave empty and enrichment writes one)").fill(
        "Thousands leave their homes as the river breaks its banks."
    )
    desk.get_by_label("Body (plain text or pasted HTML)").fill(
        f"{BODY_SENTENCE}.\n\nThe river rose two metres overnight."
    )
    desk.get_by_label("Dateline (place)").fill("Valleytown")
    desk.get_by_label("Urgency (1 flash … 9)").select_option("1")
    desk.get_by_label("World / English (public)").check()
    desk.get_by_role("button", name="Preview enrichment").click()
    expect(desk.locator("#preview")).to_contain_text("Public summary")
    expect(desk.locator(".public-summary")).to_contain_text("Thousands leave their homes")
    desk.screenshot(path=screenshots / "desk-preview.png", full_page=True)
    desk.get_by_role("button", name="Publish").click()
    desk.wait_for_url("**/desk/items/**")
    expect(desk.locator(".notice")).to_have_text("Published.")
    uri = desk.locator("code").first.inner_text()

    # The story arrives in the open portal without a reload, as a flash.
    row = portal.locator(f'#wire li[data-uri="{uri}"]')
    expect(row).to_contain_text("Flood waters rise in the river valley")
    expect(row).to_have_class("story fresh flash")
    expect(row.locator(".badge.urgency")).to_have_text("FLASH")
    assert portal.evaluate("window.notReloaded") is True
    portal.screenshot(path=screenshots / "portal-wire.png", full_page=True)

    # The full story in the portal; the public page has the summary and no body.
    row.get_by_role("link").click()
    portal.wait_for_url("**/portal/items/**")
    expect(portal.locator(".body")).to_contain_text(BODY_SENTENCE)
    public = _page(browser)
    answer = public.goto(f"{newsroom.url}/stories/{quote(uri, safe=':')}")
    assert answer is not None and answer.status == 200
    expect(public.locator("article .summary")).to_have_text(
        "Thousands leave their homes as the river breaks its banks."
    )
    assert BODY_SENTENCE not in public.content()

    # Kill on the desk: the portal marks it live, the public page answers 410.
    portal.goto(newsroom.url + "/portal")
    expect(portal.locator("#live-status")).to_contain_text("Live:")
    portal.evaluate("window.notReloaded = true")
    desk.get_by_label("Reason (subscribers read it)").fill("Report could not be confirmed")
    desk.get_by_role("button", name="Kill story").click()
    expect(desk.locator(".notice")).to_have_text("Killed.")
    killed = portal.locator(f'#wire li[data-uri="{uri}"]')
    expect(killed.locator(".badge.kill")).to_have_text("KILLED")
    expect(killed).to_contain_text("Report could not be confirmed")
    expect(killed).not_to_contain_text("Flood waters")
    assert portal.evaluate("window.notReloaded") is True
    portal.screenshot(path=screenshots / "portal-wire-killed.png", full_page=True)
    answer = public.goto(f"{newsroom.url}/stories/{quote(uri, safe=':')}")
    assert answer is not None and answer.status == 410
    desk.screenshot(path=screenshots / "desk-story-killed.png", full_page=True)
    for page in (portal, desk, public):
        page.context.close()


def test_admin_revokes_a_key_and_sees_usage(
    newsroom: Wire, browser: Any, screenshots: Path
) -> None:
    api = newsroom.subscriber("Evening Star", "full-en")
    assert api.get("/v1/feed").status_code == 200
    star = subscriber_id(newsroom, "Evening Star")
    planet = subscriber_id(newsroom, "Daily Planet")
    with psycopg.connect(newsroom.db_url, autocommit=True) as conn:
        row = conn.execute("SELECT id FROM api_keys WHERE subscriber_id = %s", (star,)).fetchone()
        assert row is not None
        for days_ago in range(14):
            for sub, scale in ((star, 3), (planet, 5)):
                conn.execute(
                    "INSERT INTO usage_daily (subscriber_id, day, kind, count) VALUES"
                    " (%s, (now() AT TIME ZONE 'UTC')::date - %s, 'delivery:stream', %s),"
                    " (%s, (now() AT TIME ZONE 'UTC')::date - %s, 'download', %s)",
                    (sub, days_ago, scale * (20 + days_ago * 7 % 30), sub, days_ago, days_ago % 5),
                )
    page = _page(browser)
    _log_in(page, newsroom.url, "ada")
    expect(page.get_by_role("heading", name="Admin", exact=True)).to_be_visible()
    page.get_by_role("button", name=f"Revoke key {row[0]}").click()
    page.wait_for_url("**/admin#keys")
    expect(page.locator(f'tr[data-key-id="{row[0]}"]')).to_contain_text("revoked")
    assert api.get("/v1/feed").status_code == 401
    page.goto(newsroom.url + "/admin/usage")
    expect(page.locator(".chart svg")).to_have_count(2)
    expect(page.locator(".chart svg rect.deliveries")).to_have_count(28)
    page.screenshot(path=screenshots / "admin-usage.png", full_page=True)
    phone = _page(browser, phone=True)
    _log_in(phone, newsroom.url, "ada")
    phone.goto(newsroom.url + "/admin/usage")
    assert phone.evaluate(OVERFLOW) <= 0
    phone.screenshot(path=screenshots / "admin-usage-phone.png", full_page=True)
    page.context.close()
    phone.context.close()


def test_portal_and_desk_fit_a_phone(newsroom: Wire, browser: Any, screenshots: Path) -> None:
    long_word = "Telecommunicationsinfrastructuremodernisationprogramme"
    for n, urgency in enumerate((1, 3, 5)):
        item = {
            "headlines": [{"role": "main", "value": f"{long_word} story {n}"}],
            "bodies": [{"role": "main", "contentType": "text/html", "value": "<p>Text.</p>"}],
            "language": "en",
            "urgency": urgency,
        }
        newsroom.publish(item, ["world-en"])
    portal = _page(browser, phone=True)
    _log_in(portal, newsroom.url, "reader")
    expect(portal.locator("#wire li")).to_have_count(3)
    assert portal.evaluate(OVERFLOW) <= 0
    portal.screenshot(path=screenshots / "portal-wire-phone.png", full_page=True)
    desk = _page(browser, phone=True)
    _log_in(desk, newsroom.url, "eddie")
    assert desk.evaluate(OVERFLOW) <= 0
    desk.screenshot(path=screenshots / "desk-phone.png", full_page=True)
    desk_wide = _page(browser)
    _log_in(desk_wide, newsroom.url, "eddie")
    desk_wide.screenshot(path=screenshots / "desk.png", full_page=True)
    for page in (portal, desk, desk_wide):
        page.context.close()
