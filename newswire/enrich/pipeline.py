"""Runs the enrichment steps on an item before it is stored; the editor's values win."""

from __future__ import annotations

from newswire.enrich.language import detect_language
from newswire.enrich.summary import lead_summary
from newswire.enrich.text import plain_text
from newswire.model import Item, Text

__all__ = ["enrich"]


def enrich(item: Item) -> Item:
    """The item with a language and a summary filled in where the editor left them out."""
    body = item.bodies[0].value if item.bodies else ""
    update: dict[str, object] = {}
    if not item.language:
        language = detect_language(f"{item.headline()}\n{plain_text(body)}")
        if language:
            update["language"] = language
    if not item.descriptions and body:
        summary = lead_summary(body)
        if summary:
            update["descriptions"] = [Text(role="summary", value=summary)]
    return item.model_copy(update=update) if update else item
