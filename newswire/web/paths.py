"""Checks on values that arrive in URL paths."""

from __future__ import annotations

from newswire.errors import Invalid

__all__ = ["checked_uri"]

MAX_URI = 500


def checked_uri(uri: str) -> str:
    """The item uri from a path, or `Invalid` when it cannot be one."""
    if not uri or len(uri) > MAX_URI or "\x00" in uri:
        raise Invalid(f"uri: must be 1 to {MAX_URI} characters with no NUL")
    return uri
