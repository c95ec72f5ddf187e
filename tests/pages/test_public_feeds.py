"""The public Atom feed and the Google News sitemap: summaries of public stories only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from lxml import etree  # type: ignore[import-untyped]

from newswire.web.public_feeds import NEWS_NS, SITEMAP_NS, news_sitemap
from newswire.web.public_views import Story
from tests.conftest import Wire
from tests.pages.conftest import age_release, new_secret, secret_story

ATOM = "{http://www.w3.org/2005/Atom}"
NEWS = "{" + NEWS_NS + "}"
SITEMAP = "{" + SITEMAP_NS + "}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _xml(body: bytes) -> etree._Element:
    return etree.fromstring(body, _PARSER)


def _world(site: Wire) -> tuple[str, dict[str, str]]:
    """Public, delayed and private products with one story each; returns the secret."""
    secret = new_secret()
    site.product("world-en", public=True)
    site.product("world-ar", public=True)
    site.product("late-en", public=True, publicDelay=30)
    site.product("private-en", public=False)
    uris = {
        "shown": site.publish(secret_story("Markets rally", secret), ["world-en"])["uri"],
        "arabic": site.publish(secret_story("خبر عاجل", secret, "ar"), ["world-ar"])["uri"],
        "late": site.publish(secret_story("Delayed story", secret), ["late-en"])["uri"],
        "private": site.publish(secret_story("Private story", secret), ["private-en"])["uri"],
    }
    return secret, uris


def test_atom_feed_holds_summaries_of_public_stories(site: Wire) -> None:
    secret, uris = _world(site)
    r = site.client().get("/feeds/public.atom")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    assert secret not in r.text and "Full text for subscribers only" not in r.text
    feed = _xml(r.content)
    assert feed.tag == f"{ATOM}feed"
    entries = {e.findtext(f"{ATOM}id"): e for e in feed.iter(f"{ATOM}entry")}
    assert set(entries) == {uris["shown"], uris["arabic"]}
    entry = entries[uris["shown"]]
    assert entry.findtext(f"{ATOM}title") == "Markets rally"
    assert entry.findtext(f"{ATOM}summary") == "Summary of Markets rally."
    assert entry.find(f"{ATOM}content") is None
    link = entry.find(f"{ATOM}link")
    assert link.get("rel", "alternate") == "alternate"  # Atom's default rel
    assert link.get("href") == f"{site.url}/stories/{quote(uris['shown'], safe=':')}"
    assert entry.find(f"{ATOM}category").get("term") == "world-en"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ada Reporter"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feeds/public.atom")


def test_news_sitemap_lists_public_stories_of_the_last_two_days(site: Wire) -> None:
    secret, uris = _world(site)
    old = site.publish(secret_story("Old story", secret), ["world-en"])["uri"]
    age_release(site.db_url, old, 3 * 24 * 60)
    age_release(site.db_url, uris["shown"], 47 * 60)
    r = site.client().get("/sitemap-news.xml")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/xml")
    assert secret not in r.text
    urlset = _xml(r.content)
    assert urlset.tag == f"{SITEMAP}urlset"
    assert urlset.nsmap["news"] == NEWS_NS
    found = {}
    for url in urlset.iter(f"{SITEMAP}url"):
        news = url.find(f"{NEWS}news")
        found[url.findtext(f"{SITEMAP}loc")] = news
        assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Newswire Agency"
        published = datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
        assert published > datetime.now(UTC) - timedelta(days=2)
    assert set(found) == {
        f"{site.url}/stories/{quote(uris[k], safe=':')}" for k in ("shown", "arabic")
    }
    arabic = found[f"{site.url}/stories/{quote(uris['arabic'], safe=':')}"]
    assert arabic.findtext(f"{NEWS}publication/{NEWS}language") == "ar"
    assert arabic.findtext(f"{NEWS}title") == "خبر عاجل"


def _story(n: int, language: str = "en") -> Story:
    now = datetime.now(UTC)
    return Story(
        uri=f"urn:test:{n}",
        path=f"/stories/urn:test:{n}",
        headline=f"Story {n} \x01 & <b>",
        summary="",
        located="",
        byline="",
        language=language,
        direction="ltr",
        urgency=None,
        published=now,
        updated=now,
        products=("world-en",),
        picture=None,
        thumbnail=None,
    )


def test_sitemap_holds_at_most_1000_urls_and_only_stories_with_a_language() -> None:
    stories = [_story(0, language=""), *(_story(n) for n in range(1, 1006))]
    urlset = _xml(news_sitemap(stories, "https://news.example", "Agency & Co"))
    urls = urlset.findall(f"{SITEMAP}url")
    assert len(urls) == 1000
    assert urls[0].findtext(f"{SITEMAP}loc") == "https://news.example/stories/urn:test:1"
    assert urls[0].findtext(f"{NEWS}news/{NEWS}title") == "Story 1  & <b>"
    assert urls[0].findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name") == "Agency & Co"
