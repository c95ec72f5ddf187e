"""Agency boilerplate that never belongs in a summary, keywords or topics, in many languages.

Datelines ("ANKARA, Nov 25 (Newswire) - "), credit lines ("(Reporting by ...; Editing
by ...)"), subscription and newsletter notes, "Click here", copyright lines.
"""

from __future__ import annotations

import re

__all__ = ["is_boilerplate", "strip_dateline"]

# An agency dateline such as "ANKARA, Nov 25 (Newswire) - " opens the lead.
_DATELINE = re.compile(
    r"^(?:[A-ZÇĞİÖŞÜÀ-ÞА-Я\u0600-\u06ff][^\n]{0,60}?\([^)]{1,40}\)\s*[-–—]+\s*"
    r"|[A-ZÇĞİÖŞÜÀ-ÞА-Я][A-ZÇĞİÖŞÜÀ-ÞА-Я .'/-]{2,40}(?:,[^-–—\n]{1,30})?\s+[-–—]+\s+)"
)
_PATTERNS = [
    r"^\((?:reporting|writing|editing|additional reporting|compiled|translated)\b",
    r"\b(?:reporting|writing) by\b.*\bediting by\b",
    r"^(?:reporting|writing|editing|additional reporting) by\b",
    r"\bclick here\b",
    r"\b(?:sign up|subscribe|subscription|newsletter|all rights reserved|copyright ©?)\b",
    r"\b(?:read more|related:|follow us on|download our app|our standards)\b",
    r"\bthis (?:story|article) (?:has been|was) (?:corrected|updated|refiled)\b",
    r"^(?:©|\(c\)|copyright)",
    r"^(?:photo|foto|image|video|source|kaynak|quelle|fuente|источник)\s*:",
    # Turkish, French, German, Spanish, Russian, Bosnian, Arabic, Persian notes.
    r"\b(?:abone ol|bültenimize|haberin devamı|tıklayın|buraya tıklayın)\b",
    r"\b(?:abonnez-vous|cliquez ici|lire aussi|à lire aussi)\b",
    r"\b(?:jetzt abonnieren|hier klicken|lesen sie auch|mehr zum thema)\b",
    r"\b(?:suscríbete|haga clic aquí|haz clic aquí|lee también|leer más)\b",
    r"(?:подписывайтесь|подпишитесь|читайте также|нажмите здесь)",
    r"\b(?:pretplatite se|kliknite ovdje|pročitajte još)\b",
    r"(?:اشترك|انقر هنا|اقرأ أيضا|اقرأ أيضاً|مشترک شوید|کلیک کنید|بیشتر بخوانید)",
]
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_URL = re.compile(r"https?://|www\.|@\w+\.\w+")


def is_boilerplate(sentence: str) -> bool:
    """Whether a sentence is agency or site boilerplate rather than news."""
    text = sentence.strip()
    return not text or bool(_BOILERPLATE.search(text) or _URL.search(text))


def strip_dateline(sentence: str) -> str:
    """The sentence without a leading agency dateline."""
    return _DATELINE.sub("", sentence, count=1)
