"""A wire-log entry as a subscriber receives it in the feed and in webhook bodies."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from newswire import formats, gate
from newswire.model import Item, ItemState, Viewer, ViewerKind
from newswire.store.events import Entry

__all__ = ["feed_entry", "format_signal", "item_payload", "visible_products"]


def visible_products(viewer: Viewer, state: ItemState) -> list[str]:
    """The item's products a viewer may know of: a subscriber's within its plan."""
    if viewer.kind is ViewerKind.SUBSCRIBER and viewer.plan is not None:
        return sorted(state.products & viewer.plan.products)
    return sorted(state.products)


def format_signal(view: gate.View, signal: str | None) -> str | None:
    """The signal the XML formats carry: a kill notice's, else an update's or a correction's."""
    if view is gate.View.KILL_NOTICE:
        return "kill"
    return signal if signal in ("update", "correction") else None


def item_payload(
    fmt: str, item: Item, view: gate.View, products: list[str], signal: str | None = None
) -> Any:
    """The item for a JSON envelope: an object in ninjs, a string of XML otherwise."""
    if fmt == "ninjs3":
        return item.to_ninjs()
    rendered = formats.render(fmt, item, signal=format_signal(view, signal), products=products)
    return json.loads(rendered) if fmt == "ninjs2" else rendered.decode()


def feed_entry(
    viewer: Viewer, entry: Entry, now: datetime, fmt: str = "ninjs3"
) -> dict[str, Any] | None:
    """The entry {seq, event, view, products, item} the gate shows the viewer, or None."""
    view = gate.decide_event(viewer, entry.event, entry.state, now)
    if view is None:
        return None
    products = visible_products(viewer, entry.state)
    return {
        "seq": entry.event.seq,
        "event": entry.event.kind.value,
        "view": view.value,
        "products": products,
        "item": item_payload(
            fmt, gate.render(entry.state, view, viewer), view, products, entry.event.kind.value
        ),
    }
