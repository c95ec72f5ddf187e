"""IPTC Media Topic subjects from the trained classifier (topic_model.py).

The classifier reads the headline and the lead (the opening sentences carry the
topic; a 500-word body adds noise and time). A top-level topic needs a score of
`TOP_THRESHOLD` (at that cut the 5-fold held-out accuracy was 0.81 at 84% coverage); a
second top-level topic is added when it scores `SECOND_TOP_THRESHOLD` (about one story in
seven gets one). Under each chosen parent the second level is given when it scores
`SUB_THRESHOLD` (0.67 accurate at 85% coverage). bench/enrich.py prints the current numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newswire.enrich.medtop import MEDIATOPIC, topic_name
from newswire.enrich.topic_model import TopicModel, default_model

__all__ = [
    "MEDIATOPIC",
    "SUB_THRESHOLD",
    "TOP_THRESHOLD",
    "Topic",
    "classify_topics",
    "lead_of",
]

TOP_THRESHOLD = 0.2
SECOND_TOP_THRESHOLD = 0.15
SUB_THRESHOLD = 0.4
_LEAD_CHARS = 400
_MIN_LETTERS = 12
_LETTER = re.compile(r"[^\W\d_]")


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


def lead_of(text: str) -> str:
    """The opening of a story's text, cut at a word boundary, that the classifier reads."""
    if len(text) <= _LEAD_CHARS:
        return text
    return text[:_LEAD_CHARS].rsplit(" ", 1)[0]


def classify_topics(text: str, headline: str = "", model: TopicModel | None = None) -> list[Topic]:
    """The story's IPTC Media Topics: top-level first, each followed by its second level."""
    lead = lead_of(text)
    if len(_LETTER.findall(headline + lead)) < _MIN_LETTERS:
        return []
    model = model or default_model()
    scores = model.top_scores(headline, lead)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    chosen = [ranked[0]] if ranked[0][1] >= TOP_THRESHOLD else []
    if chosen and len(ranked) > 1 and ranked[1][1] >= SECOND_TOP_THRESHOLD:
        chosen.append(ranked[1])
    topics = []
    for code, score in chosen:
        topics.append(_topic(code, score))
        subs = model.sub_scores(code, headline, lead)
        if subs:
            sub, sub_score = max(subs.items(), key=lambda kv: kv[1])
            if sub_score >= SUB_THRESHOLD:
                topics.append(_topic(sub, score * sub_score))
    return topics


def _topic(code: str, score: float) -> Topic:
    percent = max(1, min(100, round(100 * score)))
    return Topic(code, topic_name(code), percent, percent)
