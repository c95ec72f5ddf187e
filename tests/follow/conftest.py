"""No agent subprocess outlives its test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.follow.helpers import RUNNING


@pytest.fixture(autouse=True)
def _reap_agents() -> Iterator[None]:
    yield
    while RUNNING:
        proc = RUNNING.pop()
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
