"""The word-stem topic rules newswire used before the trained model, kept as a yardstick.

bench/enrich.py scores them on the same held-out examples as the model; the pipeline
no longer calls them (their stems are the model's training data now, see topic_model.py).
"""

from __future__ import annotations

import re
from functools import cache

from newswire.enrich.topic_words import TOPIC_STEMS

__all__ = ["rule_topics"]

_WORD = re.compile(r"[^\W\d_][\w‌-]*")
_LEAD_CHARS = 500
_ARABIC_ARTICLE = ("وال", "بال", "لل", "ال")


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


def rule_topics(text: str, headline: str = "") -> list[str]:
    """Top-level topic codes by weighted stem counts (headline x3, lead x2), best first."""
    stems, exact = _tables()
    scores: dict[str, float] = {}
    for weight, part in ((3.0, headline), (2.0, text[:_LEAD_CHARS]), (1.0, text[_LEAD_CHARS:])):
        for word in _WORD.findall(part.lower()):
            code = _match(word, stems, exact)
            if code is not None:
                scores[code] = scores.get(code, 0.0) + weight
    return [code for code, _ in sorted(scores.items(), key=lambda kv: -kv[1])]


def _match(word: str, stems: dict[str, str], exact: dict[str, str]) -> str | None:
    if word in exact:
        return exact[word]
    for candidate in (word, *(word[len(p) :] for p in _ARABIC_ARTICLE if word.startswith(p))):
        for end in range(len(candidate), 2, -1):
            code = stems.get(candidate[:end])
            if code is not None:
                return code
    return None
