"""Keywords: the story's salient one- and two-word phrases, not already named as entities.

A frequency method, fast and language-light: candidate phrases are runs of one or two
non-stopwords inside a clause; each scores by how often it occurs, with a bonus for
the headline and lead; two-word phrases must recur to count. Words that belong to an
entity's name are left out, so keywords add what the entities do not say.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from newswire.enrich.stopwords import stopwords

__all__ = ["MAX_KEYWORDS", "extract_keywords"]

MAX_KEYWORDS = 8
_CLAUSE = re.compile(r"[.,;:!?؟،()\[\]\"“”«»—–\n]|\s-\s")
_WORD = re.compile(r"[^\W\d_][\w'’\u200c-]*[\w]|[^\W\d_]")
_LEAD_CHARS = 400
_MIN_SCORE = 3.0


def extract_keywords(
    text: str, language: str | None = None, exclude: Iterable[str] = (), headline: str = ""
) -> list[str]:
    """Up to eight lower-case keywords, best first, none repeating an excluded name's words."""
    stop = stopwords(language)
    excluded = {w.lower() for name in exclude for w in _WORD.findall(name)}
    scores: dict[str, float] = {}
    bigrams: Counter[str] = Counter()
    for offset, clause in _clauses(f"{headline}\n{text}" if headline else text):
        weight = 2.0 if offset < len(headline) + 1 else 1.5 if offset < _LEAD_CHARS else 1.0
        words = [_normal(w) for w in _WORD.findall(clause)]
        for i, word in enumerate(words):
            if _useful(word, stop, excluded):
                scores[word] = scores.get(word, 0.0) + weight
                if i + 1 < len(words) and _useful(words[i + 1], stop, excluded):
                    bigrams[f"{word} {words[i + 1]}"] += 1
    for word in [w for w in scores if w.endswith("s") and w[:-1] in scores]:
        scores[word[:-1]] += scores.pop(word)  # "missiles" counts for "missile"
    for phrase, count in bigrams.items():
        if count >= 2:
            first, second = phrase.split()
            scores[phrase] = (_get(scores, first) + _get(scores, second)) * 0.75
    return _pick(scores)


def _get(scores: dict[str, float], word: str) -> float:
    return scores.get(word, scores.get(word[:-1], 0.0))


def _clauses(text: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    start = 0
    for match in _CLAUSE.finditer(text):
        found.append((start, text[start : match.start()]))
        start = match.end()
    found.append((start, text[start:]))
    return found


def _normal(word: str) -> str:
    return re.split("['’]", word.lower(), maxsplit=1)[0]


def _useful(word: str, stop: frozenset[str], excluded: set[str]) -> bool:
    return len(word) > 2 and word not in stop and word not in excluded


def _pick(scores: dict[str, float]) -> list[str]:
    chosen: list[str] = []
    for phrase, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if score < _MIN_SCORE or len(chosen) == MAX_KEYWORDS:
            break
        words = phrase.split()
        if any(w in c.split() for c in chosen for w in words):
            continue  # "missile" after "missile plant": one is enough
        chosen.append(phrase)
    return chosen
