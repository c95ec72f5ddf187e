"""Rebuild the search index from the wire log, beside the one being served.

The new generation is filled from the whole log, committed, and then swapped in
atomically; a running server's follower moves over to it and continues from the
seq it was built to, so `newswire reindex` works while the server runs.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

from newswire.search.follower import apply_entries
from newswire.search.index import (
    IndexWriter,
    new_generation,
    publish_generation,
    remove_old_generations,
)
from newswire.store.database import Database
from newswire.store.events import head, read_events

__all__ = ["reindex"]

PAGE = 1000


async def reindex(db: Database, index_dir: Path, *, progress: bool = True) -> int:
    """Build a fresh index from the wire log and serve it; returns how many items it holds."""
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = await asyncio.to_thread(new_generation, index_dir)
    writer = await asyncio.to_thread(IndexWriter, generation)
    top = await head(db)
    cursor = 0
    try:
        with tqdm(total=top, unit="event", desc="reindex", disable=not progress) as bar:
            while True:
                page = await read_events(db, cursor, PAGE, datetime.now(UTC))
                await asyncio.to_thread(apply_entries, writer, page.entries)
                bar.update(max(0, min(page.next, top) - min(cursor, top)))
                if not page.entries:
                    break
                cursor = page.next
        await asyncio.to_thread(writer.commit, cursor)
        count = writer.num_docs()
    except BaseException:
        await asyncio.to_thread(writer.close)
        shutil.rmtree(generation, ignore_errors=True)
        raise
    await asyncio.to_thread(writer.close)
    publish_generation(index_dir, generation)
    await asyncio.to_thread(remove_old_generations, index_dir)
    return count
