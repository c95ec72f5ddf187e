"""The wire log under concurrent publishers: every reader sees every event once, in order."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from newswire.model import Item, Product, Text
from newswire.store.database import Database
from newswire.store.events import head, read_events
from newswire.store.items import kill_item, publish_item, update_item
from newswire.store.products import create_product
from tests.conftest import run_async

PUBLISHERS = 6
PER_PUBLISHER = 40
READERS = 4


def _item(n: int) -> Item:
    return Item(
        language="en", headlines=[Text(value=f"Story {n}")], bodies=[Text(value=f"<p>Body {n}</p>")]
    )


async def _scenario(url: str) -> tuple[set[int], list[list[int]]]:
    db = Database(url, size=PUBLISHERS + READERS + 2)
    await db.open()
    await create_product(db, Product("world", "World"))
    acknowledged: set[int] = set()
    done = asyncio.Event()

    async def publisher(p: int) -> None:
        rng = random.Random(p)
        for n in range(PER_PUBLISHER):
            result = await publish_item(db, _item(p * 1000 + n), ["world"])
            acknowledged.add(result.seq)
            if rng.random() < 0.2:
                upd = await update_item(db, result.uri, _item(n), None, "correction")
                acknowledged.add(upd.seq)
            if rng.random() < 0.1:
                acknowledged.add((await kill_item(db, result.uri, "test kill")).seq)

    async def reader(r: int) -> list[int]:
        rng = random.Random(100 + r)
        seen: list[int] = []
        cursor = 0
        while True:
            finished = done.is_set()
            horizon = datetime.now(UTC) + timedelta(seconds=5)
            page = await read_events(db, cursor, rng.randint(1, 7), horizon)
            seen.extend(entry.event.seq for entry in page.entries)
            cursor = page.next
            if finished and not page.entries and cursor >= await head(db):
                return seen
            await asyncio.sleep(rng.random() / 500)

    readers = [asyncio.create_task(reader(r)) for r in range(READERS)]
    await asyncio.gather(*(publisher(p) for p in range(PUBLISHERS)))
    done.set()
    seen = await asyncio.gather(*readers)
    await db.close()
    return acknowledged, list(seen)


def test_concurrent_publishers_and_readers_see_every_event_once_in_order(db_url: str) -> None:
    acknowledged, seen_by_readers = run_async(_scenario(db_url))
    assert len(acknowledged) >= PUBLISHERS * PER_PUBLISHER
    for seen in seen_by_readers:
        assert seen == sorted(seen), "a reader saw events out of order"
        assert len(seen) == len(set(seen)), "a reader saw an event twice"
        assert set(seen) == acknowledged, "a reader missed an acknowledged event"
