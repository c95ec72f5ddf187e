"""The IPTC Media Topics newswire assigns: the 17 top-level topics and some second-level ones.

Second-level topics are given for the six areas an agency files most on (politics,
economy, conflict, crime, disaster, sport); each names its parent. Codes and names
are IPTC's (http://cv.iptc.org/newscodes/mediatopic/).
"""

from __future__ import annotations

from newswire.enrich.topic_words import TOPIC_NAMES

__all__ = ["MEDIATOPIC", "SUBTOPICS", "TOPIC_NAMES", "parent", "topic_name"]

MEDIATOPIC = "http://cv.iptc.org/newscodes/mediatopic/"

# second-level code: (top-level parent, IPTC name)
SUBTOPICS: dict[str, tuple[str, str]] = {
    "20000574": ("11000000", "election"),
    "20000593": ("11000000", "government"),
    "20000621": ("11000000", "government policy"),
    "20000638": ("11000000", "international relations"),
    "20000344": ("04000000", "economy"),
    "20000385": ("04000000", "market and exchange"),
    "20000170": ("04000000", "business information"),
    "20000209": ("04000000", "economic sector"),
    "20000053": ("16000000", "act of terror"),
    "20000056": ("16000000", "armed conflict"),
    "20000065": ("16000000", "civil unrest"),
    "20000073": ("16000000", "peace process"),
    "20000082": ("02000000", "crime"),
    "20000106": ("02000000", "judiciary"),
    "20000121": ("02000000", "law"),
    "20000129": ("02000000", "law enforcement"),
    "20000139": ("03000000", "accident and emergency incident"),
    "20000148": ("03000000", "disaster"),
    "20000168": ("03000000", "emergency response"),
    "20000822": ("15000000", "competition discipline"),
    "20001103": ("15000000", "disciplinary action in sport"),
    "20001104": ("15000000", "drug use in sport"),
    "20001108": ("15000000", "sport event"),
    "20001148": ("15000000", "sports transaction"),
}


def parent(code: str) -> str:
    """The top-level topic of a code (a top-level code is its own parent)."""
    return SUBTOPICS[code][0] if code in SUBTOPICS else code


def topic_name(code: str) -> str:
    """IPTC's English name of a topic newswire knows."""
    return SUBTOPICS[code][1] if code in SUBTOPICS else TOPIC_NAMES[code]
