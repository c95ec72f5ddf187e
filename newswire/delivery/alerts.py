"""The alert matcher: every released version against every saved search, by percolation.

Each process runs one matcher. It holds the alerts in a `Percolator` (loaded at
start, refreshed by NOTIFY on `newswire_alerts` and by a look for new ids before
each page of the log), follows the wire log, and for each publish, update,
correction or release evaluates only the candidate alerts of that version. A
candidate fires when its subscriber's plan shows the version now (`gate.decide_event`:
entitlement, embargo, delay) and its query matches what that view shows (a summary
plan never matches body-only words). A match is recorded once per (alert, seq)
whichever node gets there first, and written as an `alert` event to this process's
stream connections of the subscriber; the webhook channel is drained by
`alert_webhooks`, the portal lists the recorded matches.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import psycopg

from newswire import gate
from newswire.delivery.fanout import Hub
from newswire.delivery.notifier import WireNotifier
from newswire.delivery.sse import chunked
from newswire.errors import Invalid, Unavailable
from newswire.model import EventKind, ItemState, Plan, Viewer, ViewerKind
from newswire.search.alerts import Percolator, SavedQuery, scope_for
from newswire.search.alerts_match import doc_terms
from newswire.search.filters import Filters
from newswire.search.query import parse
from newswire.store import alerts as store
from newswire.store.database import Database
from newswire.store.events import Entry, head_at, read_events

__all__ = ["AlertMatcher", "alert_frame", "filters_from_json", "saved_query"]

log = logging.getLogger(__name__)
_T = TypeVar("_T")
PAGE = 500
CACHE_FOR = 5.0  # seconds a subscriber's plan and keys are trusted without a new read
RELOAD_EVERY = 300.0  # seconds: a full reload heals anything a lost NOTIFY missed
_MATCHED = (EventKind.PUBLISH, EventKind.UPDATE, EventKind.CORRECTION, EventKind.RELEASE)
_FILTER_LISTS = (
    "products",
    "languages",
    "types",
    "urgency",
    "person",
    "organisation",
    "place",
    "topic",
)


def filters_from_json(data: dict[str, object]) -> Filters:
    """An alert's stored filters (lists of strings under `Filters`' names)."""
    values: dict[str, list[str]] = {}
    for name in _FILTER_LISTS:
        raw = data.get(name) or []
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise Invalid(f"filters.{name}: a list of strings")
        values[name] = [v for v in raw if v]
    return Filters(**values)  # type: ignore[arg-type]


def saved_query(alert: store.Alert) -> SavedQuery | None:
    """The percolator's form of a stored alert (None if its query holds no words)."""
    node = parse(alert.query)
    if node is None:
        return None
    return SavedQuery(
        id=alert.id,
        subscriber_id=alert.subscriber_id,
        name=alert.name,
        node=node,
        filters=filters_from_json(alert.filters),
        created_at=alert.created_at,
        channels=frozenset(alert.channels),
        after_seq=alert.after_seq,
    )


def alert_frame(data: dict[str, object]) -> bytes:
    """An SSE `alert` event. No `id:` line: it must not move the client's resume point."""
    return f"event: alert\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _headline(state: ItemState, view: gate.View, viewer: Viewer) -> str:
    item = gate.render(state, view, viewer)
    return " ".join(t.value for t in item.headlines or []) or (item.title or "")


class AlertMatcher:
    """This process's percolator, following the wire log."""

    def __init__(self, db: Database, notifier: WireNotifier, hub: Hub | None = None) -> None:
        self.db = db
        self.notifier = notifier
        self.hub = hub
        self.percolator = Percolator()
        self.loaded = asyncio.Event()
        self.matched = asyncio.Event()  # set after each recorded batch: wakes the webhook sender
        self._max_id = 0
        # Plans and keys change rarely: read once, kept for CACHE_FOR seconds, so the
        # path from a publish to its alert holds no database round trip for them.
        self._plans: dict[int, Plan | None] = {}
        self._keys: dict[int, int] = {}  # key id -> subscriber id
        self._keyed: set[int] = set()  # subscribers whose keys are in `_keys`
        self._cached_at = 0.0

    def _fresh(self, cache: dict[int, _T]) -> dict[int, _T]:
        """The cache, emptied (all of them) once they are CACHE_FOR seconds old."""
        now = time.monotonic()
        if now - self._cached_at > CACHE_FOR:
            self._plans.clear()
            self._keys.clear()
            self._keyed.clear()
            self._cached_at = now
        return cache

    def _add(self, alerts: list[store.Alert]) -> None:
        for alert in alerts:
            self._max_id = max(self._max_id, alert.id)
            try:
                query = saved_query(alert)
            except Invalid as err:  # stored before a parser change: skipped, said loudly
                log.warning("alert %d is not matched: %s", alert.id, err)
                continue
            if query is not None:
                self.percolator.add(query)

    async def reload(self) -> None:
        """Load every alert afresh."""
        alerts = await store.all_alerts(self.db)
        self.percolator.replace_all([])
        self._add(alerts)
        self.loaded.set()

    async def take_new(self) -> None:
        """Add alerts created since the last look."""
        self._add(await store.alerts_after(self.db, self._max_id))

    def note(self, payload: str) -> None:
        """Apply one NOTIFY payload: `-ID` forgets an alert (`+ID` is read by `take_new`)."""
        if payload.startswith("-") and payload[1:].isdigit():
            self.percolator.remove(int(payload[1:]))

    async def listen(self) -> None:
        """Follow alert changes until cancelled; reload after every (re)connection."""
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.db.url, autocommit=True)
                async with conn:
                    await conn.execute(f"LISTEN {store.ALERT_CHANNEL}")
                    await self.reload()
                    async for note in conn.notifies():
                        self.note(note.payload)
                        if note.payload.startswith("+"):
                            await self.take_new()
            except asyncio.CancelledError:
                raise
            except (psycopg.Error, OSError, Unavailable) as err:
                log.warning("alert listener lost the database (%s); reconnecting", err)
                await asyncio.sleep(1.0)

    async def run(self) -> None:
        """Listen for alert changes and match the wire log until cancelled."""
        listener = asyncio.create_task(self.listen(), name="alert-listener")
        try:
            await self.loaded.wait()
            await self.follow()
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def follow(self) -> None:
        """Match each new page of the log, and keep the shared cursor moving.

        Plans with a delay see an event only once it is that old: like the stream's
        lanes, each such delay follows the log with its own cursor and horizon.
        """
        cursor = await store.matcher_cursor(self.db)
        delayed: dict[int, int] = {}  # delay in minutes -> cursor
        last_reload = asyncio.get_running_loop().time()
        while True:
            try:
                page = await read_events(self.db, cursor, PAGE, datetime.now(UTC))
                if page.entries:
                    await self.take_new()
                    await self.deliver(page.entries)
                if page.next != cursor:
                    cursor = page.next
                    await store.advance_cursor(self.db, cursor)
                await self._follow_delayed(delayed)
                if asyncio.get_running_loop().time() - last_reload > RELOAD_EVERY:
                    last_reload = asyncio.get_running_loop().time()
                    await self.reload()
            except (Unavailable, psycopg.Error) as err:
                log.warning("alert matcher waiting for the database: %s", err)
                await asyncio.sleep(1.0)
                continue
            if len(page.entries) < PAGE and self.notifier.latest <= cursor:
                await self.notifier.wait(1.0)

    async def _follow_delayed(self, delayed: dict[int, int]) -> None:
        """One step of each delayed plan's lane (a new lane starts at its horizon)."""
        delays = await store.alert_delays(self.db)
        for minutes in list(delayed):
            if minutes not in delays:
                del delayed[minutes]
        for minutes in delays:
            horizon = datetime.now(UTC) - timedelta(minutes=minutes)
            if minutes not in delayed:
                delayed[minutes] = await head_at(self.db, horizon)
                continue
            page = await read_events(self.db, delayed[minutes], PAGE, horizon)
            if page.entries:
                await self.take_new()
                await self.deliver(page.entries, minutes)
            delayed[minutes] = page.next

    async def deliver(self, entries: list[Entry], delay: int = 0) -> list[store.NewMatch]:
        """Match entries for plans of this delay, record the matches and push them."""
        found, frames = await self.match(entries, delay)
        if frames and self.hub is not None:
            await self._push(frames)  # first: a live client should not wait for the insert
        if found:
            await store.record_matches(self.db, found)
            self.matched.set()
        return found

    async def match(
        self, entries: list[Entry], delay: int = 0
    ) -> tuple[list[store.NewMatch], dict[int, list[bytes]]]:
        """The matches of these entries for plans of this delay, and stream frames."""
        found: list[store.NewMatch] = []
        frames: dict[int, list[bytes]] = defaultdict(list)
        plans = self._fresh(self._plans)
        now = datetime.now(UTC)
        for entry in entries:
            event, state = entry.event, entry.state
            if event.kind not in _MATCHED or event.embargoed or state.killed:
                continue  # embargoed versions are matched by their release event
            if state.released_at is None or state.item.pub_status == "withheld":
                continue
            try:
                await self._match_entry(entry, delay, plans, now, found, frames)
            except (Unavailable, psycopg.Error):
                raise  # the page is read again once the database answers
            except Exception:  # one story must not stop every alert: loud, and skipped
                log.exception("alert matching failed for seq %d; skipped", event.seq)
        return found, frames

    async def _match_entry(
        self,
        entry: Entry,
        delay: int,
        plans: dict[int, Plan | None],
        now: datetime,
        found: list[store.NewMatch],
        frames: dict[int, list[bytes]],
    ) -> None:
        """Match one released version; adds to `found` and `frames`."""
        event, state = entry.event, entry.state
        doc = doc_terms(state)
        candidates = [
            q
            for q in self.percolator.candidates(doc)
            if q.after_seq < event.seq  # a new alert does not look back
        ]
        missing = sorted({q.subscriber_id for q in candidates} - plans.keys())
        if missing:
            plans |= await store.subscriber_plans(self.db, missing)
            plans |= {sub: None for sub in missing if sub not in plans}
        for query in candidates:
            plan = plans.get(query.subscriber_id)
            if plan is None or plan.delay_minutes != delay:
                continue  # a delayed plan's lane matches it when the event is old enough
            viewer = Viewer(ViewerKind.SUBSCRIBER, plan=plan)
            view = gate.decide_event(viewer, event, state, now)
            if view not in (gate.View.FULL, gate.View.SUMMARY):
                continue
            scope = scope_for(query, plan.languages, view is gate.View.FULL, plan.products)
            if not Percolator.matches(query, doc, scope):
                continue
            headline = _headline(state, view, viewer)
            found.append(
                store.NewMatch(
                    query.id, event.seq, event.uri, headline, "webhook" in query.channels
                )
            )
            if "stream" in query.channels:
                data = {
                    "alert_id": query.id,
                    "name": query.name,
                    "seq": event.seq,
                    "uri": event.uri,
                    "headline": headline,
                }
                frames[query.subscriber_id].append(alert_frame(data))

    async def _push(self, frames: dict[int, list[bytes]]) -> None:
        """Write alert frames to this process's stream connections of each subscriber."""
        assert self.hub is not None
        keys = self._fresh(self._keys)
        if not set(frames) <= self._keyed:
            keys |= await store.live_keys(self.db, sorted(frames))
            self._keyed |= set(frames)
        for lane in list(self.hub.lanes.values()):
            for group in list(lane.groups.values()):
                for conn in list(group.connections):
                    subscriber = keys.get(conn.key_id)
                    if subscriber is None:
                        continue
                    for plain in frames[subscriber]:
                        conn.write(plain, chunked(plain))
