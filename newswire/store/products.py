"""Products: the channels items are published into."""

from __future__ import annotations

import re
from typing import Any

import psycopg

from newswire.errors import Conflict, Invalid
from newswire.model import Product
from newswire.store.database import Database

__all__ = ["check_slug", "create_product", "missing_products", "products"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def check_slug(field: str, slug: str) -> str:
    """The slug itself, or `Invalid` naming the field when it is not a usable slug."""
    if not _SLUG.match(slug):
        raise Invalid(
            f"{field}: {slug!r} is not a valid slug (lower-case letters, digits, '-' and '_',"
            " starting with a letter or digit, at most 63 characters)"
        )
    return slug


async def create_product(db: Database, product: Product) -> Product:
    """Store a new product; `Conflict` when the slug is taken."""
    check_slug("slug", product.slug)
    if product.public_delay_minutes < 0:
        raise Invalid("publicDelay: must be zero or more minutes")
    try:
        async with db.connection() as conn:
            await conn.execute(
                "INSERT INTO products (slug, name, public, public_delay_minutes)"
                " VALUES (%s, %s, %s, %s)",
                (product.slug, product.name, product.public, product.public_delay_minutes),
            )
    except psycopg.errors.UniqueViolation as err:
        raise Conflict(f"product {product.slug!r} already exists") from err
    return product


async def products(db: Database) -> list[Product]:
    """Every product, by slug."""
    async with db.connection() as conn:
        cur = await conn.execute(
            "SELECT slug, name, public, public_delay_minutes FROM products ORDER BY slug"
        )
        return [Product(*row) for row in await cur.fetchall()]


async def missing_products(
    conn: psycopg.AsyncConnection[tuple[Any, ...]], slugs: list[str]
) -> list[str]:
    """The slugs among `slugs` that name no product."""
    cur = await conn.execute("SELECT slug FROM products WHERE slug = ANY(%s)", (slugs,))
    known = {row[0] for row in await cur.fetchall()}
    return [slug for slug in slugs if slug not in known]
