"""Fixtures for the operations tests."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def pg_home() -> Iterator[Path]:
    """A folder for a PostgreSQL the test starts and restarts itself.

    Outside pytest's own temporary root: a pytest starting beside this one resets that
    root to mode 0700, and the embedded server (running as its own user) could then
    no longer reach its data dir when the test restarts it.
    """
    folder = Path(tempfile.mkdtemp(prefix="newswire-ops-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
