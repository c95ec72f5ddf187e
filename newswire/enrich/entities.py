"""People, organisations and places in a story: catalogue, rules and a small model combined.

1. Known names (the catalogue: gazetteer plus the agency's own entities) are matched
   first and always win, so a company the model calls PERSON stays an organisation.
2. Other capitalised names are classified by rules: a title before a name makes a
   person ("Defence Minister X"), an organisation word anywhere makes an organisation
   ("... Systems", "Ministry of ..."), and the model's label settles the rest (English).
3. A surname or title-plus-surname after the full name is the same person.
Each entity gets a stable uri from the catalogue or from its kind and name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newswire.enrich.catalogue import (
    Catalogue,
    EntityKind,
    KnownEntity,
    builtin_catalogue,
    entity_uri,
)
from newswire.enrich.entity_rules import (
    ABBREVIATIONS,
    CONNECTORS,
    ORG_ENDINGS,
    ORG_WEAK,
    ORG_WORDS,
    PERSON_VERBS,
    PLACE_WORDS,
    TITLES,
)
from newswire.enrich.ner_model import model_entities
from newswire.enrich.stopwords import stopwords

__all__ = ["Entities", "Entity", "extract_entities"]

_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.&-]*\w)?\.?|\d[\d.,]*")
_SENTENCE_END = re.compile(r"[.!?؟:;\"“”«»()\[\]—–-]|\n")
_POSSESSIVE = re.compile(r"['’](?:s|[a-zçğıöşüâîû]{1,5})$")
_ELISION = re.compile(r"^(?:[lLdDjJnNsS]|[qQ]u)['’](?=\w)")
_ARABIC_PREFIXES = ("و", "ب", "ل", "ف")
MAX_PER_KIND = 12


@dataclass
class Entity:
    """One entity found in a story, with how often and how early it is mentioned."""

    kind: EntityKind
    name: str
    uri: str
    mentions: int = 1
    first: int = 0


@dataclass
class Entities:
    """The people, organisations and places of a story, most relevant first."""

    people: list[Entity] = field(default_factory=list)
    organisations: list[Entity] = field(default_factory=list)
    places: list[Entity] = field(default_factory=list)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    sentence_start: bool
    joined: bool  # only white space between this token and the previous one


def extract_entities(
    text: str, language: str | None = None, catalogue: Catalogue | None = None
) -> Entities:
    """The entities of a plain text (headline first, then body) in the given language."""
    known = catalogue or builtin_catalogue()
    tokens = _tokens(text)
    english = (language or "en").split("-")[0] == "en"
    labels = {name: kind for name, kind in model_entities(text)} if english else {}
    found: dict[str, Entity] = {}
    consumed: set[int] = set()
    i = 0
    while i < len(tokens):
        n, hit = _catalogue_match(tokens, i, known)
        if hit is not None and _inside_org_name(tokens, i, n):
            n, hit = 0, None  # "Pakistan Meteorological Department", "National Bank of Poland"
        if hit is not None:
            _add(found, hit.kind, hit.name, hit.identifier(), tokens[i].start)
            consumed.update(range(i, i + n))
        i += max(n, 1)
    pending: list[tuple[list[_Token], str | None]] = []
    i = 0
    while i < len(tokens):
        span = [] if i in consumed else _capitalised_span(tokens, i, language, consumed)
        if span:
            before = tokens[i - 1].text.lower().rstrip(".") if i and tokens[i].joined else None
            pending.append((span, before))
            i += len(span)
        else:
            i += 1
    for span, before in pending:
        _classify(span, before, tokens, labels, language, known, found)
    return _ranked(found)


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    end = 0
    for match in _TOKEN.finditer(text):
        gap = text[end : match.start()]
        previous = found[-1].text if found else ""
        ends = previous.endswith((".", "!", "?")) and not _is_abbreviation(previous)
        sentence_start = not found or ends or bool(_SENTENCE_END.search(gap))
        word, start = match.group(), match.start()
        elided = _ELISION.match(word)  # French "l'Union" names "Union"
        if elided:
            word, start = word[elided.end() :], start + elided.end()
        found.append(_Token(word, start, sentence_start, not gap.strip()))
        end = match.end()
    return found


def _is_abbreviation(token: str) -> bool:
    bare = token.rstrip(".").lower()
    return len(bare) <= 1 or bare in TITLES or bare in ABBREVIATIONS or "." in bare


def _catalogue_match(
    tokens: list[_Token], i: int, known: Catalogue
) -> tuple[int, KnownEntity | None]:
    first = tokens[i].text
    if first[:1].islower() or first[:1].isdigit():
        return 0, None
    for n in range(min(known.longest, len(tokens) - i), 0, -1):
        if n > 1 and not all(t.joined for t in tokens[i + 1 : i + n]):
            continue
        phrase = " ".join(t.text for t in tokens[i : i + n])
        hit = known.lookup(_POSSESSIVE.sub("", phrase))
        if hit is None and n == 1 and first.startswith(_ARABIC_PREFIXES) and len(first) > 3:
            hit = known.lookup(first[1:])
        if hit is not None:
            return n, hit
    return 0, None


def _capitalised_span(
    tokens: list[_Token], i: int, language: str | None, consumed: set[int]
) -> list[_Token]:
    """The run of capitalised tokens (connectors inside) at token i, up to a known name."""
    if not _capitalised(tokens[i].text):
        return []
    if tokens[i].sentence_start and tokens[i].text.lower() in stopwords(language):
        return []
    span = [tokens[i]]
    j = i + 1
    while (
        j < len(tokens)
        and j not in consumed
        and tokens[j].joined
        and not tokens[j].sentence_start
        and not span[-1].text.endswith(("'s", "’s"))
    ):
        word = tokens[j].text
        if _capitalised(word):
            span.append(tokens[j])
        elif word == "and" and len(span) <= 3 and _joins_org(span, tokens, j):
            span.append(tokens[j])  # "Competition and Markets Authority"
        elif word.lower() in CONNECTORS and j + 1 < len(tokens) and tokens[j + 1].joined:
            if not _capitalised(tokens[j + 1].text):
                break
            span.append(tokens[j])
        else:
            break
        j += 1
    while span and span[-1].text.lower() in CONNECTORS:
        span.pop()
    return span


def _run(tokens: list[_Token], j: int, step: int) -> list[str]:
    """The capitalised words joined to token j, walking forwards (1) or backwards (-1)."""
    words: list[str] = []
    while 0 <= j < len(tokens) and _capitalised(tokens[j].text):
        words.append(tokens[j].text)
        if step > 0 and (j + 1 >= len(tokens) or not tokens[j + 1].joined):
            break
        if step < 0 and not tokens[j].joined:
            break
        j += step
    return words


def _inside_org_name(tokens: list[_Token], i: int, n: int) -> bool:
    """Whether a known name at tokens[i:i+n] is only part of a longer organisation's name."""
    end = i + n
    if end < len(tokens) and tokens[end].joined and not tokens[end].sentence_start:
        after = _run(tokens, end, 1)
        if after and _is_org(after, strong=True):
            return True
    if i >= 2 and tokens[i].joined and tokens[i - 1].text == "of" and tokens[i - 1].joined:
        before = _run(tokens, i - 2, -1)
        return bool(before) and _is_org(before, strong=True)
    return False


def _joins_org(span: list[_Token], tokens: list[_Token], j: int) -> bool:
    """Whether 'and' at token j sits inside one organisation's name."""
    if j + 1 >= len(tokens) or not tokens[j + 1].joined:
        return False
    after = _run(tokens, j + 1, 1)
    return bool(after) and _is_org(after, strong=True) and not _is_org([t.text for t in span])


def _capitalised(word: str) -> bool:
    return word[:1].isupper() or (word[:3].lower() in ("al-", "el-") and word[3:4].isupper())


def _classify(
    span: list[_Token],
    before: str | None,
    tokens: list[_Token],
    labels: dict[str, str],
    language: str | None,
    known: Catalogue,
    found: dict[str, Entity],
) -> None:
    words = [_POSSESSIVE.sub("", t.text).rstrip(".,") for t in span]
    start = span[0].start
    title_at = max((k for k, w in enumerate(words[:-1]) if w.lower() in TITLES), default=-1)
    if title_at >= 0 or (before is not None and before in TITLES):
        left, name = words[: title_at + 1], words[title_at + 1 :]
        while name and name[0].lower() in CONNECTORS | TITLES:
            name = name[2:] if name[0].lower() in CONNECTORS else name[1:]
        left_text = " ".join(w for w in left if w.lower() not in TITLES)
        if left_text and _is_org(left_text.split(), strong=True):
            _add(found, "organisation", left_text, None, start)
        if name and not _is_org(name):
            _add_person(found, " ".join(name), start)
        return
    text = " ".join(words)
    if "of" in words[2:-1] and not _is_org(words[: words.index("of", 2)]):
        cut = words.index("of", 2)  # "Priya Shah of Halden Capital": a person, then an org
        if _is_org(words[cut + 1 :], strong=True):
            _add(found, "organisation", " ".join(words[cut + 1 :]), None, span[cut + 1].start)
            _classify(span[:cut], before, tokens, labels, language, known, found)
            return
    if _is_org(words) and (len(words) > 1 or words[0].lower().endswith(ORG_ENDINGS)):
        _add(found, "organisation", text, None, start)
        return
    if len(words) > 1 and (words[0].lower() in PLACE_WORDS or words[-1].lower() in PLACE_WORDS):
        _add(found, "place", text, None, start)
        return
    kind = labels.get(text) or labels.get(_span_text(span))
    if kind == "person" and len(words) == 1:
        _add_person(found, text, start)  # kept only where it is a known person's surname
    elif kind in ("organisation", "place") and not (language == "de" and len(words) == 1):
        _add(found, kind, text, None, start)  # type: ignore[arg-type]
    elif (
        kind == "person"
        or _looks_like_name(words, span, tokens, language)
        or (len(words) == 1 and language != "de")
    ):
        _add_person(found, text, start)


def _span_text(span: list[_Token]) -> str:
    """The span as written."""
    return " ".join(t.text for t in span)


def _is_org(words: list[str], strong: bool = False) -> bool:
    """Whether an organisation word stands in the name; `strong` leaves out office
    qualifiers that also precede a title ("Energy Minister", "Defence Secretary")."""
    lowered = [w.lower().rstrip(".") for w in words]
    org_words = ORG_WORDS - ORG_WEAK if strong else ORG_WORDS
    return any(w in org_words for w in lowered) or any(w.endswith(ORG_ENDINGS) for w in lowered)


def _looks_like_name(
    words: list[str], span: list[_Token], tokens: list[_Token], language: str | None
) -> bool:
    """Two to four capitalised words, not all capitals, and (in English) followed by 'said'."""
    if not 2 <= len(words) <= 4 or any(w.isupper() and len(w) > 1 for w in words):
        return False
    if language == "de":
        return False
    at = tokens.index(span[-1]) + 1
    verb = tokens[at].text.lower().rstrip(".,") if at < len(tokens) else ""
    return not (language or "en").startswith("en") or verb in PERSON_VERBS


def _add_person(found: dict[str, Entity], name: str, start: int) -> None:
    parts = name.split()
    for entity in found.values():
        if entity.kind == "person" and (
            entity.name == name or (len(parts) == 1 and entity.name.split()[-1] == name)
        ):
            entity.mentions += 1
            return
    if len(parts) == 1:
        _add(found, "person", name, None, start, tentative=True)
        return
    _add(found, "person", name, None, start)
    surname = found.pop(f"?person:{parts[-1]}", None)
    if surname is not None:
        found[f"person:{name}"].mentions += surname.mentions


def _add(
    found: dict[str, Entity],
    kind: EntityKind,
    name: str,
    uri: str | None,
    start: int,
    tentative: bool = False,
) -> None:
    key = f"{'?' if tentative else ''}{kind}:{uri or name}"
    if key in found:
        found[key].mentions += 1
        return
    found[key] = Entity(kind, name, uri or entity_uri(kind, name), first=start)


def _ranked(found: dict[str, Entity]) -> Entities:
    result = Entities()
    groups = {"person": result.people, "organisation": result.organisations}
    for key, entity in sorted(found.items(), key=lambda kv: (-kv[1].mentions, kv[1].first)):
        if key.startswith("?"):
            continue  # a lone surname never tied to a full name: too weak to publish
        group = groups.get(entity.kind, result.places)
        if len(group) < MAX_PER_KIND:
            group.append(entity)
    return result
