"""Known entities and their aliases: the built-in gazetteer plus the agency's own catalogue.

Recognition looks every candidate up here first, so a catalogue entry always beats
the statistical model (a defence company tagged PERSON by spaCy comes out as an
organisation once it is known). The agency's catalogue (admin API and CLI, later)
passes its rows in as `KnownEntity` values; they override built-in aliases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from hashlib import blake2b
from typing import Literal

from newswire.enrich.gazetteer import ORGANISATIONS, PEOPLE, PLACES

__all__ = ["Catalogue", "EntityKind", "KnownEntity", "builtin_catalogue", "entity_uri", "slug"]

EntityKind = Literal["person", "organisation", "place"]
_FOLD = str.maketrans({"ı": "i", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "æ": "ae", "œ": "oe"})
_NON_SLUG = re.compile(r"[^a-z0-9]+")
_MIN_STEM = 5
_ADJECTIVE_ENDINGS = ("n", "ns", "er", "ese", "i")
# Letters a two-letter case ending is made of (Russian instrumental -ой/-ей, Latin vowels).
_CASE_ENDING_LETTERS = set("aeiouyаеёиоуыэюяйм")


@dataclass(frozen=True)
class KnownEntity:
    """One catalogue row: a kind, a canonical name, aliases and optionally a fixed uri."""

    kind: EntityKind
    name: str
    aliases: tuple[str, ...] = ()
    uri: str | None = None

    def identifier(self) -> str:
        """The entity's stable uri."""
        return self.uri or entity_uri(self.kind, self.name)


@dataclass
class Catalogue:
    """Aliases to known entities; exact (case-sensitive for acronyms) and stem look-ups."""

    entities: list[KnownEntity] = field(default_factory=list)
    _exact: dict[str, KnownEntity] = field(default_factory=dict, init=False)
    _stems: dict[str, KnownEntity] = field(default_factory=dict, init=False)
    longest: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        for entity in self.entities:
            self._index(entity)

    def add(self, entities: Iterable[KnownEntity]) -> Catalogue:
        """A new catalogue with these entities added; theirs win over existing aliases."""
        return Catalogue([*self.entities, *entities])

    def lookup(self, phrase: str) -> KnownEntity | None:
        """The entity a phrase names, trying inflected forms (Türkiye'nin, России) too."""
        key = _key(phrase)
        found = self._exact.get(key)
        if found is None and key.lower() != key:
            found = self._exact.get(key.lower())
        if found is not None or " " in key or len(key) < _MIN_STEM:
            return found
        bare = re.split("['’]", key, maxsplit=1)[0]
        if bare != key:
            return self.lookup(bare)
        low = key.lower()
        if low.endswith(_ADJECTIVE_ENDINGS):  # Russian, Syrian, Berliner: not the place
            return None
        for cut in (1, 2):
            stem = low[:-cut]
            if cut == 2 and not set(low[-2:]) <= _CASE_ENDING_LETTERS:
                continue  # Europol is not an inflected Europe; Москвой is Москва
            found = self._exact.get(stem) or self._stems.get(stem)
            if found is not None:
                return found
        return None

    def _index(self, entity: KnownEntity) -> None:
        for alias in (entity.name, *entity.aliases):
            key = _key(alias)
            # Acronyms (UN, AP, US) match only in capitals; other names in any case.
            self._exact[key if _is_acronym(key) else key.lower()] = entity
            if not _is_acronym(key) and " " not in key and len(key) >= _MIN_STEM:
                self._stems[key.lower()[:-1]] = entity
            self.longest = max(self.longest, key.count(" ") + 1)


def slug(name: str) -> str:
    """An ASCII slug of a name; a short hash where the script has no Latin letters."""
    folded = unicodedata.normalize("NFKD", name.translate(_FOLD).lower())
    ascii_text = folded.encode("ascii", "ignore").decode()
    text = _NON_SLUG.sub("-", ascii_text).strip("-")
    letters = sum(ch.isalpha() for ch in name)
    if not text or len(text.replace("-", "")) * 2 < letters:
        return "h-" + blake2b(name.lower().encode(), digest_size=6).hexdigest()
    return text


def entity_uri(kind: EntityKind, name: str) -> str:
    """The stable id of an entity that the catalogue does not hold under its own uri."""
    return f"urn:newswire:entity:{kind}:{slug(name)}"


@cache
def builtin_catalogue() -> Catalogue:
    """The gazetteer shipped with newswire: countries, cities, well-known organisations."""
    rows: list[KnownEntity] = []
    for kind, table in (("place", PLACES), ("organisation", ORGANISATIONS), ("person", PEOPLE)):
        entries: list[list[str]] = []
        for line in table.strip().splitlines():
            names = [n.strip() for n in line.split("|") if n.strip()]
            if line.startswith("|") and entries:
                entries[-1].extend(names)
            elif names:
                entries.append(names)
        rows.extend(KnownEntity(kind, e[0], tuple(e[1:])) for e in entries)  # type: ignore[arg-type]
    return Catalogue(rows)


def _key(phrase: str) -> str:
    return " ".join(phrase.replace("’", "'").split()).rstrip(".,;:") if phrase else ""


def _is_acronym(key: str) -> bool:
    letters = [ch for ch in key if ch.isalpha()]
    return len(letters) <= 5 and all(ch.isupper() for ch in letters) and bool(letters)
