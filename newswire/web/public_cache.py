"""A small in-process cache for the public site, so a front page survives a traffic spike.

An entry lives a few seconds at most, and no longer than the wire log stands still: an
entry made when the notifier's newest sequence number was N is dropped as soon as the
notifier announces a later one (a publish, an update, a release or a kill). So a kill
leaves every cached list within the time the notification takes to arrive, and the
time-to-live bounds what no event announces (a public delay running out). Concurrent
misses on one key wait for a single render instead of each rendering it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["TtlCache"]

V = TypeVar("V")
Key = tuple[str, ...]


@dataclass(frozen=True)
class _Entry(Generic[V]):
    value: V
    seq: int | None
    expires: float


class TtlCache(Generic[V]):
    """Values by key for `ttl` seconds, tied to the wire log's head when made with a `seq`."""

    def __init__(
        self,
        ttl: float = 5.0,
        max_entries: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._entries: dict[Key, _Entry[V]] = {}
        self._inflight: dict[Key, asyncio.Task[V]] = {}

    async def get(self, key: Key, seq: int | None, make: Callable[[], Awaitable[V]]) -> V:
        """The cached value for `key`, or `make()`'s, stored unless the log moved meanwhile.

        `seq` is the newest sequence number the caller knows of; None ties the value
        to time alone (content that a later event cannot change, such as one version).
        """
        entry = self._entries.get(key)
        now = self._clock()
        if entry is not None and entry.expires > now and entry.seq in (None, seq):
            return entry.value
        task = self._inflight.get(key)
        if task is None:
            # The render runs as its own task: a client that hangs up does not cancel
            # it for the others waiting on the same key.
            task = asyncio.create_task(self._make(key, seq, make))
            task.add_done_callback(_retrieve)
            self._inflight[key] = task
        return await asyncio.shield(task)

    async def _make(self, key: Key, seq: int | None, make: Callable[[], Awaitable[V]]) -> V:
        try:
            value = await make()
            self._store(key, _Entry(value, seq, self._clock() + self._ttl))
            return value
        finally:
            del self._inflight[key]

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()

    def _store(self, key: Key, entry: _Entry[V]) -> None:
        if len(self._entries) >= self._max:
            now = self._clock()
            self._entries = {k: e for k, e in self._entries.items() if e.expires > now}
            if len(self._entries) >= self._max:
                self._entries.clear()
        self._entries[key] = entry


def _retrieve(task: asyncio.Task[object]) -> None:
    """Mark a failed render's error as seen; the callers that awaited it raised it."""
    if not task.cancelled():
        task.exception()
