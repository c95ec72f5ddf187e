"""The follower: the one process per node that feeds the index from the wire log.

Publishes, updates and corrections replace the document of their uri with that
version; kills delete it; embargoed versions wait for their release event, which
carries the version to index. Each page of the log is applied and committed as one
batch, and the seq is stored in the index, so a restart resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from newswire.delivery.notifier import WireNotifier
from newswire.errors import Unavailable
from newswire.model import EventKind
from newswire.search.index import (
    IndexWriter,
    WriterBusy,
    current_generation,
    new_generation,
    publish_generation,
    remove_old_generations,
)
from newswire.store.database import Database
from newswire.store.events import Entry, read_events

__all__ = ["apply_entries", "run_search_follower"]

log = logging.getLogger(__name__)
BATCH = 500
COMMIT_PAUSE = 0.2  # seconds; search may trail the wire by this much
_BUSY_RETRY = 5.0


def apply_entries(writer: IndexWriter, entries: list[Entry]) -> None:
    """Apply wire-log entries to the index, oldest first (without committing)."""
    for entry in entries:
        event, state = entry.event, entry.state
        if event.kind is EventKind.KILL:
            writer.delete(event.uri)
        elif event.embargoed:
            continue  # the release event brings it in
        elif state.killed or state.released_at is None or state.item.pub_status == "withheld":
            writer.delete(event.uri)
        else:
            writer.replace(state, state.released_at)


async def _open_writer(index_dir: Path) -> IndexWriter:
    """The writer of the served generation; of a new, unserved one when none is served."""
    generation = current_generation(index_dir)
    if generation is None:  # a new node, a new schema version, or a lost folder
        generation = await asyncio.to_thread(new_generation, index_dir, first=True)
    writer = await asyncio.to_thread(IndexWriter, generation)
    await asyncio.to_thread(remove_old_generations, index_dir)
    return writer


async def _follow(db: Database, notifier: WireNotifier, index_dir: Path) -> None:
    """Apply the log to the served generation until a reindex replaces it.

    A generation built from scratch is served only once it has caught up with the log,
    so no search ever counts from half an index (searches answer 503 meanwhile).
    """
    writer = await _open_writer(index_dir)
    try:
        while current_generation(index_dir) in (writer.generation, None):
            page = await read_events(db, writer.seq, BATCH, datetime.now(UTC))
            if page.entries or page.next != writer.seq:
                await asyncio.to_thread(_apply_page, writer, page.entries, page.next)
            caught_up = len(page.entries) < BATCH
            if caught_up and current_generation(index_dir) is None:
                await asyncio.to_thread(_serve, index_dir, writer)
            if caught_up and notifier.latest <= writer.seq:
                await notifier.wait(1.0)
                # Gather what else arrives before the next commit: one commit per burst,
                # not per story, keeps the index's cost off the publishing path.
                await asyncio.sleep(COMMIT_PAUSE)
    finally:
        await asyncio.to_thread(writer.close)


def _apply_page(writer: IndexWriter, entries: list[Entry], next_seq: int) -> None:
    apply_entries(writer, entries)
    writer.commit(next_seq)


def _serve(index_dir: Path, writer: IndexWriter) -> None:
    writer.commit(writer.seq)  # an empty log still needs a committed index to serve
    publish_generation(index_dir, writer.generation)
    remove_old_generations(index_dir)  # an older schema version's, say
    log.info("search index built up to seq %d; now served", writer.seq)


async def run_search_follower(db: Database, notifier: WireNotifier, index_dir: Path) -> None:
    """Keep the index at `index_dir` up to date with the wire log; runs until cancelled.

    When another process on this node already writes the index, this one waits and
    takes over if that process stops.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    while True:
        try:
            await _follow(db, notifier, index_dir)
        except asyncio.CancelledError:
            raise
        except WriterBusy:
            await asyncio.sleep(_BUSY_RETRY)
        except (Unavailable, psycopg.Error, OSError, ValueError) as err:
            log.warning("search follower paused (%s); retrying", err)
            await asyncio.sleep(1.0)
