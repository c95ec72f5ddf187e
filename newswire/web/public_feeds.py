"""The public Atom feed (built with feedgen) and the Google News sitemap (built with lxml).

Both take `Story` values, which hold only what the gate's public summary view shows:
no body can reach them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from lxml import etree  # type: ignore[import-untyped]

from newswire import __version__
from newswire.formats.xmlsafe import xml_text
from newswire.web.public_views import Story, primary_language

__all__ = ["NEWS_NS", "SITEMAP_LIMIT", "SITEMAP_NS", "atom_feed", "news_language", "news_sitemap"]

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_LIMIT = 1000  # Google News reads at most 1,000 URLs per sitemap


def atom_feed(stories: Sequence[Story], base: str, agency: str, now: datetime) -> bytes:
    """An Atom feed of the stories, newest first: headline, summary and link, never a body."""
    fg = FeedGenerator()
    fg.id(base + "/feeds/public.atom")
    fg.title(xml_text(agency))
    fg.subtitle(xml_text(f"Latest stories from {agency}, in summary"))
    fg.author({"name": xml_text(agency)})
    fg.link(href=base + "/feeds/public.atom", rel="self", type="application/atom+xml")
    fg.link(href=base + "/", rel="alternate", type="text/html")
    fg.generator("newswire", version=__version__)
    fg.updated(max((s.updated for s in stories), default=now))
    for story in stories:
        entry = fg.add_entry(order="append")
        entry.id(xml_text(story.uri))
        entry.title(xml_text(story.headline))
        entry.link(href=base + story.path, rel="alternate", type="text/html")
        entry.published(story.published)
        entry.updated(story.updated)
        entry.author({"name": xml_text(story.byline or agency)})
        if story.summary:
            entry.summary(xml_text(story.summary))
        for slug in story.products:
            entry.category(term=slug)
    result: bytes = fg.atom_str(pretty=False)
    return result


def news_language(tag: str) -> str:
    """The language code Google News expects: ISO 639 ('en'), with zh-cn and zh-tw."""
    lowered = tag.lower()
    if lowered.startswith("zh"):
        return "zh-tw" if any(s in lowered for s in ("-tw", "-hk", "-hant")) else "zh-cn"
    return primary_language(lowered)


def news_sitemap(stories: Sequence[Story], base: str, agency: str) -> bytes:
    """A Google News sitemap of the stories (at most 1,000; stories without a language
    are left out, as the sitemap must name one)."""
    urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS, "news": NEWS_NS})
    for story in [s for s in stories if s.language][:SITEMAP_LIMIT]:
        url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = base + story.path
        news = etree.SubElement(url, f"{{{NEWS_NS}}}news")
        publication = etree.SubElement(news, f"{{{NEWS_NS}}}publication")
        etree.SubElement(publication, f"{{{NEWS_NS}}}name").text = xml_text(agency)
        language = news_language(story.language)
        etree.SubElement(publication, f"{{{NEWS_NS}}}language").text = language
        date = etree.SubElement(news, f"{{{NEWS_NS}}}publication_date")
        date.text = story.published.isoformat(timespec="seconds")
        etree.SubElement(news, f"{{{NEWS_NS}}}title").text = xml_text(story.headline)
    result: bytes = etree.tostring(urlset, xml_declaration=True, encoding="UTF-8")
    return result
