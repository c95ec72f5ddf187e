"""What the public site reads: candidate stories of public products, newest first.

These queries only narrow the scan (public products, released, not killed, old enough
for the shortest public delay); the gate still decides every item they return.
"""

from __future__ import annotations

from datetime import datetime

from newswire.model import ItemState, Product
from newswire.store.database import Database
from newswire.store.item_rows import STATE_COLUMNS, state_from_row

__all__ = ["public_candidates", "public_products"]


async def public_products(db: Database) -> list[Product]:
    """Every product marked public, by slug."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT slug, name, public, public_delay_minutes FROM products"
            " WHERE public ORDER BY slug"
        )
        return [Product(*row) for row in await cur.fetchall()]


async def public_candidates(
    db: Database,
    products: list[str],
    newest: datetime,
    limit: int,
    *,
    language: str | None = None,
    since: datetime | None = None,
) -> list[ItemState]:
    """Latest versions of released, unkilled items in `products`, newest release first.

    `products` are the public product slugs to look in (one for a product page);
    `newest` is the latest release time worth reading (now less the shortest public
    delay of any public product, as an item may be in several); `since` keeps only
    items released at or after that time. The caller passes every row to the gate.
    """
    if not products:
        return []
    sql = (
        f"SELECT {STATE_COLUMNS} FROM items i JOIN item_versions v"
        " ON v.uri = i.uri AND v.version = i.latest_version"
        " WHERE i.products && %(products)s AND i.killed_at IS NULL"
        " AND i.released_at IS NOT NULL AND i.released_at <= %(newest)s"
    )
    params: dict[str, object] = {
        "products": products,
        "newest": newest,
        "limit": limit,
    }
    if language is not None:
        sql += " AND i.language = %(language)s"
        params["language"] = language
    if since is not None:
        sql += " AND i.released_at >= %(since)s"
        params["since"] = since
    sql += " ORDER BY i.released_at DESC, i.uri LIMIT %(limit)s"
    async with db.connection() as conn:
        cur = await conn.execute(sql, params)
        rows = await cur.fetchall()
    return [state_from_row(row) for row in rows]
