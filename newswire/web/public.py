"""The public site: front, product, language and story pages, the public Atom feed and
the Google News sitemap. Summaries only: every item passes the gate as the public
viewer, and pages are built from the gate's rendering, which has no body.

Lists are cached for a few seconds and dropped at the next wire event (see
public_cache); a story page reads the item's state on every request, so a killed
story answers 410 at once.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from newswire import gate
from newswire.errors import Gone, NewswireError, NotFound
from newswire.model import Product
from newswire.store import items
from newswire.web.context import context
from newswire.web.media import public_picture
from newswire.web.public_feeds import atom_feed, news_sitemap
from newswire.web.public_reader import Rendered, public_viewer, shown, site_of, visible
from newswire.web.public_views import language_name, news_article, text_direction

__all__ = ["STATIC_DIR", "router"]

router = APIRouter(include_in_schema=False)
STATIC_DIR = Path(__file__).parent / "static"
FRONT_LIMIT = 80  # stories read for the front page, grouped by product
LIST_LIMIT = 50  # stories on a product or language page and in the Atom feed
SECTION_SIZE = 6
MAX_URI = 500
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$")
_GET = ["GET", "HEAD"]
_LIST_CACHING = {"Cache-Control": "public, max-age=5"}
_REVALIDATE = {"Cache-Control": "no-cache"}
_HTML = "text/html; charset=utf-8"

_env = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates" / "public"),
    autoescape=True,
    undefined=StrictUndefined,
)
_env.filters["when"] = lambda moment: moment.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")
_env.globals["language_name"] = language_name


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _html(template: str, **values: Any) -> Rendered:
    body = _env.get_template(template).render(**values).encode()
    return Rendered(body, _HTML)


def _error_page(request: Request, error: NewswireError) -> Response:
    gone = isinstance(error, Gone)
    rendered = _html(
        "error.html",
        agency=context(request).settings.agency_name,
        base=_base(request),
        products=[],
        status=error.status,
        gone=gone,
        lang="en",
        direction="ltr",
    )
    return Response(rendered.body, error.status, _REVALIDATE, rendered.media_type)


async def _cached_page(
    request: Request, key: tuple[str, ...], make: Callable[[], Awaitable[Rendered]]
) -> Response:
    """A list page from the cache (made when missing); an error page for 404 and 410."""
    ctx = context(request)
    try:
        rendered = await site_of(request.app).pages.get(
            (*key, _base(request)), ctx.notifier.latest, make
        )
    except (NotFound, Gone) as err:
        return _error_page(request, err)
    return Response(rendered.body, 200, _LIST_CACHING, rendered.media_type)


def _common(request: Request, products: list[Product]) -> dict[str, Any]:
    ctx = context(request)
    return {"agency": ctx.settings.agency_name, "base": _base(request), "products": products}


@router.api_route("/", methods=_GET)
async def front(request: Request) -> Response:
    """The front page: the latest public stories, grouped by product."""
    ctx = context(request)

    async def make() -> Rendered:
        public, viewer = await public_viewer(ctx, site_of(request.app))
        latest = await visible(ctx, viewer, public, FRONT_LIMIT)
        sections = [(p, [s for s in latest if p.slug in s.products][:SECTION_SIZE]) for p in public]
        languages = sorted({s.language for s in latest if s.language})
        return _html(
            "front.html",
            **_common(request, public),
            latest=latest[: SECTION_SIZE * 2],
            sections=[(p, stories) for p, stories in sections if stories],
            languages=languages,
            lang="en",
            direction="ltr",
        )

    return await _cached_page(request, ("front",), make)


@router.api_route("/products/{slug}", methods=_GET)
async def product_page(slug: str, request: Request) -> Response:
    """The latest public stories of one public product."""
    ctx = context(request)

    async def make() -> Rendered:
        public, viewer = await public_viewer(ctx, site_of(request.app))
        product = next((p for p in public if p.slug == slug), None)
        if product is None:
            raise NotFound(f"no public product {slug!r}")
        stories = await visible(ctx, viewer, [product], LIST_LIMIT)
        directions = {s.direction for s in stories}
        direction = "rtl" if directions == {"rtl"} else "ltr"
        languages = {s.language for s in stories}
        lang = languages.pop() if len(languages) == 1 else "en"
        return _html(
            "listing.html",
            **_common(request, public),
            heading=product.name or product.slug,
            stories=stories,
            lang=lang,
            direction=direction,
            canonical_path=f"/products/{slug}",
        )

    return await _cached_page(request, ("product", slug), make)


@router.api_route("/languages/{language}", methods=_GET)
async def language_page(language: str, request: Request) -> Response:
    """The latest public stories in one language, laid out in that language's direction."""
    ctx = context(request)

    async def make() -> Rendered:
        if not _LANGUAGE.match(language):
            raise NotFound(f"{language!r} is not a language tag")
        public, viewer = await public_viewer(ctx, site_of(request.app))
        stories = await visible(ctx, viewer, public, LIST_LIMIT, language=language)
        if not stories:
            raise NotFound(f"no public stories in {language!r}")
        return _html(
            "listing.html",
            **_common(request, public),
            heading=language_name(language),
            stories=stories,
            lang=language,
            direction=text_direction(language),
            canonical_path=f"/languages/{language}",
        )

    return await _cached_page(request, ("language", language), make)


@router.api_route("/stories/{uri:path}", methods=_GET)
async def story_page(uri: str, request: Request) -> Response:
    """One story in summary with an invitation to subscribe; 410 once killed.

    The item's state is read on every request; only the rendering of a version that
    the gate shows is cached.
    """
    ctx = context(request)
    site = site_of(request.app)
    try:
        if not uri or len(uri) > MAX_URI or "\x00" in uri:
            raise NotFound("no such story")
        public, viewer = await public_viewer(ctx, site)
        state = await items.item_state(ctx.db, uri)
        now = datetime.now(UTC)
        view = gate.decide(viewer, state, now)
        if view is gate.View.KILL_NOTICE:
            raise Gone("this story was withdrawn by the agency")
        found = shown(viewer, state, now)
        if found is None:
            raise NotFound("no such story")
    except (NotFound, Gone) as err:
        return _error_page(request, err)
    lead = await public_picture(ctx, viewer, state)  # only ever the watermarked preview
    story = found if lead is None else replace(found, picture=lead)

    async def make() -> Rendered:
        base = _base(request)
        return _html(
            "story.html",
            **_common(request, public),
            story=story,
            json_ld=news_article(story, base, ctx.settings.agency_name),
            lang=story.language or "en",
            direction=story.direction,
            canonical_path=story.path,
        )

    key = ("story", uri, str(state.version), _base(request), lead or "")
    rendered = await site.pages.get(key, None, make)
    return Response(rendered.body, 200, _REVALIDATE, rendered.media_type)


@router.api_route("/feeds/public.atom", methods=_GET)
async def public_atom(request: Request) -> Response:
    """The public Atom feed: the latest stories' headlines and summaries, no bodies."""
    ctx = context(request)

    async def make() -> Rendered:
        public, viewer = await public_viewer(ctx, site_of(request.app))
        stories = await visible(ctx, viewer, public, LIST_LIMIT)
        body = atom_feed(stories, _base(request), ctx.settings.agency_name, datetime.now(UTC))
        return Rendered(body, "application/atom+xml; charset=utf-8")

    return await _cached_page(request, ("atom",), make)


@router.api_route("/sitemap-news.xml", methods=_GET)
async def news_sitemap_xml(request: Request) -> Response:
    """The Google News sitemap: public stories of the last two days, at most 1,000."""
    ctx = context(request)

    async def make() -> Rendered:
        public, viewer = await public_viewer(ctx, site_of(request.app))
        since = datetime.now(UTC) - timedelta(days=2)
        stories = await visible(ctx, viewer, public, 1000, since=since)
        body = news_sitemap(stories, _base(request), ctx.settings.agency_name)
        return Rendered(body, "application/xml; charset=utf-8")

    return await _cached_page(request, ("sitemap",), make)


@router.api_route("/robots.txt", methods=_GET)
async def robots(request: Request) -> Response:
    """Crawlers may read the public site; the news sitemap is named here."""
    text = f"User-agent: *\nAllow: /\nSitemap: {_base(request)}/sitemap-news.xml\n"
    return Response(text, 200, _LIST_CACHING, "text/plain; charset=utf-8")
