"""The Jinja2 environment of the signed-in pages: autoescaped, strict, one base layout."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nh3
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from newswire.web.context import context

__all__ = ["clean_html", "render_page"]

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Signed-in pages are never cached or framed, and run no script but our own file: even
# markup that slipped past escaping and nh3 could not execute.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
    " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none';"
    " form-action 'self'"
)
_NO_STORE = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": _CSP,
    "Referrer-Policy": "same-origin",
}

# Tags a story body may keep; everything else (scripts, styles, handlers, iframes,
# javascript: links) is stripped by nh3 before the body reaches a page.
_TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "a", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "td", "th", "caption",
    "figure", "figcaption", "sub", "sup", "span", "hr", "pre", "code", "q", "cite",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def clean_html(html: str) -> Markup:
    """A story body made safe for a page: nh3 keeps harmless markup and drops the rest."""
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # nh3 output: the sanitised markup


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%d %b %Y, %H:%M UTC")


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
)
_env.filters["when"] = _when
_env.filters["clean_html"] = clean_html


def render_page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page from a template, with what every page's layout needs (user, CSRF token)."""
    state = request.state
    html = _env.get_template(template).render(
        agency=context(request).settings.agency_name,
        user=getattr(state, "page_user", None),
        csrf=getattr(state, "csrf", ""),
        path=request.url.path,
        **values,
    )
    return HTMLResponse(html, status, headers=_NO_STORE)
