"""Fixtures for the format tests (kept free of the database fixtures)."""

from __future__ import annotations

import pytest
from formats_support import sample_items

from newswire.model import Item


@pytest.fixture(scope="session")
def items() -> dict[str, Item]:
    """The hand-written test items, by name."""
    return sample_items()
