"""One item as a viewer may see it: the API's item fetch and the portal's story page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from newswire import gate
from newswire.delivery.entries import format_signal, visible_products
from newswire.errors import NotFound
from newswire.model import Item, Viewer
from newswire.store import items
from newswire.store.database import Database
from newswire.web.paths import checked_uri

__all__ = ["Visible", "visible_item"]


@dataclass(frozen=True)
class Visible:
    """The item in the viewer's view, the products it may know of, and the version's
    signal for the XML formats (update, correction, kill or none)."""

    item: Item
    view: gate.View
    products: list[str]
    signal: str | None


async def visible_item(db: Database, viewer: Viewer, uri: str, version: int | None) -> Visible:
    """The item (latest, or `version`) through the gate, or NotFound."""
    uri = checked_uri(uri)
    try:
        state = await items.item_state(db, uri, version)
    except NotFound:
        state = None
    view = None if state is None else gate.decide(viewer, state, datetime.now(UTC))
    if state is None or view is None:
        raise NotFound(f"no item {uri[:200]!r} that your plan covers")
    return Visible(
        gate.render(state, view, viewer),
        view,
        visible_products(viewer, state),
        format_signal(view, state.signal),
    )
