"""Language identification: py3langid's bundled model plus a small rule layer.

py3langid (offline, about 1 ms) knows bs, hr, sr, ku (Kurmanji) and sdh (Southern
Kurdish) but mixes up the closely related pairs. The rules settle them:

- Kurdish in Arabic script (Sorani and the southern dialects) uses letters that
  Persian and Arabic lack (ڕ ڵ ێ ۆ ە ڤ); such text is tagged `ku-Arab`, Latin
  Kurmanji `ku`, so that a filter on the primary subtag `ku` finds both.
- Bosnian, Croatian and Serbian (Latin) are told apart by marker words: Croatian
  month names and vocabulary (tisuća, tjedan), Serbian ekavian forms (vreme,
  reka), Bosnian forms (hiljada with ijekavian, sedmica, historija, općina).
"""

from __future__ import annotations

import re

import py3langid

__all__ = ["detect_language"]


def _words(text: str) -> frozenset[str]:
    """The space-separated words of a literal, as a set."""
    return frozenset(text.split())


_KURDISH_ARABIC = re.compile("[ڕڵێۆەڤ]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_PERSIAN_ONLY = re.compile("[پچژگک]")
_WORD = re.compile(r"\w+")
_MARKERS = {
    "bs": _words(
        "hiljada hiljade sedmica sedmice sedmicu historija historije historiju općina općine "
        "općini lahko kahva saopćio saopćila saopćenje policijska uprava kantona kanton "
        "sarajevu sarajevo federacije fbih bih mostaru tuzli zenici"
    ),
    "hr": _words(
        "tisuća tisuće tjedan tjedna tjedno siječnja veljače ožujka travnja svibnja lipnja "
        "srpnja kolovoza rujna listopada studenoga studenog prosinca priopćila priopćio "
        "priopćenje zrakoplov vlak kolodvor glazba sveučilište hrvatska hrvatske zagrebu "
        "zagreb tko"
    ),
    "sr": _words(
        "vreme vremena reka reke mleko devojka ovde gde dete deca lepo hteo nedelje nedelja "
        "saopštio saopštila opština opštine univerzitet beogradu beograd srbije srbija "
        "vesti pre posle"
    ),
}
_SOUTH_SLAVIC = frozenset(_MARKERS)


def detect_language(text: str) -> str | None:
    """A BCP 47 tag for the text (`en`, `tr`, `ku-Arab` ...), or None when too short to tell."""
    if len(text.strip()) < 3:
        return None
    if _ARABIC_SCRIPT.search(text):
        return _arabic_script(text)
    ranked = py3langid.rank(text)
    code = str(ranked[0][0])
    if code in _SOUTH_SLAVIC:
        return _south_slavic(text, code)
    if code == "sdh":
        return "ku"
    return code


def _arabic_script(text: str) -> str:
    letters = len(_ARABIC_SCRIPT.findall(text))
    if len(_KURDISH_ARABIC.findall(text)) * 50 >= letters:
        return "ku-Arab"
    code = str(py3langid.classify(text)[0])
    if code in ("ku", "sdh"):
        return "ku-Arab"
    if code not in ("ar", "fa", "ur", "ps", "ug", "ary", "arz"):
        # Very short Arabic-script text confuses the model; Persian letters decide.
        return "fa" if _PERSIAN_ONLY.search(text) else "ar"
    return "ar" if code in ("ary", "arz") else code


def _south_slavic(text: str, guess: str) -> str:
    if re.search("[а-яА-Я]", text):
        return guess
    words = {w.lower() for w in _WORD.findall(text)}
    scores = {code: len(words & markers) for code, markers in _MARKERS.items()}
    best = max(scores, key=lambda code: (scores[code], code == guess))
    return best if scores[best] > scores.get(guess, 0) else guess
