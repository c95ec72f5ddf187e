"""Story text made safe once, when a version is stored, so that every exit (ninjs
bodies as served, NITF, NewsML-G2 inline XHTML, feeds, webhooks, pages) carries it.

HTML bodies and descriptions keep an allow-list of harmless markup (nh3, Rust's
ammonia): no scripts, styles, event handlers or `javascript:` links. Headlines and
plain-text fields stay exactly as written: they are text, and every output escapes
them as text (XML text nodes, autoescaped pages, JSON strings), so `<script>` in a
headline reads as those characters and never runs.
"""

from __future__ import annotations

import nh3

from newswire.model import Item, Text

__all__ = ["clean_body", "clean_item"]

_TAGS = {
    "p", "br", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
    "li", "em", "strong", "b", "i", "u", "a", "blockquote", "q", "pre", "code", "sub", "sup",
    "span", "table", "thead",
    "tbody", "tr", "td", "th", "caption", "figure", "figcaption", "hr", "abbr", "cite",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "abbr": {"title"},
}
_SCHEMES = {"http", "https", "mailto"}
_DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "iframe", "object"}


def clean_body(markup: str) -> str:
    """HTML with only the allow-listed tags, attributes and link schemes left."""
    return nh3.clean(
        markup,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        link_rel=None,  # no target attribute is allowed, so no opener to guard
    )


def _is_html(text: Text) -> bool:
    # Without an HTML content type a text is plain: every format escapes it as text.
    return text.content_type is not None and "html" in text.content_type.lower()


def _clean_texts(texts: list[Text] | None) -> list[Text] | None:
    if texts is None:
        return None
    cleaned = []
    for text in texts:
        value = clean_body(text.value) if _is_html(text) else text.value
        cleaned.append(text if value == text.value else text.model_copy(update={"value": value}))
    return cleaned


def clean_item(item: Item) -> Item:
    """The item with its HTML bodies and descriptions sanitised."""
    update = {
        "descriptions": _clean_texts(item.descriptions),
        "bodies": _clean_texts(item.bodies),
    }
    if all(update[k] == getattr(item, k) for k in update):
        return item
    return item.model_copy(update=update)
