"""Usage counted in memory and written to the daily counters every few seconds.

Hot paths (the stream fan-out, every API request) must not write to the database per
event: they add to this counter, and one task flushes the sums with `record_usage`.
Counts not yet flushed when a process is killed are lost: usage is for billing
reports and quotas, not for delivery, which the wire log guarantees.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

import psycopg

from newswire.errors import Unavailable
from newswire.store.database import Database
from newswire.store.usage import record_usage

__all__ = ["FLUSH_EVERY", "UsageCounter"]

log = logging.getLogger(__name__)
FLUSH_EVERY = 5.0


class UsageCounter:
    """Per-(subscriber, kind) counts waiting to be added to today's counters."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pending: Counter[tuple[int, str]] = Counter()

    def add(self, subscriber_id: int, kind: str, count: int = 1) -> None:
        """Count `count` more of `kind` for the subscriber (no I/O)."""
        self.pending[(subscriber_id, kind)] += count

    def waiting(self, subscriber_id: int, kind: str) -> int:
        """What is counted but not yet flushed."""
        return self.pending.get((subscriber_id, kind), 0)

    async def flush(self) -> int:
        """Write the pending counts; those that fail stay pending. Returns rows written."""
        batch, self.pending = self.pending, Counter()
        written = 0
        try:
            for (subscriber_id, kind), count in list(batch.items()):
                try:
                    await record_usage(self.db, subscriber_id, kind, count)
                    written += 1
                except psycopg.IntegrityError:
                    pass  # the subscriber was deleted meanwhile: nothing to count for
                del batch[(subscriber_id, kind)]
        finally:
            self.pending.update(batch)  # not written: counted again next time
        return written

    async def run(self, every: float = FLUSH_EVERY) -> None:
        """Flush every `every` seconds until cancelled, and once more when cancelled."""
        try:
            while True:
                await asyncio.sleep(every)
                try:
                    await self.flush()
                except (Unavailable, psycopg.Error) as err:
                    log.warning("usage counters wait for the database: %s", err)
        finally:
            try:
                await asyncio.wait_for(self.flush(), 2.0)
            except Exception as err:  # shutting down: report and go
                log.warning("usage counters not flushed at shutdown: %s", err)
