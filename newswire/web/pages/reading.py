"""What the pages read, always through the gate with the same viewer the API would use.

A portal user reads as its subscriber's plan (exactly what the subscriber's API key
would get); the desk reads as the editor viewer, or as a chosen subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from newswire import gate
from newswire.delivery.entries import visible_products
from newswire.delivery.fanout import StreamFilter
from newswire.errors import Invalid, NotFound
from newswire.model import DEFAULT_TYPES, EventKind, Item, Viewer, ViewerKind
from newswire.store import items, plans, subscribers
from newswire.store.database import Database
from newswire.store.events import head, read_events
from newswire.store.keys import KeyOwner
from newswire.web.pages.diff import Change, changes
from newswire.web.paths import checked_uri
from newswire.web.visible import visible_item

__all__ = [
    "Filters",
    "HistoryEntry",
    "WireRow",
    "history",
    "story",
    "subscriber_owner",
    "wire_rows",
]

WINDOW = 1000  # wire-log events read for the first screen of the live wire
PORTAL_KEY_ID = 0  # streams opened by a page session, not by an API key


@dataclass(frozen=True)
class Filters:
    """The portal's filters: one product, language, item type and a most-urgent bound."""

    product: str = ""
    language: str = ""
    type: str = ""
    urgency: int | None = None

    @classmethod
    def parse(cls, product: str, language: str, type_: str, urgency: str) -> Filters:
        """Checked filters from query values (empty means no narrowing)."""
        for name, value in (("product", product), ("language", language)):
            if len(value) > 63 or any(c in value for c in ", \x00"):
                raise Invalid(f"{name}: {value[:40]!r} is not a {name}")
        if type_ and type_ not in DEFAULT_TYPES:
            raise Invalid(f"type: {type_[:40]!r} is not one of {', '.join(DEFAULT_TYPES)}")
        level = None
        if urgency:
            if not urgency.isdigit() or not 1 <= int(urgency) <= 9:
                raise Invalid("urgency: must be a whole number from 1 to 9")
            level = int(urgency)
        return cls(product, language, type_, level)

    def stream_filter(self) -> StreamFilter:
        """The same narrowing as the live stream applies."""
        return StreamFilter(
            products=frozenset({self.product}) if self.product else None,
            languages=frozenset({self.language}) if self.language else None,
            types=frozenset({self.type}) if self.type else None,
            max_urgency=self.urgency,
        )

    def query(self) -> dict[str, str]:
        """The filters as stream query parameters."""
        values = {
            "products": self.product,
            "languages": self.language,
            "types": self.type,
            "urgency": "" if self.urgency is None else str(self.urgency),
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class WireRow:
    """One story on the live wire, as the viewer may see it."""

    seq: int
    event: str
    uri: str
    headline: str
    urgency: int | None
    language: str
    type: str
    products: list[str]
    view: str
    at: datetime | None
    ed_note: str = ""

    @property
    def flash(self) -> bool:
        """Urgency 1 and 2 stand out."""
        return self.urgency is not None and self.urgency <= 2


async def subscriber_owner(db: Database, subscriber_id: int) -> KeyOwner:
    """A subscriber as the API sees one of its keys: its plan decides what it sees."""
    found = await subscribers.subscriber(db, subscriber_id)
    return KeyOwner(
        key_id=PORTAL_KEY_ID,
        role="subscriber",
        subscriber_id=found.id,
        subscriber_name=found.name,
        plan=await plans.plan(db, found.plan),
    )


def _delay(viewer: Viewer) -> timedelta:
    return timedelta(minutes=viewer.plan.delay_minutes if viewer.plan else 0)


async def wire_rows(
    db: Database, viewer: Viewer, filters: Filters, limit: int = 60
) -> tuple[list[WireRow], int]:
    """The newest stories the viewer may see (one row per story), and the log position
    the live stream resumes after."""
    now = datetime.now(UTC)
    plan = viewer.plan if viewer.kind is ViewerKind.SUBSCRIBER else None
    cursor = max(0, await head(db) - WINDOW)
    latest: dict[str, WireRow] = {}
    narrowing = filters.stream_filter()
    while True:
        page = await read_events(db, cursor, 500, now - _delay(viewer), plan)
        for entry in page.entries:
            if not narrowing.matches(entry.event.kind, entry.state):
                continue
            view = gate.decide_event(viewer, entry.event, entry.state, now)
            if view is None:
                continue
            shown = gate.render(entry.state, view, viewer)
            products = visible_products(viewer, entry.state)
            latest.pop(entry.event.uri, None)  # re-inserted: the dict keeps wire order
            latest[entry.event.uri] = _row(entry.event.seq, entry.event.kind, shown, view, products)
        cursor = page.next
        if len(page.entries) < 500:
            break
    rows = list(reversed(latest.values()))[:limit]
    return rows, cursor


def _row(seq: int, kind: EventKind, shown: Item, view: gate.View, products: list[str]) -> WireRow:
    return WireRow(
        seq=seq,
        event=kind.value,
        uri=shown.uri or "",
        headline=shown.headline() or shown.title or shown.summary()[:120],
        urgency=shown.urgency,
        language=shown.language or "",
        type=shown.type or "text",
        products=products,
        view=view.value,
        at=shown.version_created,
        ed_note=(shown.ed_note or "") if view is gate.View.KILL_NOTICE else "",
    )


async def story(
    db: Database, viewer: Viewer, uri: str, version: int | None = None
) -> tuple[Item, gate.View, list[str]]:
    """The item as the viewer may see it (the API's `GET /v1/items/{uri}`), or NotFound."""
    found = await visible_item(db, viewer, uri, version)
    return found.item, found.view, found.products


@dataclass(frozen=True)
class HistoryEntry:
    """One visible version and what changed since the previous visible one."""

    version: int
    item: Item
    signal: str
    changes: list[Change] = field(default_factory=list)


async def history(db: Database, viewer: Viewer, uri: str) -> list[HistoryEntry]:
    """Every version the viewer may see, newest first, each with its changes."""
    try:
        states = await items.item_versions(db, checked_uri(uri))
    except NotFound:
        return []
    if states and states[-1].killed:
        states = states[-1:]  # after a kill, the history is only the kill notice
    now = datetime.now(UTC)
    shown: list[HistoryEntry] = []
    previous: Item | None = None
    for state in states:
        view = gate.decide(viewer, state, now)
        if view is None:
            continue
        item = gate.render(state, view, viewer)
        signal = "kill" if view is gate.View.KILL_NOTICE else ("publish" if not shown else "")
        shown.append(HistoryEntry(state.version, item, signal, changes(previous, item)))
        previous = item
    return list(reversed(shown))
