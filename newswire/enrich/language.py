"""Language identification with py3langid's bundled model (offline, about 1 ms)."""

from __future__ import annotations

import py3langid

__all__ = ["detect_language"]


def detect_language(text: str) -> str | None:
    """An ISO 639-1 code for the text, or None when there is too little text to tell."""
    if len(text.strip()) < 3:
        return None
    code, _ = py3langid.classify(text)
    return str(code)
