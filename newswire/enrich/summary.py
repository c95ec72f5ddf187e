"""An extractive, news-aware summary when the editor gave none.

The lead sentence opens the summary; one or two more sentences follow, chosen for
their overlap with the headline and the story's frequent words and for being near
the top, never boilerplate or a bare quote. 2-3 sentences, at most 60 words where
the sentences allow, in the story's own words and so its language.
"""

from __future__ import annotations

import re
from collections import Counter

from newswire.enrich.boilerplate import is_boilerplate, strip_dateline
from newswire.enrich.text import plain_text, sentences

__all__ = ["MAX_WORDS", "lead_summary", "summarize"]

MAX_WORDS = 60
MAX_SENTENCES = 3
_WORD = re.compile(r"\w{3,}")
_QUOTE_ONLY = re.compile(r"^[\"“«„'‘].*[\"”»'’]\W*$")
_QUOTE = re.compile(r"[\"“”«»„]")
_PRONOUN_START = re.compile(
    r"^(?:he|she|it|they|this|that|these|those|his|her|their|o|bu|il|elle|ils|er|sie|es|"
    r"él|ella|ellos|он|она|они|on|ona|oni)\b",
    re.IGNORECASE,
)


def lead_summary(body_html: str, language: str | None = None) -> str:
    """A summary of an HTML body: see `summarize`."""
    return summarize(plain_text(body_html), language)


def summarize(text: str, language: str | None = None, headline: str = "") -> str:
    """Two or three of the text's best sentences in story order, at most 60 words if possible,
    and always fewer sentences than the story has."""
    split = sentences(text, language)
    candidates = [strip_dateline(s) if i == 0 else s for i, s in enumerate(split)]
    news = [(i, s) for i, s in enumerate(candidates) if not is_boilerplate(s) and _words(s) >= 3]
    # A summary never holds the whole story: summary plans must not get the body
    # through it, so a one-sentence story gets none and a short one loses a sentence.
    limit = min(MAX_SENTENCES, len(news) - 1)
    if limit < 1:
        return ""
    lead_index, lead = news[0]
    chosen = [(lead_index, lead)]
    words = _words(lead)
    scores = _scores(news[1:], headline, text)
    for index, sentence in sorted(news[1:], key=lambda pair: -scores[pair[0]]):
        if len(chosen) == limit:
            break
        count = _words(sentence)
        if words + count <= MAX_WORDS:
            chosen.append((index, sentence))
            words += count
    return " ".join(sentence for _, sentence in sorted(chosen))


def _words(sentence: str) -> int:
    return len(sentence.split())


def _scores(news: list[tuple[int, str]], headline: str, text: str) -> dict[int, float]:
    """A score per sentence index: position first, then overlap with headline and topic words."""
    frequency = Counter(w.lower() for w in _WORD.findall(text))
    top = {w for w, n in frequency.most_common(20) if n > 1}
    title = {w.lower() for w in _WORD.findall(headline)}
    scores: dict[int, float] = {}
    for rank, (index, sentence) in enumerate(news):
        tokens = {w.lower() for w in _WORD.findall(sentence)}
        score = 1.0 / (1 + rank) + 0.4 * len(tokens & title) / (1 + len(title))
        score += 0.3 * len(tokens & top) / (1 + len(top))
        if _QUOTE_ONLY.match(sentence.strip()) or _words(sentence) < 6:
            score -= 0.5
        elif _QUOTE.search(sentence):
            score -= 0.2
        if _PRONOUN_START.match(sentence):
            score -= 0.4  # "He declined ..." needs the sentence before it
        scores[index] = score
    return scores
