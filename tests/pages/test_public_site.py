"""The public site over HTTP: what the public sees, and what the gate keeps from it."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx
from lxml import html as lxml_html  # type: ignore[import-untyped]

from tests.conftest import Wire
from tests.pages.conftest import age_release, new_secret, secret_story


def _page(client: httpx.Client, path: str, status: int = 200) -> str:
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def _story_path(uri: str) -> str:
    return "/stories/" + quote(uri, safe=":")


def _json_ld(page: str) -> dict[str, object]:
    doc = lxml_html.fromstring(page)
    scripts = doc.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    data: dict[str, object] = json.loads(scripts[0].text)
    return data


def _meta(page: str, prop: str) -> str | None:
    found = lxml_html.fromstring(page).xpath(f'//meta[@property="{prop}"]/@content')
    return str(found[0]) if found else None


def test_front_story_product_and_language_pages_show_summaries_only(site: Wire) -> None:
    secret = new_secret()
    site.product("world-en", name="World / English", public=True)
    site.product("private-en", name="Private", public=False)
    shown = site.publish(secret_story("Bridge reopens after repairs", secret), ["world-en"])
    hidden = site.publish(secret_story("Subscribers only story", secret), ["private-en"])
    public = site.client()

    front = _page(public, "/")
    assert "Bridge reopens after repairs" in front
    assert "Summary of Bridge reopens after repairs." in front
    assert "Subscribers only story" not in front
    assert _story_path(shown["uri"]) in front
    assert 'href="/languages/en"' in front and 'href="/products/world-en"' in front

    story = _page(public, _story_path(shown["uri"]))
    assert "Bridge reopens after repairs" in story
    assert "Summary of Bridge reopens after repairs." in story
    assert "Ada Reporter" in story and "Ankara" in story
    assert "Subscribe or sign in" in story and 'href="/portal"' in story
    assert _meta(story, "og:type") == "article"
    assert _meta(story, "og:title") == "Bridge reopens after repairs"
    assert _meta(story, "og:description") == "Summary of Bridge reopens after repairs."
    ld = _json_ld(story)
    assert ld["@type"] == "NewsArticle"
    assert ld["isAccessibleForFree"] is False
    assert ld["headline"] == "Bridge reopens after repairs"
    assert "articleBody" not in ld
    assert str(ld["url"]).endswith(_story_path(shown["uri"]))

    product = _page(public, "/products/world-en")
    assert "Bridge reopens after repairs" in product
    language = _page(public, "/languages/en")
    assert "Bridge reopens after repairs" in language

    _page(public, _story_path(hidden["uri"]), 404)
    _page(public, "/products/private-en", 404)
    _page(public, "/products/no-such-product", 404)
    _page(public, "/languages/xx", 404)
    _page(public, "/stories/urn:newswire:does-not-exist", 404)
    for page in (front, story, product, language):
        assert secret not in page
        assert "Full text for subscribers only" not in page


def test_public_delay_is_respected(site: Wire) -> None:
    site.product("late-en", public=True, publicDelay=60)
    site.product("now-en", public=True)
    done = site.publish(secret_story("Delayed story for the public", new_secret()), ["late-en"])
    public = site.client()
    _page(public, _story_path(done["uri"]), 404)
    assert "Delayed story for the public" not in _page(public, "/products/late-en")
    both = site.publish(secret_story("Story in both products", new_secret()), ["late-en", "now-en"])
    assert "Story in both products" in _page(public, "/products/late-en")  # the shorter delay
    age_release(site.db_url, done["uri"], 61)
    _page(public, _story_path(done["uri"]))
    _page(public, _story_path(both["uri"]))
    assert "Delayed story for the public" in _page(public, "/")


def test_embargoed_story_appears_only_after_release(site: Wire) -> None:
    site.product("world-en", public=True)
    until = (datetime.now(UTC) + timedelta(seconds=2)).isoformat()
    done = site.publish(
        secret_story("Election results", new_secret(), embargoedUntil=until), ["world-en"]
    )
    public = site.client()
    path = _story_path(done["uri"])
    _page(public, path, 404)
    assert "Election results" not in _page(public, "/")
    deadline = time.monotonic() + 15
    while public.get(path).status_code != 200:
        assert time.monotonic() < deadline, "the embargo was not released"
        time.sleep(0.2)
    story = _page(public, path)
    assert "Election results" in story
    assert "embargo" not in story.lower()  # no embargo time or note reaches the public
    assert "Election results" in _page(public, "/")  # the release dropped the cached page


def test_killed_story_answers_410_and_leaves_every_list(site: Wire) -> None:
    site.product("world-en", public=True)
    done = site.publish(secret_story("Story that will be killed", new_secret()), ["world-en"])
    site.publish(secret_story("Story that stays", new_secret()), ["world-en"])
    public = site.client()
    path = _story_path(done["uri"])
    lists = ["/", "/products/world-en", "/languages/en", "/feeds/public.atom", "/sitemap-news.xml"]
    for url in [path, *lists]:
        r = public.get(url)
        assert r.status_code == 200 and "Story that will be killed" in r.text, url

    r = site.editor.post(f"/v1/desk/items/{quote(done['uri'], safe='')}/kill", json={"reason": "x"})
    assert r.status_code == 200, r.text
    gone = _page(public, path, 410)  # at once: the story page reads the state per request
    assert "withdrawn" in gone and "Story that will be killed" not in gone
    deadline = time.monotonic() + 3  # less than the cache's 5 s: the kill event clears it
    for url in lists:
        while "Story that will be killed" in public.get(url).text:
            assert time.monotonic() < deadline, f"{url} still lists the killed story"
            time.sleep(0.05)
        assert "Story that stays" in public.get(url).text


def test_arabic_and_persian_pages_are_right_to_left(site: Wire) -> None:
    site.product("world-ar", name="العالم / العربية", public=True)
    arabic = site.publish(secret_story("زلزال يضرب الساحل", new_secret(), "ar"), ["world-ar"])
    persian = site.publish(secret_story("خبر فوری از تهران", new_secret(), "fa"), ["world-ar"])
    english = site.publish(
        secret_story("English in the Arabic product", new_secret()), ["world-ar"]
    )
    public = site.client()
    for done, lang in ((arabic, "ar"), (persian, "fa")):
        root = lxml_html.fromstring(_page(public, _story_path(done["uri"])))
        assert (root.get("lang"), root.get("dir")) == (lang, "rtl")
        page = lxml_html.fromstring(_page(public, f"/languages/{lang}"))
        assert (page.get("lang"), page.get("dir")) == (lang, "rtl")
    root = lxml_html.fromstring(_page(public, _story_path(english["uri"])))
    assert (root.get("lang"), root.get("dir")) == ("en", "ltr")
    front = lxml_html.fromstring(_page(public, "/"))
    cards = {c.get("lang"): c.get("dir") for c in front.xpath("//article[@lang]")}
    assert cards == {"ar": "rtl", "fa": "rtl", "en": "ltr"}


def test_markup_in_stories_is_escaped(site: Wire) -> None:
    site.product("world-en", public=True)
    attack = "<script>alert('x')</script></script>"
    done = site.publish(secret_story(f"Headline {attack}", new_secret()), ["world-en"])
    public = site.client()
    for path in ("/", _story_path(done["uri"])):
        page = _page(public, path)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert" in page
    story = _page(public, _story_path(done["uri"]))
    assert _json_ld(story)["headline"] == f"Headline {attack}"[:110]
    assert len(re.findall(r"</script>", story)) == 1  # only the JSON-LD block's own end


def test_front_page_is_cached_and_refreshed_by_new_stories(site: Wire) -> None:
    site.product("world-en", public=True)
    public = site.client()
    assert "No stories yet" in _page(public, "/")
    site.publish(secret_story("First story of the day", new_secret()), ["world-en"])
    deadline = time.monotonic() + 5
    while "First story of the day" not in public.get("/").text:
        assert time.monotonic() < deadline, "a new story did not reach the front page"
        time.sleep(0.05)
    first = public.get("/")
    assert first.headers["cache-control"] == "public, max-age=5"
    assert public.get("/").content == first.content
    assert public.head("/").status_code == 200
    robots = public.get("/robots.txt").text
    assert robots.endswith("/sitemap-news.xml\n") and "Sitemap: http://" in robots
    css = public.get("/static/public.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_picture_story_shows_its_preview_never_the_original(site: Wire) -> None:
    site.product("photos-en", public=True)
    renditions = [
        {"name": "original", "href": "https://media.example/original-secret.jpg"},
        {"name": "preview", "href": "https://media.example/preview.jpg", "width": 640},
        {"name": "thumbnail", "href": "javascript:alert(1)"},
    ]
    item = secret_story("Harbour at dawn", new_secret(), type="picture", renditions=renditions)
    done = site.publish(item, ["photos-en"])
    public = site.client()
    story = _page(public, _story_path(done["uri"]))
    root = lxml_html.fromstring(story)
    assert root.xpath("//figure/img/@src") == ["https://media.example/preview.jpg"]
    assert _meta(story, "og:image") == "https://media.example/preview.jpg"
    assert _json_ld(story)["image"] == ["https://media.example/preview.jpg"]
    front = _page(public, "/")
    for page in (story, front):
        assert "original-secret" not in page and "javascript:" not in page
