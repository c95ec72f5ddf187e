"""A lead summary when the editor gave none: the story's first sentences, news style."""

from __future__ import annotations

import re

from newswire.enrich.text import plain_text, sentences

__all__ = ["lead_summary"]

MAX_WORDS = 60
# An agency dateline such as "ANKARA, Nov 25 (Newswire) - " opens the lead; drop it.
_DATELINE = re.compile(r"^[A-ZÇĞİÖŞÜ\u0600-\u06ff][^\n]{0,60}?\([^)]{1,40}\)\s*[-–—]+\s*")


def lead_summary(body_html: str) -> str:
    """Up to three leading sentences of the body, at most 60 words when sentences allow."""
    chosen: list[str] = []
    words = 0
    for sentence in sentences(plain_text(body_html)):
        count = len(sentence.split())
        if chosen and (words + count > MAX_WORDS or len(chosen) == 3):
            break
        chosen.append(sentence)
        words += count
    summary = " ".join(chosen)
    return _DATELINE.sub("", summary, count=1)
