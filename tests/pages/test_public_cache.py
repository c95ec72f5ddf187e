"""The public pages' cache: a few seconds at most, dropped when the wire log moves."""

from __future__ import annotations

import asyncio

import pytest

from newswire.errors import NotFound
from newswire.web.public_cache import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_and_follow_the_wire_log() -> None:
    clock = Clock()
    cache: TtlCache[int] = TtlCache(ttl=5, clock=clock)
    made = []

    async def make() -> int:
        made.append(1)
        return len(made)

    async def run() -> list[int]:
        got = [await cache.get(("front",), 7, make), await cache.get(("front",), 7, make)]
        got.append(await cache.get(("front",), 8, make))  # a new event: made again
        clock.now = 4.9
        got.append(await cache.get(("front",), 8, make))
        clock.now = 5.1  # past the time-to-live
        got.append(await cache.get(("front",), 8, make))
        got.append(await cache.get(("story", "v1"), None, make))
        got.append(await cache.get(("story", "v1"), 99, make))  # made without a seq: kept
        return got

    assert asyncio.run(run()) == [1, 1, 2, 2, 3, 4, 4]


def test_concurrent_misses_render_once_and_errors_are_not_kept() -> None:
    cache: TtlCache[str] = TtlCache()
    calls = []

    async def slow() -> str:
        calls.append("slow")
        await asyncio.sleep(0.05)
        return "page"

    async def missing() -> str:
        calls.append("missing")
        raise NotFound("no such page")

    async def run() -> list[str]:
        pages = await asyncio.gather(*(cache.get(("front",), 1, slow) for _ in range(50)))
        for _ in range(2):
            with pytest.raises(NotFound):
                await cache.get(("product", "nope"), 1, missing)
        return list(pages)

    assert asyncio.run(run()) == ["page"] * 50
    assert calls == ["slow", "missing", "missing"]


def test_the_cache_stays_bounded() -> None:
    cache: TtlCache[int] = TtlCache(max_entries=10)

    async def run() -> None:
        for n in range(25):

            async def make(n: int = n) -> int:
                return n

            await cache.get(("language", str(n)), 1, make)

    asyncio.run(run())
    assert len(cache._entries) <= 10
