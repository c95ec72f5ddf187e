"""Stream fan-out: read each new event once, render it once per (view, format), and write
the same encoded bytes straight to every matching connection's socket.

Connections are grouped by what decides their bytes: the viewer's plan, the stream's
own filter and the format. A lane holds the groups that share a delay (0 for live
plans); each lane follows the wire log with one cursor. No task and no queue exist
per connection: a connection is a socket, a last-sent sequence number and a key id.
A client that cannot keep up has its socket closed once its kernel-side buffer passes
a bound; it resumes with `Last-Event-ID` from the log, so nothing is lost.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from newswire import formats, gate
from newswire.delivery.notifier import WireNotifier
from newswire.delivery.sse import HEARTBEAT, chunked, error_frame, event_frame
from newswire.delivery.usage_counter import UsageCounter
from newswire.errors import Unavailable
from newswire.metrics import DELIVERIES, DELIVERY_LATENCY, WIRE_EVENTS
from newswire.model import EventKind, ItemState, Viewer, ViewerKind
from newswire.store.database import Database
from newswire.store.events import Entry, head_at, read_events
from newswire.store.keys import revoked_keys
from newswire.store.sessions import ended_sessions

__all__ = ["RUNNING_HUBS", "Connection", "Group", "Hub", "Lane", "StreamFilter"]

Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
_SIGNALS: dict[EventKind, str | None] = {
    EventKind.PUBLISH: None,
    EventKind.RELEASE: None,
    EventKind.UPDATE: "update",
    EventKind.CORRECTION: "correction",
    EventKind.KILL: "kill",
}

log = logging.getLogger(__name__)

MAX_BUFFER = 512 * 1024  # bytes a client may fall behind before it is cut off
HEARTBEAT_EVERY = 15.0
KEY_CHECK_EVERY = 10.0
BATCH = 1000
USAGE_KIND = "delivery:stream"
_STREAM_DELIVERIES = DELIVERIES.labels("stream")
_STREAM_LATENCY = DELIVERY_LATENCY.labels("stream")

Transport = Any  # asyncio.Transport; typed loosely because servers hand us their own


@dataclass(frozen=True)
class StreamFilter:
    """A stream's own narrowing inside its plan (None means no narrowing)."""

    products: frozenset[str] | None = None
    languages: frozenset[str] | None = None
    types: frozenset[str] | None = None
    max_urgency: int | None = None

    def matches(self, kind: EventKind, state: ItemState) -> bool:
        """Whether the entry passes the filter; kills skip the urgency test."""
        item = state.item
        if self.products is not None and not self.products & state.products:
            return False
        if self.languages is not None and (item.language or "") not in self.languages:
            return False
        if self.types is not None and (item.type or "text") not in self.types:
            return False
        if self.max_urgency is not None and kind is not EventKind.KILL:
            return item.urgency is not None and item.urgency <= self.max_urgency
        return True


class Connection:
    """One stream client: its socket, where it stands in the log, and its key or session."""

    __slots__ = (
        "chunked",
        "closed",
        "key_id",
        "last_seq",
        "sent",
        "session_id",
        "subscriber_id",
        "transport",
    )

    def __init__(
        self,
        transport: Transport,
        key_id: int,
        last_seq: int,
        chunked: bool,
        subscriber_id: int | None = None,
        session_id: str | None = None,
    ) -> None:
        self.transport = transport
        self.key_id = key_id  # 0: opened by a page session (the portal), not by a key
        self.last_seq = last_seq
        self.chunked = chunked
        self.closed = False
        self.subscriber_id = subscriber_id
        self.session_id = session_id  # the portal's login session, checked like keys
        self.sent = 0  # events written since usage was last collected

    def write(self, plain: bytes, framed: bytes) -> None:
        """Write one frame; cut the client off when it has fallen too far behind."""
        if self.closed:
            return
        try:
            self.transport.write(framed if self.chunked else plain)
        except RuntimeError:  # uvloop refuses writes to a transport that has closed
            self.closed = True
            return
        if self.transport.get_write_buffer_size() > MAX_BUFFER:
            log.info("stream client fell %d bytes behind; closing it", MAX_BUFFER)
            self.close()

    def close(self) -> None:
        """Drop the connection at once (the client resumes from the log)."""
        self.closed = True
        self.transport.abort()


@dataclass
class Group:
    """Connections that receive identical bytes: same viewer, filter and format."""

    viewer: Viewer
    filter: StreamFilter
    format: str
    connections: set[Connection] = field(default_factory=set)
    last_sent: float = field(default_factory=time.monotonic)


@dataclass
class Lane:
    """Groups that share a delay, following the wire log with one cursor."""

    delay: timedelta
    position: int
    groups: dict[tuple[Any, ...], Group] = field(default_factory=dict)

    def horizon(self) -> datetime:
        """The newest event time this lane may deliver."""
        return datetime.now(UTC) - self.delay


# Hubs running in this process, so the server can close their streams at shutdown
# instead of waiting for clients that never finish on their own.
RUNNING_HUBS: set[Hub] = set()


class Hub:
    """Every stream connection of this process, fed from the wire log."""

    def __init__(self, db: Database, notifier: WireNotifier, provider: str) -> None:
        self.db = db
        self.notifier = notifier
        self.provider = provider
        self.lanes: dict[timedelta, Lane] = {}
        self._groups: dict[tuple[Any, ...], Group] = {}
        self._lane_lock = asyncio.Lock()
        self.heartbeat_every = HEARTBEAT_EVERY
        self.key_check_every = KEY_CHECK_EVERY
        self.usage: UsageCounter | None = None  # counts deliveries per subscriber

    async def lane(self, delay: timedelta) -> Lane:
        """The lane for a delay, created at the log's position for that delay."""
        async with self._lane_lock:
            if delay not in self.lanes:
                position = await head_at(self.db, datetime.now(UTC) - delay)
                self.lanes[delay] = Lane(delay, position)
            return self.lanes[delay]

    @staticmethod
    def group_key(viewer: Viewer, stream_filter: StreamFilter, fmt: str) -> tuple[Any, ...]:
        """What makes two connections receive the same bytes."""
        return (viewer.kind, viewer.plan, stream_filter, fmt)

    def group(self, viewer: Viewer, stream_filter: StreamFilter, fmt: str) -> Group:
        """The one group for these settings, so connections share its viewer and plan."""
        key = self.group_key(viewer, stream_filter, fmt)
        found = self._groups.get(key)
        if found is None:
            found = self._groups[key] = Group(viewer, stream_filter, fmt)
        return found

    def detach(self, lane: Lane, key: tuple[Any, ...], conn: Connection) -> None:
        """Forget a connection; empty groups go too."""
        self._count(conn)
        group = lane.groups.get(key)
        if group is not None:
            group.connections.discard(conn)
            if not group.connections:
                del lane.groups[key]
                self._groups.pop(key, None)

    def connection_count(self) -> int:
        """Open stream connections in this process."""
        return sum(len(g.connections) for lane in self.lanes.values() for g in lane.groups.values())

    def frame(self, entry: Entry, view: gate.View, group: Group) -> bytes:
        """The SSE frame of one entry in a view and format."""
        item = gate.render(entry.state, view, group.viewer)
        products = entry.state.products
        if group.viewer.kind is ViewerKind.SUBSCRIBER and group.viewer.plan is not None:
            products = products & group.viewer.plan.products
        kind = entry.event.kind
        body = formats.render(
            group.format,
            item,
            signal=_SIGNALS[kind],
            products=sorted(products),
            provider=self.provider,
        )
        return event_frame(entry.event.seq, kind.value, body.decode())

    async def serve(
        self, conn: Connection, group: Group, delay: timedelta, send: Send, receive: Receive
    ) -> None:
        """Catch a new connection up from the log, then keep it live until it goes away."""
        lane = await self.lane(delay)
        key = self.group_key(group.viewer, group.filter, group.format)
        if conn.last_seq < 0:
            conn.last_seq = lane.position
        while conn.last_seq < lane.position:
            await self._catch_up(conn, group, lane, send)
        # No await since the check above: the hub cannot deliver an event in between.
        group = lane.groups.setdefault(key, group)
        self._groups.setdefault(key, group)
        group.connections.add(conn)
        try:
            while (await receive())["type"] != "http.disconnect":
                pass
        finally:
            self.detach(lane, key, conn)

    async def _catch_up(self, conn: Connection, group: Group, lane: Lane, send: Send) -> None:
        """Send one page of the log the connection has not seen, with back-pressure."""
        page = await read_events(self.db, conn.last_seq, 500, lane.horizon(), group.viewer.plan)
        now = datetime.now(UTC)
        for entry in page.entries:
            if not group.filter.matches(entry.event.kind, entry.state):
                continue
            view = gate.decide_event(group.viewer, entry.event, entry.state, now)
            if view is not None:
                body = self.frame(entry, view, group)
                await send({"type": "http.response.body", "body": body, "more_body": True})
                conn.sent += 1
        conn.last_seq = max(conn.last_seq, page.next)

    async def run(self) -> None:
        """Follow the log until cancelled: deliver, send heartbeats, drop revoked keys."""
        await self.lane(timedelta(0))
        RUNNING_HUBS.add(self)
        try:
            await self._follow()
        finally:
            RUNNING_HUBS.discard(self)

    def close_all(self) -> None:
        """Close every stream (at shutdown); clients resume elsewhere with Last-Event-ID."""
        for lane in self.lanes.values():
            for group in lane.groups.values():
                for conn in group.connections:
                    conn.closed = True
                    conn.transport.close()

    async def _follow(self) -> None:
        last_heartbeat = last_key_check = time.monotonic()
        while True:
            try:
                for lane in list(self.lanes.values()):
                    await self._advance(lane)
                if time.monotonic() - last_key_check >= self.key_check_every:
                    last_key_check = time.monotonic()
                    await self._drop_ended()
                    self.collect_usage()
            except Unavailable as err:
                log.warning("stream fan-out waiting for the database: %s", err)
                await asyncio.sleep(1.0)
            if time.monotonic() - last_heartbeat >= self.heartbeat_every:
                last_heartbeat = time.monotonic()
                self._heartbeat()
            await self.notifier.wait(1.0)

    async def _advance(self, lane: Lane) -> None:
        while True:
            page = await read_events(self.db, lane.position, BATCH, lane.horizon())
            now = datetime.now(UTC)
            for entry in page.entries:
                self._deliver(lane, entry, now)
            lane.position = max(lane.position, page.next)
            if len(page.entries) < BATCH:
                return

    def _deliver(self, lane: Lane, entry: Entry, now: datetime) -> None:
        frames: dict[tuple[gate.View, str], tuple[bytes, bytes]] = {}
        seq, kind = entry.event.seq, entry.event.kind
        written = 0
        for group in list(lane.groups.values()):
            if not group.filter.matches(kind, entry.state):
                continue
            view = gate.decide_event(group.viewer, entry.event, entry.state, now)
            if view is None:
                continue
            frame = frames.get((view, group.format))
            if frame is None:
                plain = self.frame(entry, view, group)
                frame = frames[(view, group.format)] = (plain, chunked(plain))
            plain, framed = frame
            group.last_sent = time.monotonic()
            for conn in list(group.connections):  # the hot loop: keep it lean
                if conn.closed or conn.last_seq >= seq:
                    continue
                conn.last_seq = seq
                transport = conn.transport
                try:
                    transport.write(framed if conn.chunked else plain)
                except RuntimeError:  # uvloop refuses writes to a transport that has closed
                    conn.closed = True
                    continue
                conn.sent += 1
                written += 1
                if transport.get_write_buffer_size() > MAX_BUFFER:
                    conn.close()
        if not lane.delay:
            WIRE_EVENTS.labels(kind.value).inc()
            if written:
                _STREAM_DELIVERIES.inc(written)
                _STREAM_LATENCY.observe(
                    (datetime.now(UTC) - entry.event.created_at).total_seconds()
                )

    def _count(self, conn: Connection) -> None:
        if conn.sent and conn.subscriber_id is not None and self.usage is not None:
            self.usage.add(conn.subscriber_id, USAGE_KIND, conn.sent)
        conn.sent = 0

    def collect_usage(self) -> None:
        """Move every connection's delivery count to the usage counter (no I/O)."""
        for lane in self.lanes.values():
            for group in lane.groups.values():
                for conn in group.connections:
                    self._count(conn)

    def _heartbeat(self) -> None:
        """A comment to the connections of groups that had no event for a while."""
        framed = chunked(HEARTBEAT)
        quiet_since = time.monotonic() - self.heartbeat_every
        for lane in self.lanes.values():
            for group in lane.groups.values():
                if group.last_sent <= quiet_since:
                    group.last_sent = time.monotonic()
                    for conn in list(group.connections):
                        conn.write(HEARTBEAT, framed)

    async def _drop_ended(self) -> None:
        """Close streams whose key was revoked or whose page session ended (logout)."""
        conns = [
            c for lane in self.lanes.values() for g in lane.groups.values() for c in g.connections
        ]
        if not conns:
            return
        revoked = await revoked_keys(self.db, sorted({c.key_id for c in conns if c.key_id}))
        ended = await ended_sessions(self.db, sorted({c.session_id for c in conns if c.session_id}))
        for conn in conns:
            if conn.key_id in revoked:
                _close(conn, _KEY_REVOKED)
            elif conn.session_id is not None and conn.session_id in ended:
                _close(conn, _SESSION_ENDED)

    def end_session(self, session_id: str) -> None:
        """Close this process's streams of a page session now (logout); the sweep above
        finds them in every other process."""
        for lane in self.lanes.values():
            for group in lane.groups.values():
                for conn in list(group.connections):
                    if conn.session_id == session_id:
                        _close(conn, _SESSION_ENDED)


_KEY_REVOKED = error_frame("Unauthorized", "the API key was revoked; the stream is closed", 401)
_SESSION_ENDED = error_frame(
    "Unauthorized", "you signed out or your session ended; the stream is closed", 401
)


def _close(conn: Connection, frame: bytes) -> None:
    """Tell the client why, end the response properly, then close the connection."""
    conn.write(frame, chunked(frame))
    if conn.chunked and not conn.closed:
        conn.transport.write(b"0\r\n\r\n")  # the last chunk: the body ends here
    conn.transport.close()
    conn.closed = True
