"""Plain text out of an item's HTML body, and a careful sentence splitter."""

from __future__ import annotations

import html
import re

__all__ = ["plain_text", "sentences"]

_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|blockquote|pre|tr)>|<br\s*/?>", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\f\v]+")
# A sentence ends at . ! ? (and their Arabic and CJK forms) followed by space and an
# upper-case letter, a quote, a digit or a non-Latin letter; never after an initial
# ("J. Smith") or a common abbreviation.
_END = re.compile(r"(?<=[.!?؟。])[\"'”’»)]*\s+(?=[\"'“‘«(]?[A-ZÀ-ÞĀ-ſА-ЯΑ-Ω0-9\u0600-\u06ff])")
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "st",
        "mt",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.n",
        "e.u",
        "mme",
        "mlle",
        "av",
        "bkz",
        "vb",
    }
)


def plain_text(markup: str) -> str:
    """Text of an HTML fragment, one paragraph per line."""
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def sentences(text: str) -> list[str]:
    """The sentences of a text, paragraph by paragraph."""
    found: list[str] = []
    for paragraph in text.split("\n"):
        start = 0
        for match in _END.finditer(paragraph):
            candidate = paragraph[start : match.start()].strip()
            last_word = candidate.rsplit(" ", 1)[-1].rstrip(".").lower()
            if len(last_word) <= 1 or last_word in _ABBREVIATIONS:
                continue
            found.append(candidate)
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            found.append(tail)
    return found
