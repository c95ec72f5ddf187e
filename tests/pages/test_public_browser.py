"""The public site in a real headless Chromium: reading, right-to-left, and a phone screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.conftest import Wire
from tests.pages.conftest import new_secret, secret_story

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
PHONE = {"width": 375, "height": 740}

_TEXT_INSET = """(selector) => {
  const box = document.querySelector(selector);
  const range = document.createRange();
  range.selectNodeContents(box);
  const text = range.getBoundingClientRect(), outer = box.getBoundingClientRect();
  return {start: text.left - outer.left, end: outer.right - text.right};
}"""


def _page(browser: Any, **options: Any) -> Any:
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_reader_opens_a_story_from_the_front_page(
    site: Wire, browser: Any, screenshots: Path
) -> None:
    secret = new_secret()
    site.product("world-en", name="World / English", public=True)
    site.product("economy-en", name="Economy / English", public=True)
    site.publish(secret_story("Central bank holds rates", secret, urgency=3), ["economy-en"])
    site.publish(secret_story("Earthquake strikes off the coast", secret, urgency=1), ["world-en"])
    site.publish(secret_story("Bridge reopens after repairs", secret), ["world-en"])
    page = _page(browser, viewport={"width": 1280, "height": 900})
    page.goto(site.url + "/")
    sync_api.expect(page.get_by_role("heading", name="Latest")).to_be_visible()
    page.screenshot(path=screenshots / "public-front.png", full_page=True)

    page.locator("section.latest").get_by_role("link", name="Bridge reopens after repairs").click()
    page.wait_for_url("**/stories/**")
    sync_api.expect(page.locator("h1.headline")).to_have_text("Bridge reopens after repairs")
    sync_api.expect(page.locator("article .summary")).to_have_text(
        "Summary of Bridge reopens after repairs."
    )
    sync_api.expect(page.locator(".dateline")).to_contain_text("Ankara")
    sync_api.expect(page.locator(".byline")).to_contain_text("Ada Reporter")
    invitation = page.get_by_role("complementary", name="Read the full story")
    sync_api.expect(invitation).to_be_visible()
    sync_api.expect(invitation.get_by_role("link", name="Subscribe or sign in")).to_be_visible()
    assert secret not in page.content()
    assert "Full text for subscribers only" not in page.inner_text("body")
    page.screenshot(path=screenshots / "public-story.png", full_page=True)
    page.context.close()


def test_arabic_story_renders_right_to_left(site: Wire, browser: Any, screenshots: Path) -> None:
    site.product("world-ar", name="العالم / العربية", public=True)
    done = site.publish(secret_story("زلزال قوي يضرب الساحل", new_secret(), "ar"), ["world-ar"])
    page = _page(browser, viewport={"width": 1024, "height": 800})
    page.goto(f"{site.url}/stories/{quote(done['uri'], safe=':')}")
    assert page.evaluate("document.dir") == "rtl"
    direction = "getComputedStyle(document.querySelector('article.story')).direction"
    assert page.evaluate(direction) == "rtl"
    inset = page.evaluate(_TEXT_INSET, "h1.headline")
    assert inset["end"] < 2 < 50 < inset["start"], inset  # the headline hugs the right edge
    page.screenshot(path=screenshots / "public-story-ar.png", full_page=True)
    page.goto(f"{site.url}/languages/ar")
    assert page.evaluate("document.dir") == "rtl"
    page.context.close()


def test_phone_screen_has_no_horizontal_scroll(site: Wire, browser: Any, screenshots: Path) -> None:
    site.product("world-en", name="World / English with a rather long product name", public=True)
    long_word = "Telecommunicationsinfrastructuremodernisationprogramme" * 2
    done = site.publish(
        secret_story(f"{long_word} approved", new_secret(), located=long_word, urgency=1),
        ["world-en"],
    )
    site.publish(secret_story("A second, shorter story", new_secret()), ["world-en"])
    page = _page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    overflow = "document.documentElement.scrollWidth - window.innerWidth"
    paths = ["/", f"/stories/{quote(done['uri'], safe=':')}", "/products/world-en"]
    for path in [*paths, "/languages/en", "/stories/urn:missing"]:
        page.goto(site.url + path)
        assert page.evaluate("window.innerWidth") == PHONE["width"]
        assert page.evaluate(overflow) <= 0, path
    page.goto(site.url + "/")
    page.screenshot(path=screenshots / "public-front-phone.png", full_page=True)
    page.context.close()
