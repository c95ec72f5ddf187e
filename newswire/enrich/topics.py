"""IPTC Media Topic subjects (the 17 top-level topics) by weighted word-stem rules.

Every word of the headline counts three times, the lead's twice, the rest once;
a topic needs a score of at least 3 and half the best topic's; at most three.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newswire.enrich.topic_words import TOPIC_NAMES, TOPIC_STEMS

__all__ = ["MEDIATOPIC", "Topic", "classify_topics"]

MEDIATOPIC = "http://cv.iptc.org/newscodes/mediatopic/"
MAX_TOPICS = 3
_MIN_SCORE = 3.0
_WORD = re.compile(r"[^\W\d_][\w‌-]*")
_LEAD_CHARS = 500
_ARABIC_ARTICLE = ("وال", "بال", "لل", "ال")


@dataclass(frozen=True)
class Topic:
    """One IPTC Media Topic with a relevance and confidence from 0 to 100."""

    code: str
    name: str
    relevance: int
    confidence: int

    @property
    def uri(self) -> str:
        """The topic's IPTC uri."""
        return MEDIATOPIC + self.code


@cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    stems: dict[str, str] = {}
    exact: dict[str, str] = {}
    for code, words in TOPIC_STEMS.items():
        for word in words.split():
            if word.endswith("="):
                exact[word[:-1]] = code
            else:
                stems.setdefault(word, code)
    return stems, exact


def classify_topics(text: str, headline: str = "") -> list[Topic]:
    """The story's top-level IPTC Media Topics, most relevant first."""
    stems, exact = _tables()
    scores: dict[str, float] = {}
    for weight, part in ((3.0, headline), (2.0, text[:_LEAD_CHARS]), (1.0, text[_LEAD_CHARS:])):
        for word in _WORD.findall(part.lower()):
            code = _match(word, stems, exact)
            if code is not None:
                scores[code] = scores.get(code, 0.0) + weight
    if not scores:
        return []
    best = max(scores.values())
    total = sum(scores.values())
    chosen = [
        (code, score)
        for code, score in sorted(scores.items(), key=lambda kv: -kv[1])
        if score >= _MIN_SCORE and score >= 0.5 * best
    ][:MAX_TOPICS]
    return [
        Topic(code, TOPIC_NAMES[code], round(100 * score / total), min(100, round(10 * score)))
        for code, score in chosen
    ]


def _match(word: str, stems: dict[str, str], exact: dict[str, str]) -> str | None:
    if word in exact:
        return exact[word]
    for candidate in (word, *(word[len(p) :] for p in _ARABIC_ARTICLE if word.startswith(p))):
        for end in range(len(candidate), 2, -1):
            code = stems.get(candidate[:end])
            if code is not None:
                return code
    return None
