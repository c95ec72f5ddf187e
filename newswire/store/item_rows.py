"""How an item version and its lifecycle are read back from a row."""

from __future__ import annotations

from typing import Any

from newswire.model import Item, ItemState

__all__ = ["STATE_COLUMNS", "state_from_row"]

# Columns that make an ItemState, for queries joining item_versions v and items i.
STATE_COLUMNS = (
    "v.item, v.version, CASE WHEN i.killed_at IS NULL THEN v.products ELSE i.products END,"
    " i.kill_reason, i.killed_at, i.latest_version, i.embargo_until, i.released_at, v.signal"
)


def state_from_row(row: tuple[Any, ...]) -> ItemState:
    """An ItemState from the STATE_COLUMNS of a row."""
    item, version, products, reason, killed_at, latest, embargo_until, released_at, signal = row
    return ItemState(
        item=Item.model_validate(item),
        version=version,
        products=frozenset(products),
        kill_reason=reason or "",
        killed_at=killed_at,
        kill_version=latest if killed_at is not None else 0,
        embargo_until=embargo_until,
        released_at=released_at,
        signal=signal,
    )
