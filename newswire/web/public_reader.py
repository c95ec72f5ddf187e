"""What the public site reads, through the gate: the public viewer and visible stories.

Every story the public pages show comes from `visible`, which passes each candidate
row to `gate.decide` as the public viewer and builds the page's `Story` from
`gate.render`'s summary (no body, no editor's note).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI

from newswire import gate
from newswire.model import ItemState, Product, Viewer, ViewerKind
from newswire.store.public import public_candidates, public_products
from newswire.web.context import Context
from newswire.web.media_public import public_media_story
from newswire.web.public_cache import TtlCache
from newswire.web.public_views import Story, story_of

__all__ = ["Rendered", "Site", "public_viewer", "shown", "site_of", "visible"]


@dataclass(frozen=True)
class Rendered:
    """A rendered public response body and its media type, as the cache keeps it."""

    body: bytes
    media_type: str


@dataclass
class Site:
    """Per-app state of the public site: its caches."""

    pages: TtlCache[Rendered]
    products: TtlCache[list[Product]]


def site_of(app: FastAPI) -> Site:
    """The app's public-site state, made on first use."""
    site: Site | None = getattr(app.state, "public_site", None)
    if site is None:
        site = Site(pages=TtlCache(), products=TtlCache())
        app.state.public_site = site
    return site


async def public_viewer(ctx: Context, site: Site) -> tuple[list[Product], Viewer]:
    """The public products (cached a few seconds) and the public viewer the gate sees."""

    async def load() -> list[Product]:
        return await public_products(ctx.db)

    public = await site.products.get(("products",), None, load)
    viewer = Viewer(
        kind=ViewerKind.PUBLIC,
        public_products=frozenset(p.slug for p in public),
        public_delay_minutes={p.slug: p.public_delay_minutes for p in public},
    )
    return public, viewer


def shown(viewer: Viewer, state: ItemState, now: datetime) -> Story | None:
    """The story as the public sees it, or None when the gate hides it."""
    view = gate.decide(viewer, state, now)
    if view is not gate.View.SUMMARY:
        return None
    story = story_of(gate.render(state, view, viewer), state, viewer.public_products)
    return public_media_story(story, state)  # media: only the public preview URL


async def visible(
    ctx: Context,
    viewer: Viewer,
    products: list[Product],
    limit: int,
    *,
    language: str | None = None,
    since: datetime | None = None,
) -> list[Story]:
    """Up to `limit` stories of `products` the gate shows the public, newest first."""
    now = datetime.now(UTC)
    slugs = {p.slug for p in products}
    # The narrowing may not hide what the gate would show: an item in a delayed product
    # may also be in another public product with a shorter delay.
    shortest = min(viewer.public_delay_minutes.values(), default=0)
    states = await public_candidates(
        ctx.db,
        sorted(slugs),
        now - timedelta(minutes=shortest),
        limit * 2 + 20,
        language=language,
        since=since,
    )
    stories = [shown(viewer, s, now) for s in states if slugs & s.products]
    return [s for s in stories if s is not None][:limit]
