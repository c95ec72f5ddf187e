"""Each process LISTENs on one PostgreSQL channel; waiters wake when the log grows."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import psycopg

from newswire.store.events import CHANNEL

__all__ = ["WireNotifier"]

log = logging.getLogger(__name__)


class WireNotifier:
    """Tracks the newest sequence number announced on the wire channel."""

    def __init__(self, url: str) -> None:
        self._url = url
        self.latest = 0
        self._changed = asyncio.Event()
        self.connected = asyncio.Event()

    async def run(self) -> None:
        """Listen until cancelled, reconnecting with a short pause after failures."""
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except (psycopg.Error, OSError) as err:
                log.warning("wire notifier lost the database (%s); reconnecting", err)
                self.connected.clear()
                self._wake()  # waiters re-read the log rather than trust a stale wait
                await asyncio.sleep(1.0)

    async def _listen(self) -> None:
        conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
        async with conn:
            await conn.execute(f"LISTEN {CHANNEL}")
            self.connected.set()
            async for note in conn.notifies():
                with contextlib.suppress(ValueError):
                    self.latest = max(self.latest, int(note.payload))
                self._wake()

    def _wake(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def wait(self, timeout: float) -> None:
        """Return at the next announcement, or after `timeout` seconds."""
        changed = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), timeout)

    async def wait_past(self, seen: int, wake: asyncio.Event, timeout: float) -> None:
        """Return when the log grows past `seen`, `wake` is set, or `timeout` seconds pass
        (a worker's nap: its own deliveries finishing set `wake`)."""
        waiters = [
            asyncio.create_task(self.wait(timeout)),
            asyncio.create_task(wake.wait()),
        ]
        await asyncio.sleep(0)  # the waiters start: an announcement from now on wakes us
        if self.latest == seen and not wake.is_set():
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in waiters:
            task.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
