"""A near-duplicate fingerprint: 64-bit SimHash over word shingles (pure; storage comes later).

numpy (already required by py3langid) counts the bit columns: ~20x a Python loop.

Two versions of a story that differ by a corrected figure or a reworded sentence
land a few bits apart (7 for two changed figures in 300 words); unrelated stories
land about 32 apart, and a random pair is within 10 bits once in 10^8. Compare with
`hamming` and flag a near-duplicate at `NEAR_DUPLICATE_BITS` or fewer.
"""

from __future__ import annotations

import re
from hashlib import blake2b

import numpy as np

__all__ = ["NEAR_DUPLICATE_BITS", "fingerprint", "hamming", "is_near_duplicate"]

NEAR_DUPLICATE_BITS = 10
_BITS = 64
_SHINGLE = 3
_WORD = re.compile(r"\w+")


def fingerprint(text: str) -> int:
    """The SimHash of a text's three-word shingles (lower-cased, punctuation ignored)."""
    words = _WORD.findall(text.lower())
    if not words:
        return 0
    shingles = [" ".join(words[i : i + _SHINGLE]) for i in range(max(1, len(words) - 2))]
    digests = b"".join(blake2b(s.encode(), digest_size=_BITS // 8).digest() for s in set(shingles))
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(-1, _BITS)
    majority = bits.sum(axis=0) * 2 > bits.shape[0]
    return int.from_bytes(np.packbits(majority).tobytes(), "big")


def hamming(a: int, b: int) -> int:
    """How many bits two fingerprints differ in."""
    return (a ^ b).bit_count()


def is_near_duplicate(a: int, b: int, max_bits: int = NEAR_DUPLICATE_BITS) -> bool:
    """Whether two fingerprints are close enough to call the stories near-duplicates."""
    return hamming(a, b) <= max_bits
