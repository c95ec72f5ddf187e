"""The official IPTC schemas from ../shared/standards, loaded offline (shared with the
format tests, which own the loaders)."""

from __future__ import annotations

from typing import Any

from tests.formats.formats_support import ninjs_errors, xsd_errors

__all__ = ["ninjs3_errors", "xsd_errors"]


def ninjs3_errors(item: dict[str, Any]) -> list[str]:
    """Schema violations of a ninjs 3.1 item (skips the test where the schemas are absent)."""
    return ninjs_errors("3.1", item)
