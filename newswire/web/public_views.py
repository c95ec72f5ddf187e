"""What the public pages show of a story the gate let through: pure, no I/O.

A `Story` is built only from the item `gate.render` returned for the public viewer
(summary view: no body, no editor's note), never from the stored item itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import lxml.html  # type: ignore[import-untyped]
from lxml.etree import ParserError  # type: ignore[import-untyped]

from newswire.model import Item, ItemState, Rendition

__all__ = [
    "LANGUAGE_NAMES",
    "Story",
    "language_name",
    "news_article",
    "primary_language",
    "story_of",
    "story_path",
    "text_direction",
]

# Scripts written right to left, by primary language subtag.
_RTL = frozenset({"ar", "fa", "he", "ur", "ps", "ckb", "yi", "dv", "sd", "ug", "iw"})
LANGUAGE_NAMES = {
    "ar": "العربية",
    "de": "Deutsch",
    "en": "English",
    "es": "Español",
    "fa": "فارسی",
    "fr": "Français",
    "it": "Italiano",
    "pt": "Português",
    "ru": "Русский",
    "tr": "Türkçe",
    "uk": "Українська",
    "zh": "中文",
}


@dataclass(frozen=True)
class Story:
    """One story as the public site shows it: headline, dateline, summary, pictures."""

    uri: str
    path: str
    headline: str
    summary: str
    located: str
    byline: str
    language: str
    direction: str
    urgency: int | None
    published: datetime
    updated: datetime
    products: tuple[str, ...]
    picture: str | None
    thumbnail: str | None


def primary_language(tag: str) -> str:
    """The primary subtag of a BCP 47 tag, lower-case ('pt-BR' -> 'pt')."""
    return tag.split("-", 1)[0].lower()


def text_direction(tag: str) -> str:
    """'rtl' for languages written right to left (Arabic, Persian, ...), else 'ltr'."""
    return "rtl" if primary_language(tag) in _RTL else "ltr"


def language_name(tag: str) -> str:
    """The language's own name for itself when known, else the tag."""
    return LANGUAGE_NAMES.get(primary_language(tag), tag)


def story_path(uri: str) -> str:
    """The site-relative path of a story page; the uri is percent-encoded."""
    return "/stories/" + quote(uri, safe=":@")


def _plain(text: str, content_type: str | None) -> str:
    """A description as plain text: HTML summaries lose their markup."""
    if not content_type or "html" not in content_type or not text.strip():
        return text.strip()
    try:
        return str(lxml.html.fragment_fromstring(text, create_parent="div").text_content()).strip()
    except (ParserError, ValueError):
        return ""


def _summary(item: Item) -> str:
    texts = item.descriptions or []
    chosen = next((t for t in texts if t.role == "summary"), texts[0] if texts else None)
    return _plain(chosen.value, chosen.content_type) if chosen else ""


def _safe_href(rendition: Rendition | None) -> str | None:
    """The rendition's link when it is http(s) or site-relative; never a script URL."""
    href = (rendition.href or "").strip() if rendition else ""
    if href.startswith("/") and not href.startswith("//"):
        return href
    scheme = urlsplit(href).scheme.lower() if href else ""
    return href if scheme in ("http", "https") else None


def _rendition(item: Item, name: str) -> Rendition | None:
    return next((r for r in item.renditions or [] if r.name == name), None)


def _headline(item: Item) -> str:
    """The headline, else the title, else the start of the first description (a video
    from NewsML-G2 may carry only descriptions): Atom and the sitemap need a title."""
    text = item.headline() or item.title or ""
    if not text.strip():
        first = item.descriptions[0] if item.descriptions else None
        words = _plain(first.value, first.content_type).split() if first else []
        text = " ".join(words[:12]) + (" …" if len(words) > 12 else "")
    return text.strip() or (item.uri or "")


def story_of(shown: Item, state: ItemState, public_slugs: frozenset[str]) -> Story:
    """The public story from the gate's summary rendering of a visible item."""
    published = state.released_at or shown.first_created or shown.version_created
    assert published is not None, "a visible item has been released"
    language = shown.language or ""
    preview = _safe_href(_rendition(shown, "preview"))
    thumbnail = _safe_href(_rendition(shown, "thumbnail"))
    return Story(
        uri=shown.uri or "",
        path=story_path(shown.uri or ""),
        headline=_headline(shown),
        summary=_summary(shown),
        located=shown.located or "",
        byline=shown.by or "",
        language=language,
        direction=text_direction(language),
        urgency=shown.urgency,
        published=published,
        updated=max(shown.version_created or published, published),
        products=tuple(sorted(state.products & public_slugs)),
        picture=preview or thumbnail,
        thumbnail=thumbnail or preview,
    )


def _absolute(base: str, href: str) -> str:
    return base + href if href.startswith("/") else href


def news_article(story: Story, base: str, agency: str) -> dict[str, Any]:
    """schema.org NewsArticle for the story page; the full text is for subscribers only."""
    url = base + story.path
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": story.headline[:110],
        "description": story.summary,
        "datePublished": story.published.isoformat(),
        "dateModified": story.updated.isoformat(),
        "isAccessibleForFree": False,
        "publisher": {"@type": "Organization", "name": agency},
        "author": (
            {"@type": "Person", "name": story.byline}
            if story.byline
            else {"@type": "Organization", "name": agency}
        ),
    }
    if story.language:
        data["inLanguage"] = story.language
    if story.located:
        data["dateline"] = story.located
    if story.picture:
        data["image"] = [_absolute(base, story.picture)]
    return data
