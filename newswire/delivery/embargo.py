"""The embargo scheduler: writes each release event at its time, exactly once.

Every server process may run it; `release_due` claims items with row locks, so a
release is never written twice, and releases that fell due while nothing ran are
written as soon as any process starts.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import psycopg

from newswire.errors import Unavailable
from newswire.store.database import Database
from newswire.store.items import next_embargo, release_due

__all__ = ["run_embargo_scheduler"]

log = logging.getLogger(__name__)
# The longest sleep between looks at the next due embargo: a story published with an
# embargo shorter than this is released at most this late.
MAX_SLEEP = 0.5


async def run_embargo_scheduler(db: Database) -> None:
    """Release due embargoes until cancelled."""
    while True:
        try:
            released = await release_due(db)
            if released:
                log.info("released %d embargoed items", len(released))
                continue
            due = await next_embargo(db)
        except (Unavailable, psycopg.Error) as err:
            log.warning("embargo scheduler waiting for the database: %s", err)
            await asyncio.sleep(1.0)
            continue
        except Exception:
            # Loud, and the scheduler lives on: a due release must never wait for a restart.
            log.exception("embargo scheduler step failed; trying again in 1 s")
            await asyncio.sleep(1.0)
            continue
        pause = MAX_SLEEP
        if due is not None:
            pause = min(MAX_SLEEP, max(0.0, (due - datetime.now(UTC)).total_seconds()))
        await asyncio.sleep(pause)
