"""Plans: what a subscription entitles."""

from __future__ import annotations

import psycopg

from newswire.errors import Conflict, Invalid, NotFound
from newswire.model import DEFAULT_TYPES, Plan
from newswire.store.database import Database
from newswire.store.products import check_slug, missing_products

__all__ = ["PLAN_COLUMNS", "create_plan", "plan", "plan_from_row", "plans"]

_ITEM_TYPES = frozenset(DEFAULT_TYPES) | {"component", "event", "planning"}
PLAN_COLUMNS = "slug, products, languages, types, depth, delay_minutes, embargoed"


def plan_from_row(row: tuple[object, ...]) -> Plan:
    slug, products, languages, types, depth, delay, embargoed = row
    return Plan(
        slug=str(slug),
        products=frozenset(products),  # type: ignore[call-overload]
        languages=frozenset(languages),  # type: ignore[call-overload]
        types=frozenset(types),  # type: ignore[call-overload]
        depth="summary" if depth == "summary" else "full",
        delay_minutes=int(delay),  # type: ignore[call-overload]
        embargoed=bool(embargoed),
    )


def _check(plan: Plan) -> None:
    check_slug("slug", plan.slug)
    if not plan.products:
        raise Invalid("products: a plan needs at least one product")
    unknown_types = sorted(plan.types - _ITEM_TYPES)
    if unknown_types or not plan.types:
        raise Invalid(
            f"types: {', '.join(unknown_types) or 'none given'}; use some of "
            f"{', '.join(sorted(_ITEM_TYPES))}"
        )
    for language in plan.languages:
        if not (1 < len(language) <= 35 and all(c.isalnum() or c == "-" for c in language)):
            raise Invalid(f"languages: {language!r} is not a language tag such as 'en' or 'tr'")
    if plan.delay_minutes < 0:
        raise Invalid("delay: must be zero or more minutes")


async def create_plan(db: Database, plan: Plan) -> Plan:
    """Store a new plan after checking that its products exist."""
    _check(plan)
    try:
        async with db.transaction() as conn:
            missing = await missing_products(conn, sorted(plan.products))
            if missing:
                raise Invalid(f"products: no such product {', '.join(missing)}")
            await conn.execute(
                f"INSERT INTO plans ({PLAN_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    plan.slug,
                    sorted(plan.products),
                    sorted(plan.languages),
                    sorted(plan.types),
                    plan.depth,
                    plan.delay_minutes,
                    plan.embargoed,
                ),
            )
    except psycopg.errors.UniqueViolation as err:
        raise Conflict(f"plan {plan.slug!r} already exists") from err
    return plan


async def plan(db: Database, slug: str) -> Plan:
    """One plan by slug; `NotFound` when there is none."""
    async with db.connection() as conn:
        cur = await conn.execute(f"SELECT {PLAN_COLUMNS} FROM plans WHERE slug = %s", (slug,))
        row = await cur.fetchone()
    if row is None:
        raise NotFound(f"no plan {slug!r}")
    return plan_from_row(row)


async def plans(db: Database) -> list[Plan]:
    """Every plan, by slug."""
    async with db.connection() as conn:
        cur = await conn.execute(f"SELECT {PLAN_COLUMNS} FROM plans ORDER BY slug")
        return [plan_from_row(row) for row in await cur.fetchall()]
