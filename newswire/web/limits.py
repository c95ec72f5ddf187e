"""Per-subscriber limits on requests: rate, daily quota, IP allow-list, stream caps.

Each process keeps its own counters: the rate limit (a fixed one-minute window) holds
per node, so N nodes behind a balancer admit up to N times the plan's rate in the
worst case; the daily quota adds this node's unflushed count to the shared daily
counter in PostgreSQL, re-read every few seconds, so it holds across nodes within a
few seconds' worth of requests.
"""

from __future__ import annotations

import ipaddress
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from newswire.delivery.usage_counter import UsageCounter
from newswire.errors import Forbidden, TooManyRequests
from newswire.store.database import Database
from newswire.store.keys import KeyOwner
from newswire.store.limits import SubscriberLimits, subscriber_limits
from newswire.store.usage import usage_today

__all__ = ["API_KIND", "STATE_KEY", "LimitHeaders", "Limiter", "StreamSlot", "client_address"]

API_KIND = "api"  # the usage counter of API requests, which the daily quota limits
STATE_KEY = "newswire_limit_headers"  # where admit's headers wait for the response
REFRESH = 5.0  # seconds a subscriber's limits and today's count are cached
STREAM_RETRY = 10


def client_address(scope: Scope) -> str | None:
    """The caller's address as the server sees it (after uvicorn's proxy headers)."""
    client = scope.get("client")
    return str(client[0]) if client else None


def _seconds_to_midnight(now: datetime) -> int:
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
    return int((midnight - now).total_seconds()) + 1


class Limiter:
    """This process's view of every subscriber's limits and counts."""

    def __init__(self, db: Database, usage: UsageCounter) -> None:
        self.db = db
        self.usage = usage
        self._limits: dict[int, tuple[float, SubscriberLimits]] = {}
        self._today: dict[int, tuple[float, date, int]] = {}  # flushed count, when read
        self._windows: dict[int, tuple[int, int]] = {}  # subscriber: (minute, requests)
        self.streams: Counter[int] = Counter()  # open streams per key

    async def limits(self, subscriber_id: int) -> SubscriberLimits:
        """A subscriber's limits, read at most every REFRESH seconds."""
        cached = self._limits.get(subscriber_id)
        if cached is not None and time.monotonic() - cached[0] < REFRESH:
            return cached[1]
        found = await subscriber_limits(self.db, subscriber_id)
        self._limits[subscriber_id] = (time.monotonic(), found)
        return found

    def forget(self) -> None:
        """Drop cached limits (after an admin changed them; other processes wait REFRESH)."""
        self._limits.clear()

    async def used_today(self, subscriber_id: int, today: date) -> int:
        """Requests counted today: the shared counter plus this node's unflushed ones."""
        cached = self._today.get(subscriber_id)
        if cached is None or cached[1] != today or time.monotonic() - cached[0] >= REFRESH:
            flushed = await usage_today(self.db, subscriber_id, API_KIND)
            cached = self._today[subscriber_id] = (time.monotonic(), today, flushed)
        return cached[2] + self.usage.waiting(subscriber_id, API_KIND)

    async def admit(self, owner: KeyOwner, address: str | None) -> dict[str, str]:
        """Count one request or refuse it; returns the limit headers for the answer."""
        if owner.role != "subscriber" or owner.subscriber_id is None:
            return {}
        sub = owner.subscriber_id
        limits = await self.limits(sub)
        self._check_address(limits, address)
        now = datetime.now(UTC)
        headers: dict[str, str] = {}
        plan = limits.plan
        minute, used = self._windows.get(sub, (0, 0))
        this_minute = int(now.timestamp() // 60)
        if minute != this_minute:
            minute, used = this_minute, 0
        reset = 60 - int(now.timestamp()) % 60
        if plan.rate_limit is not None:
            headers |= {
                "RateLimit-Limit": str(plan.rate_limit),
                "RateLimit-Remaining": str(max(0, plan.rate_limit - used - 1)),
                "RateLimit-Reset": str(reset),
            }
            if used >= plan.rate_limit:
                headers["RateLimit-Remaining"] = "0"
                raise TooManyRequests(
                    f"the plan allows {plan.rate_limit} requests a minute; retry in {reset} s",
                    reset,
                    headers,
                )
        if plan.daily_quota is not None:
            spent = await self.used_today(sub, now.date())
            until = _seconds_to_midnight(now)
            headers |= {
                "Quota-Limit": str(plan.daily_quota),
                "Quota-Remaining": str(max(0, plan.daily_quota - spent - 1)),
                "Quota-Reset": str(until),
            }
            if spent >= plan.daily_quota:
                headers["Quota-Remaining"] = "0"
                raise TooManyRequests(
                    f"the plan's daily quota of {plan.daily_quota} requests is used up;"
                    " it renews at midnight UTC",
                    until,
                    headers,
                )
        self._windows[sub] = (minute, used + 1)
        self.usage.add(sub, API_KIND)
        return headers

    @staticmethod
    def _check_address(limits: SubscriberLimits, address: str | None) -> None:
        if not limits.ip_allow:
            return
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            ip = None
        if ip is None or not any(ip in network for network in limits.ip_allow):
            raise Forbidden(
                f"requests from {address or 'an unknown address'} are not on this"
                " subscriber's IP allow-list"
            )

    async def reserve_stream(self, owner: KeyOwner) -> StreamSlot:
        """Take one of the key's stream connections (429 when none is free); the slot is
        given back when its `with` block ends."""
        cap = None
        if owner.role == "subscriber" and owner.subscriber_id is not None:
            cap = (await self.limits(owner.subscriber_id)).plan.stream_connections
        if cap is not None and self.streams[owner.key_id] >= cap:
            raise TooManyRequests(
                f"this key already has {cap} open streams, the plan's limit;"
                " close one or use another key",
                STREAM_RETRY,
            )
        self.streams[owner.key_id] += 1
        return StreamSlot(self.streams, owner.key_id)


class StreamSlot:
    """One open stream of a key, counted until the `with` block ends."""

    def __init__(self, streams: Counter[int], key_id: int) -> None:
        self._streams, self._key_id = streams, key_id

    def __enter__(self) -> StreamSlot:
        return self

    def __exit__(self, *_: object) -> None:
        self._streams[self._key_id] -= 1
        if self._streams[self._key_id] <= 0:
            del self._streams[self._key_id]


class LimitHeaders:
    """ASGI middleware: adds the headers `Limiter.admit` left in the request's state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = scope.get("state", {}).get(STATE_KEY)
                if extra:
                    message["headers"] = [
                        *message.get("headers", []),
                        *((k.lower().encode(), v.encode()) for k, v in extra.items()),
                    ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
